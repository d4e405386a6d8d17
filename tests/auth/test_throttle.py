import pytest

from portal.auth.throttle import LoginThrottle, MemoryCounter, RedisCounter
from portal.extensions import db
from tests import factories


def test_locked_after_too_many_failures(client, app):
    user = factories.gen_user()
    db.session.commit()
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    for _ in range(limit):
        assert client.post("/login", data={"username": user.username, "password": "wrong-one"}).status_code == 401
    # even the right password is refused while locked, with a message that says why
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_success_resets_the_username_counter(client, app):
    user = factories.gen_user()
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_ATTEMPTS"] - 1):
        client.post("/login", data={"username": user.username, "password": "wrong-one"})
    assert client.post("/login", data={"username": user.username, "password": factories.PASSWORD}).status_code == 303
    throttle = app.extensions["login_throttle"]
    assert throttle.counter.get(throttle._keys(user.username, "127.0.0.1")[0])[0] == 0


def _redis_or_skip():
    import redis

    try:
        counter = RedisCounter("redis://127.0.0.1:6379/15")
        counter._redis.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    counter._redis.flushdb()
    return counter


@pytest.mark.parametrize("make_counter", [MemoryCounter, _redis_or_skip], ids=["memory", "redis"])
def test_counter_backends_lock_and_clear(make_counter):
    throttle = LoginThrottle(make_counter(), max_attempts=3, window_seconds=60)
    for _ in range(2):
        throttle.record_failure("Ana", "10.0.0.1")
    assert throttle.locked_for("ana", "10.0.0.2") == 0
    throttle.record_failure("ana", "10.0.0.1")
    assert 0 < throttle.locked_for("ANA", "10.0.0.9") <= 60  # by username, whatever the address
    assert 0 < throttle.locked_for("someone", "10.0.0.1") <= 60  # by address, whatever the username
    throttle.record_success("ana", "10.0.0.1")
    assert throttle.locked_for("ana", "10.0.0.9") == 0
