"""Sign-in throttling: counted before the password is checked, atomically, shared by every worker."""
import threading
import uuid

import pytest

from portal.auth import services as auth_services
from portal.models import user as user_model
from portal.auth.throttle import DatabaseCounter, LoginThrottle, RedisCounter
from portal.extensions import db
from portal.models import LoginAttempt
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
    user_key, address_key = throttle.keys(user.username, "127.0.0.1")
    assert db.session.get(LoginAttempt, user_key) is None
    # the successful attempt gave its place back: only the wrong ones count against the address
    assert db.session.get(LoginAttempt, address_key).count == app.config["LOGIN_MAX_ATTEMPTS"] - 1


def test_colleagues_signing_in_from_one_address_are_not_locked_out(client, app):
    people = [factories.gen_user() for _ in range(app.config["LOGIN_MAX_ATTEMPTS"] + 3)]
    db.session.commit()
    for person in people:
        assert client.post("/login", data={"username": person.username, "password": factories.PASSWORD}).status_code == 303
        client.post("/logout")


def _parallel_wrong_passwords(app, username: str, n: int) -> tuple[int, list[int]]:
    """n sign-ins with a wrong password released at the same instant; how many passwords were checked."""
    checks = []
    lock = threading.Lock()
    real_check = user_model.check_password_hash

    def counting_check(stored, password):
        with lock:
            checks.append(1)
        return real_check(stored, password)

    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def attempt():
        client = app.test_client()
        barrier.wait()
        response = client.post("/login", data={"username": username, "password": "wrong-password"})
        with lock:
            statuses.append(response.status_code)

    # every password check goes through one of these two (known user; unknown user's dummy hash)
    user_model.check_password_hash = auth_services.check_password_hash = counting_check
    try:
        threads = [threading.Thread(target=attempt) for _ in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        user_model.check_password_hash = auth_services.check_password_hash = real_check
    return len(checks), statuses


def test_parallel_wrong_passwords_check_at_most_the_limit(app):
    """30 wrong passwords at once: the count is taken before each check, so at most the limit run."""
    user = factories.gen_user()
    db.session.commit()
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    checked, statuses = _parallel_wrong_passwords(app, user.username, 30)
    assert len(statuses) == 30
    assert checked <= limit
    assert statuses.count(401) == checked and statuses.count(429) == 30 - checked
    assert db.session.get(LoginAttempt, app.extensions["login_throttle"].keys(user.username, "x")[0]).count == 30


def _redis_counter_or_skip():
    import redis

    counter = RedisCounter("redis://127.0.0.1:6379/15", fallback=DatabaseCounter())
    try:
        counter._redis.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return counter


def test_parallel_wrong_passwords_check_at_most_the_limit_with_redis(app):
    counter = _redis_counter_or_skip()
    prefix = f"portal-test:{uuid.uuid4().hex}:"
    throttle = LoginThrottle(counter, app.config["LOGIN_MAX_ATTEMPTS"], 60, prefix=prefix)
    app.extensions["login_throttle"] = throttle
    user = factories.gen_user()
    db.session.commit()
    try:
        checked, statuses = _parallel_wrong_passwords(app, user.username, 30)
        assert checked <= app.config["LOGIN_MAX_ATTEMPTS"]
        assert statuses.count(429) == 30 - checked
        assert int(counter._redis.get(throttle.keys(user.username, "x")[0])) == 30
        assert db.session.query(LoginAttempt).count() == 0  # Redis held the counts, not the database
    finally:
        for key in counter._redis.scan_iter(f"{prefix}*"):
            counter._redis.delete(key)


def test_redis_unreachable_falls_back_to_the_database(app):
    counter = RedisCounter("redis://127.0.0.1:1/0", fallback=DatabaseCounter())
    throttle = LoginThrottle(counter, max_attempts=2, window_seconds=60)
    assert throttle.attempt("ana", "10.0.0.1") == 0
    assert throttle.attempt("ana", "10.0.0.1") == 0
    assert 0 < throttle.attempt("ana", "10.0.0.1") <= 60
    assert db.session.get(LoginAttempt, throttle.keys("ana", "x")[0]).count == 3


def _database_counter():
    return DatabaseCounter()


def _redis_counter():
    return _redis_counter_or_skip()


@pytest.mark.parametrize("make_counter", [_database_counter, _redis_counter], ids=["database", "redis"])
def test_counter_backends_lock_by_username_and_by_address(app, make_counter):
    throttle = LoginThrottle(make_counter(), max_attempts=3, window_seconds=60,
                             prefix=f"portal-test:{uuid.uuid4().hex}:")
    for _ in range(3):
        assert throttle.attempt("Ana", "10.0.0.1") == 0
    assert 0 < throttle.attempt("ANA", "10.0.0.9") <= 60  # by username, whatever the address
    assert 0 < throttle.attempt("someone", "10.0.0.1") <= 60  # by address, whatever the username
    throttle.succeeded("ana", "10.0.0.9")
    assert throttle.attempt("ana", "10.0.0.8") == 0


def test_an_ended_window_starts_counting_again(app, monkeypatch):
    from portal.auth import throttle as throttle_module

    throttle = LoginThrottle(DatabaseCounter(), max_attempts=1, window_seconds=60)
    start = throttle_module._now()
    assert throttle.attempt("ana", "10.0.0.1") == 0
    assert throttle.attempt("ana", "10.0.0.1") > 0
    monkeypatch.setattr(throttle_module, "_now", lambda: start + 61)
    assert throttle.attempt("ana", "10.0.0.1") == 0


@pytest.mark.parametrize("first,second,same", [
    ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),   # one subscriber's /64
    ("2001:db8:1:2::1", "2001:db8:1:3::1", False),       # the neighbour's network
    ("203.0.113.5", "203.0.113.6", False),                # IPv4 addresses count apart
    ("::ffff:203.0.113.5", "203.0.113.5", True),          # the same IPv4 address written as IPv6
])
def test_an_ipv6_address_is_counted_by_its_64_network(first, second, same):
    from portal.auth.throttle import address_key

    assert (address_key(first) == address_key(second)) is same


def test_rotating_ipv6_addresses_of_one_network_is_still_locked(client, app):
    user = factories.gen_user()
    db.session.commit()
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    for n in range(limit):
        client.post("/login", data={"username": f"khach{n}", "password": "sai"},
                    environ_base={"REMOTE_ADDR": f"2001:db8:7:7::{n + 1:x}"})
    response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD},
                           environ_base={"REMOTE_ADDR": "2001:db8:7:7::abcd"})
    assert response.status_code == 429
