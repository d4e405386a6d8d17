"""Behind a reverse proxy, TRUSTED_PROXIES makes the client's own address the one the portal sees:
in the sign-in throttle and in the audit trail. Without it, a forwarded address is never believed."""
import pytest
import sqlalchemy as sa

from portal.config import load_settings
from portal.extensions import db
from portal.models import AuditEvent, LoginAttempt, Role
from tests import factories
from tests.conftest import make_test_app


@pytest.fixture
def proxied(database_url, tmp_path, app):
    behind = make_test_app(database_url, tmp_path, TRUSTED_PROXIES=1)
    yield behind
    with behind.app_context():
        db.engine.dispose()


def _wrong_password(client, username, address):
    return client.post("/login", data={"username": username, "password": "wrong-one"},
                       headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "127.0.0.1"})


def test_behind_the_proxy_one_client_failing_does_not_lock_out_the_others(proxied):
    limit = proxied.config["LOGIN_MAX_ATTEMPTS"]
    people = [factories.gen_user() for _ in range(limit + 2)]
    db.session.commit()
    client = proxied.test_client()
    for person in people:  # different people, each failing once, from one attacker's address
        _wrong_password(client, person.username, "203.0.113.7")
    assert _wrong_password(client, "someone", "203.0.113.7").status_code == 429  # that address is locked
    # a colleague behind the same proxy, from her own address, still signs in
    response = client.post("/login", data={"username": people[0].username, "password": factories.PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.20"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 303
    keys = set(db.session.execute(sa.select(LoginAttempt.key)).scalars())
    assert not any(key.endswith("addr:127.0.0.1") for key in keys)


def test_behind_the_proxy_the_audit_trail_records_the_client_address(proxied):
    admin = factories.gen_user(role=Role.ADMIN)
    officer = factories.gen_user()
    db.session.commit()
    client = proxied.test_client()
    forwarded = {"headers": {"X-Forwarded-For": "198.51.100.20"}, "environ_base": {"REMOTE_ADDR": "127.0.0.1"}}
    client.post("/login", data={"username": admin.username, "password": factories.PASSWORD}, **forwarded)
    client.post(f"/admin/users/{officer.id}/end-sessions", **forwarded)
    event = db.session.execute(sa.select(AuditEvent)).scalar_one()
    assert event.address == "198.51.100.20"


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, app):
    user = factories.gen_user()
    db.session.commit()
    client.post("/login", data={"username": user.username, "password": "wrong-one"},
                headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    keys = set(db.session.execute(sa.select(LoginAttempt.key)).scalars())
    assert any(key.endswith("addr:10.1.2.3") for key in keys)
    assert not any("203.0.113.7" in key for key in keys)


@pytest.mark.parametrize("raw, expected", [("0", 0), ("2", 2), (" 1 ", 1)])
def test_trusted_proxies_is_read_from_the_environment(monkeypatch, raw, expected):
    from flask import Flask

    monkeypatch.setenv("TRUSTED_PROXIES", raw)
    monkeypatch.setenv("SECRET_KEY", "x")
    app = Flask(__name__)
    load_settings(app)
    assert app.config["TRUSTED_PROXIES"] == expected


@pytest.mark.parametrize("raw", ["-1", "yes", "²", "99"])
def test_a_wrong_trusted_proxies_value_stops_start_up(monkeypatch, raw):
    from flask import Flask

    monkeypatch.setenv("TRUSTED_PROXIES", raw)
    monkeypatch.setenv("SECRET_KEY", "x")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        load_settings(Flask(__name__))


def test_trusted_proxies_is_read_from_the_instance_file(tmp_path, monkeypatch):
    from flask import Flask

    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    (tmp_path / "portal.cfg").write_text("TRUSTED_PROXIES = 1\n")
    app = Flask(__name__, instance_path=str(tmp_path))
    load_settings(app)
    assert app.config["TRUSTED_PROXIES"] == 1
