"""Sessions end on the server: a copied cookie replayed after logout, a password change, a
deactivation or the administrator's "end all sessions" reads nothing and saves nothing — pages,
saves and the cheap polls alike — while other people's sessions go on."""
import pytest
import sqlalchemy as sa

from portal import live
from portal.accounts.services import set_password
from portal.extensions import db
from portal.models import AuditEvent, Role, ScoreLine, Unit, UserSession
from portal.workspace.services import ensure_workspace
from tests import factories

HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/unit/"}


def _signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": factories.PASSWORD}).status_code == 303
    return client


def _copy_of_cookie(app, client):
    """A second client holding a copy of ``client``'s session cookie (what a thief would replay)."""
    replay = app.test_client()
    replay.set_cookie("session", client.get_cookie("session").value)
    return replay


@pytest.fixture
def people(campaign):
    """An officer of BH (with a score line), a colleague of LK, a reviewer and an administrator."""
    bh, lk = (db.session.execute(sa.select(Unit).where(Unit.code == code)).scalar_one() for code in ("BH", "LK"))
    ensure_workspace(bh, campaign)
    ensure_workspace(lk, campaign)
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=bh)
    colleague = factories.gen_user(role=Role.UNIT_OFFICER, unit=lk)
    reviewer = factories.gen_user(role=Role.REVIEWER)
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    line = db.session.execute(sa.select(ScoreLine).where(ScoreLine.unit_id == bh.id)).scalars().first()
    return {"officer": officer, "colleague": colleague, "reviewer": reviewer, "admin": admin, "line": line}


def _officer_answers(client, line_id: int) -> dict:
    line = db.session.get(ScoreLine, line_id)
    db.session.refresh(line)
    return {
        "page": client.get("/unit/").status_code,
        "save": client.post(f"/unit/score-lines/{line_id}", headers=HX,
                            data={"self_score": "1", "explanation": "Bản sao cookie", "version": str(line.version)}),
        "poll": client.get(f"/scoreboard/table?v={live.current(live.SCOREBOARD)}", headers=HX).status_code,
    }


def _reviewer_answers(client) -> dict:
    version = live.current(live.QUEUE)
    return {
        "page": client.get("/review/").status_code,
        "badge": client.get(f"/review/badge?v={version}", headers=HX).status_code,
        "rows": client.get(f"/review/rows?v={version}", headers=HX).status_code,
        "scoreboard": client.get(f"/scoreboard/table?v={live.current(live.SCOREBOARD)}", headers=HX).status_code,
    }


def _assert_live_officer(answers):
    assert answers["page"] == 200 and answers["save"].status_code == 200 and answers["poll"] == 204


def _assert_refused_officer(answers):
    assert answers["page"] == 302
    save = answers["save"]
    assert save.status_code == 401 and save.headers["HX-Redirect"].startswith("/login?next=/unit/")
    assert answers["poll"] == 401


def _end_by_logout(app, people, clients):
    clients["officer"].post("/logout")
    clients["reviewer"].post("/logout")


def _end_by_password_change(app, people, clients):
    for who in ("officer", "reviewer"):
        set_password(people[who].username, "a brand new password")
    db.session.commit()


def _end_by_deactivation(app, people, clients):
    for who in ("officer", "reviewer"):
        assert clients["admin"].post(f"/admin/users/{people[who].id}/disable").status_code == 303


def _end_by_administrator(app, people, clients):
    for who in ("officer", "reviewer"):
        assert clients["admin"].post(f"/admin/users/{people[who].id}/end-sessions").status_code == 303


@pytest.mark.parametrize("end", [_end_by_logout, _end_by_password_change, _end_by_deactivation,
                                 _end_by_administrator],
                         ids=["logout", "password-change", "deactivation", "end-all-sessions"])
