"""A request whose session has ended (expired, signed out elsewhere, ended by an administrator) is
told so clearly and sent to sign in, coming back to the page it was on — never "the form has
expired", and for htmx a 401 with HX-Redirect rather than a sign-in page inside a fragment."""
import pytest

from portal.auth import sessions
from portal.extensions import db
from portal.models import Role
from tests import factories
from tests.conftest import make_test_app

ENDED_VI = "Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại để tiếp tục."


@pytest.fixture
def guarded(database_url, tmp_path, app):
    """The portal with CSRF protection switched on, as in production."""
    protected = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    yield protected
    with protected.app_context():
        db.engine.dispose()


def _token(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]


def _sign_in(client, user):
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD,
                                           "csrf_token": _token(client)})
    assert response.status_code == 303


def _end_every_session(user):
    sessions.end_all(user.id)
    db.session.commit()


def test_htmx_save_after_the_session_ended_redirects_to_sign_in_and_back_to_the_page(guarded):
    user = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    client = guarded.test_client()
    _sign_in(client, user)
    token = _token(client, "/review/")
    _end_every_session(user)
    response = client.post("/review/bulk-approve", data={"csrf_token": token},
                           headers={"HX-Request": "true", "X-CSRFToken": token,
                                    "HX-Current-URL": "http://localhost/review/?kind=score_line"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/review/?kind%3Dscore_line"
    page = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert ENDED_VI in page
    assert "Biểu mẫu đã hết hạn" not in page


def test_a_post_without_any_session_is_sent_to_sign_in_not_told_the_form_expired(guarded):
    """The cookie is gone (expired): the CSRF token went with it, yet this is no forgery to report."""
    client = guarded.test_client()
    response = client.post("/unit/score-lines/1", data={"self_score": "5", "explanation": "Đã làm"},
                           headers={"Referer": "http://localhost/unit/scores"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/unit/scores"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ENDED_VI in page and "Biểu mẫu đã hết hạn" not in page


def test_a_forged_post_in_a_live_session_is_still_a_csrf_failure(guarded):
    user = factories.gen_user(role=Role.ADMIN)
    victim = factories.gen_user()
    db.session.commit()
    client = guarded.test_client()
    _sign_in(client, user)
    response = client.post(f"/admin/users/{victim.id}/disable", data={})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn hoặc không được gửi từ Cổng này" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(victim), victim.id).active


def test_a_page_after_the_session_ended_says_so_and_returns_after_sign_in(guarded):
    user = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    client = guarded.test_client()
    _sign_in(client, user)
    _end_every_session(user)
    response = client.get("/review/?kind=score_line")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/review/?kind%3Dscore_line"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ENDED_VI in page
    assert "Đăng xuất" not in page  # the header no longer shows the user
    response = client.post(response.headers["Location"], data={
        "username": user.username, "password": factories.PASSWORD, "csrf_token": _token(client)})
    assert response.headers["Location"] == "/review/?kind=score_line"


def test_a_first_visit_is_not_told_its_session_ended(client, app):
    response = client.get("/review/")
    assert response.status_code == 302
    assert ENDED_VI not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_session_ended_message_is_in_english_too(client, app):
    user = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    client.post("/language/en")
    client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    _end_every_session(user)
    page = client.get("/review/", follow_redirects=True).get_data(as_text=True)
    assert "Your session has ended. Sign in again to continue." in page
