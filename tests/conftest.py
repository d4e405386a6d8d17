"""Fixtures: an app on a fresh database (SQLite by default, DATABASE_URL for PostgreSQL),
a client, and ``login_as(role, unit=None)``.

The schema is built once per run by the migrations themselves; each test then starts from
empty tables.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from portal import create_app
from portal.db_setup import rebuild_schema
from portal.extensions import db
from portal.models import Base, Role, Unit
from portal.workspace.services import ensure_workspace
from tests import factories

REPO = Path(__file__).resolve().parent.parent


class _SharedBytecodeCache(BytecodeCache):
    """Templates compiled once per test process instead of once per test's app; a bucket is
    keyed by the template's name and checked against its source, so an edit is always seen."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


class _SharedBuilderRule(Rule):
    """Werkzeug compiles two URL builders (Python code) for every rule of every app: a hundred
    milliseconds per app, and each test makes its own app. The builder depends only on the rule's
    parsed parts and defaults (it reaches the converters through the rule it is bound to), so the
    test process compiles each one once."""

    _builders: dict[tuple, object] = {}

    def _compile_builder(self, append_unknown: bool = True):
        key = (self.rule, repr(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder


Flask.url_rule_class = _SharedBuilderRule
Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _SharedBytecodeCache()}


def _on_server(url: str, statement: str) -> None:
    """One statement on the PostgreSQL server of ``url``, from that URL's own database."""
    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username,
                         password=parsed.password, dbname=parsed.database, autocommit=True) as conn:
        conn.execute(statement)


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own, named after the one
    DATABASE_URL gives (``portal_ci_123`` → ``portal_ci_123_gw0``), created empty on the same server."""
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    _on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _on_server(url, f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """Build the schema once with `flask db upgrade` on an emptied database: a file per run on
    SQLite; DATABASE_URL's database on PostgreSQL, or one beside it per xdist worker."""
    given = os.environ.get("DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not given:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = _worker_database(given, worker) if worker else given
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        rebuild_schema()
        db.engine.dispose()
    yield app.config["SQLALCHEMY_DATABASE_URI"]
    if given and worker:
        _on_server(given, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


class PortalTestClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh ``g`` and database
    session, instead of sharing the one the test holds open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(database_url: str, tmp_path: Path, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the real default (scrypt): tests/accounts/test_cli.py
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REDIS_URL": None,
        "QUEUE_POLL_SECONDS": 1,
        "BADGE_POLL_SECONDS": 1,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = PortalTestClient
    return app


def empty_tables() -> None:
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path)
    with app.app_context():
        empty_tables()
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def campaign(app):
    """The real 2025 reference data, imported through the importer, as the current campaign."""
    return factories.gen_campaign_2025()


@pytest.fixture
def login_as(client, app):
    """Sign in through the real sign-in form; creates the account (and a unit) when needed."""

    def _login_as(role: Role | str, unit=None, username: str | None = None):
        role = Role(role)
        user = factories.gen_user(role=role, unit=unit, username=username)
        db.session.commit()
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
        assert response.status_code == 303, response.data[:500]
        return user

    return _login_as


@pytest.fixture
def units(campaign):
    """Two real units of the 2025 data (Biên Hòa, Long Khánh), each with its workspace rows."""
    unit_a = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    unit_b = db.session.execute(db.select(Unit).where(Unit.code == "LK")).scalar_one()
    for unit in (unit_a, unit_b):
        ensure_workspace(unit, campaign)
    db.session.commit()
    return unit_a, unit_b


@pytest.fixture
def officers(units):
    """One officer account for each of the two units."""
    return [factories.gen_user(role=Role.UNIT_OFFICER, unit=unit) for unit in units]
