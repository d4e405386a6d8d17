"""Everyone's own password: the forced change after a temporary one, the throttle, the common-password list."""
from portal.extensions import db
from portal.models import LoginAttempt, Role, User, UserSession
from tests import factories
from tests.helpers import HX

NEW = "Cay-Xoai-Nha-Toi-7"


def _sign_in(client, user, password=factories.PASSWORD):
    return client.post("/login", data={"username": user.username, "password": password})


def _change(client, current=factories.PASSWORD, new=NEW, confirm=None):
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                   "confirm": confirm or new})


def test_temporary_password_blocks_everything_until_changed(client, campaign):
    user = factories.gen_user(role=Role.REVIEWER, must_change_password=True)
    db.session.commit()
    response = _sign_in(client, user)
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/password")
    for url in ["/", "/review/", "/reference/criteria", "/scoreboard/"]:
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"].endswith("/account/password"), url
    for poll in ["/review/rows", "/review/badge", "/scoreboard/table", "/notifications/badge"]:
        partial = client.get(poll, headers=HX)  # partials and idle polls too
        assert partial.headers.get("HX-Redirect", "").endswith("/account/password"), poll
    # polled from the change page itself: nothing happens (a redirect would reload the form being typed)
    on_page = client.get("/review/badge", headers={**HX, "HX-Current-URL": "http://localhost/account/password"})
    assert on_page.status_code == 204 and "HX-Redirect" not in on_page.headers
    assert client.post("/admin/users/new", data={"username": "lenlut"}).status_code == 303
    assert client.get("/account/password").status_code == 200
    assert _change(client).status_code == 303
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, user.id).must_change_password


def test_own_password_change_needs_the_current_one_and_is_throttled(client, app):
    user = factories.gen_user()
    db.session.commit()
    _sign_in(client, user)
    response = _change(client, current="not-my-password")
    assert response.status_code == 401
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)
    key, _ = app.extensions["login_throttle"].keys(user.username, "127.0.0.1")
    assert db.session.get(LoginAttempt, key).count == 1
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"]):
        response = _change(client, current="not-my-password")
    assert _change(client).status_code == 429  # even the right one, while locked
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(factories.PASSWORD)


def test_common_and_short_passwords_are_refused(client):
    user = factories.gen_user()
    db.session.commit()
    _sign_in(client, user)
    for bad in ["matkhau123", "12345678", "Thidua2025", "ngan"]:
        response = _change(client, new=bad)
        assert response.status_code == 422, bad
    assert "đầu tiên" in _change(client, new="matkhau123").get_data(as_text=True)
    assert _change(client, new=NEW, confirm=NEW + "x").status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(factories.PASSWORD)


def test_own_change_ends_other_sessions_and_keeps_this_one(client, app):
    user = factories.gen_user()
    db.session.commit()
    other = app.test_client()
    _sign_in(other, user)
    _sign_in(client, user)
    assert _change(client).status_code == 303
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302
    page = client.get("/account/password").get_data(as_text=True)
    assert "Lần đăng nhập gần đây" in page and "vẫn đang đăng nhập" in page
    live = db.session.execute(db.select(UserSession).where(UserSession.user_id == user.id,
                                                           UserSession.ended_at.is_(None))).all()
    assert len(live) == 1
