"""Database engine tuning: SQLite in WAL mode with a busy timeout and foreign keys on; one
read-only snapshot for the readers that must see a single moment (backup, audit verification)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
import sqlalchemy as sa
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


@contextmanager
def read_snapshot() -> Iterator[sa.Connection]:
    """A connection of its own on which every SELECT sees the same moment of the database, while
    other workers keep writing.

    PostgreSQL: a ``REPEATABLE READ READ ONLY`` transaction. SQLite: the driver issues no BEGIN
    before SELECTs, so each statement would see its own moment; this connection (only this one) is
    put in the driver's manual mode and begins a real read transaction itself (in WAL mode writers
    are not blocked by it).
    """
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin():
                yield connection
            return
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")  # pysqlite: no implicit BEGIN/COMMIT
        connection.exec_driver_sql("PRAGMA query_only = ON")
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.exec_driver_sql("ROLLBACK")
            connection.exec_driver_sql("PRAGMA query_only = OFF")


def rebuild_schema() -> None:
    """Drop everything and build the schema again with the migrations (tests and benchmarks only)."""
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
