"""Backup and restore of the database and the uploaded files, consistently, on SQLite or PostgreSQL.

A backup is a folder: ``manifest.json`` (schema revision, row counts, the files with their
SHA-256), ``tables/<table>.jsonl`` (one row per line, read in a single transaction) and ``files/``
(every evidence and dossier file the rows name). A restore goes into an empty database at the same
schema revision: all rows in one transaction, files checked against their hashes, and nothing left
behind if anything fails. The format is the portal's own, so a backup moves between SQLite and
PostgreSQL.
"""
from __future__ import annotations

import base64
import hashlib
import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import clock
from portal.db_setup import read_snapshot
from portal.extensions import db
from portal.models import Base, Evidence, NominationDocument, User
from portal.parsing import has_control_characters
from portal.uploads import FileStore

FORMAT = 1
FILE_TABLES = (Evidence.__table__, NominationDocument.__table__)


class BackupError(Exception):
    """A refused backup or restore; the message is for the operator."""


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "value") and hasattr(value, "name"):  # an enum
        return value.value
    return value


def _revision(connection) -> str | None:
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def referenced_files(names: set[str]) -> set[str]:
    """Which of ``names`` a row names (the tables of :data:`FILE_TABLES`): the files to keep.

    All of them when no row names any file at all: that database is then most likely not the one
    this folder belongs to (a new database before its restore), and nothing is removed on its word.
    """
    found: set[str] = set()
    wanted = sorted(names)
    with db.engine.connect() as connection:
        if not any(connection.execute(sa.select(table.c.stored_name).where(table.c.stored_name.is_not(None))
                                      .limit(1)).first() for table in FILE_TABLES):
            return set(names)
        for table in FILE_TABLES:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                found.update(connection.execute(
                    sa.select(table.c.stored_name).where(table.c.stored_name.in_(chunk))).scalars())
    return found


def backup(destination: Path, store: FileStore) -> dict:
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(_("The folder %(path)s is not empty.", path=destination))
    (destination / "tables").mkdir(parents=True, exist_ok=True)
    (destination / "files").mkdir(exist_ok=True)
    counts, files = {}, {}
    with read_snapshot() as connection:  # one moment for every table, while the portal keeps writing
        revision = _revision(connection)
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(table.select().order_by(*table.primary_key.columns)).mappings()
            with (destination / "tables" / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
                count = 0
                for row in rows:
                    out.write(json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                    count += 1
                    if table in FILE_TABLES and row["stored_name"]:
                        source = store.path(row["stored_name"])
                        if not source.exists():
                            raise BackupError(_("The file %(name)s named in %(table)s is missing.",
                                                name=row["stored_name"], table=table.name))
                        shutil.copy2(source, destination / "files" / row["stored_name"])
                        files[row["stored_name"]] = _sha256(source)
                counts[table.name] = count
    manifest = {"format": FORMAT, "revision": revision, "created": clock.local_now().isoformat(),
                "counts": counts, "files": files}
    (destination / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def _from_plain(column: sa.Column, value):
    if value is None:
        return None
    kind = column.type
    kind = getattr(kind, "impl_instance", None) or getattr(kind, "impl", kind) if isinstance(kind, sa.types.TypeDecorator) else kind
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def _text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text)) and not isinstance(c.type, sa.Enum)]


def _check_text(table: sa.Table, columns: list[sa.Column], row: dict) -> None:
    """Refuse a row whose text holds a control character (PostgreSQL cannot store NUL at all;
    the portal refuses the others on input), naming the table and the row's key."""
    for column in columns:
        value = row.get(column.name)
        if isinstance(value, str) and has_control_characters(value, multiline=True):
            key = ", ".join(f"{c.name}={row.get(c.name)}" for c in table.primary_key.columns)
            raise BackupError(_("Nothing was restored: the row %(key)s of the table %(table)s has a control "
                                "character (such as NUL) in %(column)s. Correct it in the source database and "
                                "take a new backup.", key=key, table=table.name, column=column.name))


def restore(source: Path, store: FileStore) -> dict:
    manifest_path = source / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(_("%(path)s is not a backup (no manifest.json).", path=source))
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    with db.engine.connect() as connection:
        revision = _revision(connection)
    if manifest.get("format") != FORMAT or manifest.get("revision") != revision:
        raise BackupError(_("The backup is of schema %(theirs)s; this database is at %(ours)s. Run `flask db upgrade` "
                            "to the same revision first.", theirs=manifest.get("revision"), ours=revision))
    if db.session.execute(sa.select(User.id).limit(1)).first() is not None:
        raise BackupError(_("The database is not empty; restore only into a new database."))
    for name, expected in manifest["files"].items():
        if _sha256(source / "files" / name) != expected:
            raise BackupError(_("The file %(name)s in the backup is damaged.", name=name))
    copied = []
    try:
        for name in manifest["files"]:
            target = store.path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / "files" / name, target)
            copied.append(target)
        with db.engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                path = source / "tables" / f"{table.name}.jsonl"
                text_columns = _text_columns(table)
                batch = []
                with path.open(encoding="utf-8") as handle:
                    for line in handle:
                        record = json.loads(line)
                        _check_text(table, text_columns, record)
                        batch.append({c.name: _from_plain(c, record.get(c.name)) for c in table.columns})
                        if len(batch) == 1000:
                            connection.execute(table.insert(), batch)
                            batch = []
                if batch:
                    connection.execute(table.insert(), batch)
            if connection.dialect.name == "postgresql":  # new rows continue after the restored ids
                for table in Base.metadata.sorted_tables:
                    if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                        connection.execute(sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    except BaseException as exc:
        for target in copied:
            target.unlink(missing_ok=True)
        if isinstance(exc, sa.exc.SQLAlchemyError):  # one line for the operator, not a traceback
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise BackupError(_("Nothing was restored: the database refused a row (%(detail)s).",
                                detail=detail)) from None
        raise
    return manifest
