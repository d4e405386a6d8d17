"""Database engine tuning: SQLite in WAL mode with a busy timeout and foreign keys on."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from portal.extensions import db


def init_database(app: Flask) -> None:
    timeout = app.config["SQLITE_BUSY_TIMEOUT_MS"]
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # Fresh planner statistics where they are missing or stale (SQLite's advice for long-lived
            # connections); without them a filtered queue may pick the wrong index.
            cursor.execute("PRAGMA optimize=0x10002")
        cursor.close()


def rebuild_schema() -> None:
    """Drop everything and build the schema again with the migrations (tests and benchmarks only)."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