def test_a_copied_cookie_is_refused_once_the_session_ended(app, people, end):
    clients = {who: _signed_in(app, people[who]) for who in ("officer", "colleague", "reviewer", "admin")}
    copies = {who: _copy_of_cookie(app, clients[who]) for who in ("officer", "reviewer")}
    _assert_live_officer(_officer_answers(copies["officer"], people["line"].id))
    assert _reviewer_answers(copies["reviewer"]) == {"page": 200, "badge": 204, "rows": 204, "scoreboard": 204}
    saved = db.session.get(ScoreLine, people["line"].id)
    db.session.refresh(saved)
    before = (saved.version, saved.explanation)

    end(app, people, clients)

    _assert_refused_officer(_officer_answers(copies["officer"], people["line"].id))
    assert _reviewer_answers(_copy_of_cookie(app, copies["reviewer"])) == {
        "page": 302, "badge": 401, "rows": 401, "scoreboard": 401}
    db.session.expire_all()
    line = db.session.get(ScoreLine, people["line"].id)
    assert (line.version, line.explanation) == before  # the replayed save changed nothing
    # other people's sessions go on
    assert clients["colleague"].get("/unit/").status_code == 200
    assert clients["admin"].get("/admin/users").status_code == 200


def test_ending_all_sessions_is_audited_and_needs_an_administrator(app, people):
    officer_client = _signed_in(app, people["officer"])
    _signed_in(app, people["officer"])  # a second device
    reviewer_client = _signed_in(app, people["reviewer"])
    assert reviewer_client.post(f"/admin/users/{people['officer'].id}/end-sessions").status_code == 403
    assert officer_client.get("/unit/").status_code == 200

    admin_client = _signed_in(app, people["admin"])
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Kết thúc mọi phiên" in page
    response = admin_client.post(f"/admin/users/{people['officer'].id}/end-sessions", follow_redirects=True)
    assert "đã kết thúc (2)" in response.get_data(as_text=True)
    assert officer_client.get("/unit/").status_code == 302
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "end_sessions")).scalar_one()
    assert (event.subject_type, event.subject_id, event.actor_id) == ("user", people["officer"].id, people["admin"].id)
    assert event.after == {"sessions": 2}


def test_an_administrator_cannot_disable_their_own_account(app, people):
    admin_client = _signed_in(app, people["admin"])
    response = admin_client.post(f"/admin/users/{people['admin'].id}/disable", follow_redirects=True)
    assert "Bạn không thể khóa tài khoản của chính mình" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(people["admin"]), people["admin"].id).active
    assert admin_client.get("/admin/users").status_code == 200


def test_a_disabled_account_can_be_enabled_again(app, people):
    admin_client = _signed_in(app, people["admin"])
    admin_client.post(f"/admin/users/{people['officer'].id}/disable")
    assert app.test_client().post("/login", data={"username": people["officer"].username,
                                                  "password": factories.PASSWORD}).status_code == 401
    admin_client.post(f"/admin/users/{people['officer'].id}/enable")
    _signed_in(app, people["officer"])
    actions = db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["disable_account", "enable_account"]


def test_ending_sessions_keeps_its_csrf_check(database_url, tmp_path, app, people):
    from tests.conftest import make_test_app

    guarded = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": people["admin"].username, "password": factories.PASSWORD,
                                "csrf_token": token})
    victim = _signed_in(app, people["officer"])
    response = client.post(f"/admin/users/{people['officer'].id}/end-sessions")  # forged: no token
    assert response.status_code == 400
    assert victim.get("/unit/").status_code == 200
    with guarded.app_context():
        db.engine.dispose()


def test_an_idle_poll_checks_the_session_in_its_single_query(app, people):
    """The cheap polls stay cheap: the session check rides in the one read of the counter."""
    statements = []
    reviewer = _signed_in(app, people["reviewer"])
    officer = _signed_in(app, people["officer"])
    version, board = live.current(live.QUEUE), live.current(live.SCOREBOARD)

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert reviewer.get(f"/review/badge?v={version}", headers=HX).status_code == 204
        assert reviewer.get(f"/review/rows?v={version}", headers=HX).status_code == 204
        assert officer.get(f"/scoreboard/table?v={board}", headers=HX).status_code == 204
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 3 and all("user_session" in s for s in reads)


def test_sessions_store_only_a_hash_of_the_token(app, people):
    client = _signed_in(app, people["officer"])
    with client.session_transaction() as session:
        token = session["_user_id"]
    stored = db.session.execute(sa.select(UserSession.token_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64
