"""When the database is unavailable, a signed-in user still gets the portal's error page — in her
language, with no traceback — because error pages render without touching the database."""
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Role
from tests.conftest import make_test_app

HX = {"HX-Request": "true"}


def _unreachable_url(database_url: str, tmp_path) -> str:
    if database_url.startswith("postgresql"):
        return "postgresql://postgres@127.0.0.1:1/portal_down"  # nothing listens on port 1
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite3'}"


@pytest.fixture
def broken_app(database_url, tmp_path, app):
    """The same portal (same secret, so the same cookies) whose database cannot be reached."""
    down = make_test_app(_unreachable_url(database_url, tmp_path), tmp_path)
    yield down
    with down.app_context():
        db.engine.dispose()


def _with_cookie_of(client, other_app):
    replay = other_app.test_client()
    replay.set_cookie("session", client.get_cookie("session").value)
    return replay


@pytest.mark.parametrize("lang, title, message", [
    ("vi", "Tạm thời gián đoạn", "Cổng hiện không kết nối được cơ sở dữ liệu"),
    ("en", "Temporarily unavailable", "The portal cannot reach its database at the moment"),
])
def test_signed_in_user_gets_the_error_page_in_her_language_when_the_database_is_down(
        client, login_as, broken_app, lang, title, message):
    if lang == "en":
        client.post("/language/en")
    login_as(Role.REVIEWER)
    down = _with_cookie_of(client, broken_app)
    for path in ("/", "/review/", "/admin/users"):
        response = down.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert title in page and message in page
        assert f'<html lang="{lang}">' in page
        assert "Traceback" not in page and "Internal Server Error" not in page
        assert "Đăng xuất" in page or "Sign out" in page  # the way out is still there


def test_a_save_while_the_database_is_down_gets_the_fragment_not_a_bare_500(client, login_as, broken_app):
    login_as(Role.REVIEWER)
    response = _with_cookie_of(client, broken_app).post("/review/bulk-approve", headers=HX, data={"ids": "1"})
    assert response.status_code == 503
    assert 'id="error"' in response.get_data(as_text=True)


def test_a_database_failure_during_a_page_is_answered_without_the_database(client, login_as, app):
    """The database fails after the user was loaded: the error page still renders (no second failure)."""
    login_as(Role.ADMIN)
    calls = {"n": 0}

    def fail_after_the_user(conn, cursor, statement, *args):
        calls["n"] += 1
        if calls["n"] > 1:
            raise sa.exc.OperationalError(statement, {}, Exception("server closed the connection"))

    sa.event.listen(db.engine, "before_cursor_execute", fail_after_the_user)
    try:
        response = client.get("/admin/users")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", fail_after_the_user)
    assert response.status_code == 503
    assert "Tạm thời gián đoạn" in response.get_data(as_text=True)


def test_an_unexpected_error_page_needs_no_database(client, login_as, app, monkeypatch):
    """A plain 500 renders the bare layout too: no user box, no navigation queries."""
    from portal.admin import views

    login_as(Role.ADMIN)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.sessions, "live_counts", broken)
    response = client.get("/admin/users")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Lỗi máy chủ" in page and "boom" not in page
    assert "main-nav" not in page
