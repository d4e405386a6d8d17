import pytest

from portal.auth import sessions
from portal.extensions import db
from portal.models import Role
from tests import factories

HOME_MARKERS = {
    Role.UNIT_OFFICER: "Progress by task group",
    Role.REVIEWER: "Review submitted scores and evidence",
    Role.COUNCIL: "read each dossier and vote",
    Role.ADMIN: "Manage accounts",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_home(client, campaign, login_as, role):
    client.post("/language/en")
    login_as(role)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert HOME_MARKERS[role] in page
    for other, marker in HOME_MARKERS.items():
        if other is not role:
            assert marker not in page


def test_wrong_password_is_refused_in_vietnamese(client, app):
    user = factories.gen_user()
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": "sai mật khẩu"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_unknown_user_gets_the_same_message(client, app):
    response = client.post("/login", data={"username": "nobody", "password": "whatever1"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_empty_fields_are_named(client, app):
    response = client.post("/login", data={"username": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Vui lòng nhập tên đăng nhập." in page and "Vui lòng nhập mật khẩu." in page


def test_disabled_account_cannot_sign_in(client, app):
    user = factories.gen_user(active=False)
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 401


def test_sign_in_starts_a_new_session(client, app):
    user = factories.gen_user()
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]
    assert sessions.load(token).id == user.id  # the cookie names a live server-side session


def test_sign_out_ends_the_session(client, login_as):
    login_as(Role.REVIEWER)
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def test_next_only_goes_to_this_site(client, app):
    user = factories.gen_user()
    db.session.commit()
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": user.username, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/reference/units",
                           data={"username": user.username, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/reference/units"


def test_password_change_ends_other_sessions(client, login_as, app):
    from portal.accounts.services import set_password

    user = login_as(Role.REVIEWER)
    assert client.get("/").status_code == 200
    set_password(user.username, "a brand new password")
    db.session.commit()
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client, app):
    user = factories.gen_user()
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_when_configured(database_url, tmp_path, monkeypatch):
    from tests.conftest import make_test_app

    monkeypatch.setenv("HTTPS", "1")
    app = make_test_app(database_url, tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_request_context():
        response = app.test_client().get("/login")
    assert "Strict-Transport-Security" in response.headers
