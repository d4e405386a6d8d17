"""Fixtures: an app on a fresh database (SQLite by default, DATABASE_URL for PostgreSQL),
a client, and ``login_as(role, unit=None)``.

The schema is built once per run by the migrations themselves; each test then starts from
empty tables.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from portal import create_app
from portal.db_setup import rebuild_schema
from portal.extensions import db
from portal.models import Base, Role, Unit
from portal.workspace.services import ensure_workspace
from tests import factories

REPO = Path(__file__).resolve().parent.parent


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    return url if url else f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Build the schema once with `flask db upgrade` on an emptied database."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        rebuild_schema()
        db.engine.dispose()
    return app.config["SQLALCHEMY_DATABASE_URI"]


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
