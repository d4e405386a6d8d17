"""Backup and restore bring back the same state: rows and files."""
import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, Base, Evidence, NominationDocument, Unit, User
from tests.conftest import empty_tables


def snapshot():
    return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in Base.metadata.sorted_tables}


def test_backup_then_restore_gives_the_same_state(runner, app, tmp_path):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    before = snapshot()
    hashes = db.session.execute(sa.select(AuditEvent.hash).order_by(AuditEvent.id)).scalars().all()
    files = sorted([*db.session.execute(sa.select(Evidence.stored_name).where(Evidence.stored_name.is_not(None))).scalars(),
                    *db.session.execute(sa.select(NominationDocument.stored_name)).scalars()])
    assert files
    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    # a second backup into the same folder is refused
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 1
    # restoring over data is refused
    assert runner.invoke(args=["restore", str(tmp_path / "backup")]).exit_code == 1

    db.session.remove()
    empty_tables()
    for name in os.listdir(app.config["UPLOAD_DIR"]):
        os.unlink(os.path.join(app.config["UPLOAD_DIR"], name))
    result = runner.invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert snapshot() == before
    assert db.session.execute(sa.select(AuditEvent.hash).order_by(AuditEvent.id)).scalars().all() == hashes
    assert sorted(os.listdir(app.config["UPLOAD_DIR"])) == files
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # the restored portal keeps working: new rows get new ids
    from tests import factories

    factories.gen_user(username="after-restore")
    db.session.commit()
    assert db.session.execute(sa.select(User.id).where(User.username == "after-restore")).scalar() > 0


def test_a_damaged_backup_is_refused_and_leaves_nothing(runner, app, tmp_path):
    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["backup", str(tmp_path / "b")])
    db.session.remove()
    empty_tables()
    for name in os.listdir(app.config["UPLOAD_DIR"]):
        os.unlink(os.path.join(app.config["UPLOAD_DIR"], name))
    damaged = next((tmp_path / "b" / "files").iterdir())
    damaged.write_bytes(b"%PDF-1.4 not the same file")
    result = runner.invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code == 1 and damaged.name in result.output
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 0
    assert os.listdir(app.config["UPLOAD_DIR"]) == []


def _empty_everything(app):
    db.session.remove()
    empty_tables()
    for name in os.listdir(app.config["UPLOAD_DIR"]):
        os.unlink(os.path.join(app.config["UPLOAD_DIR"], name))


def test_a_backup_taken_while_the_portal_writes_is_one_moment(runner, app, tmp_path):
    from tests.helpers import Appender

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with Appender(app) as writer:
        results = [runner.invoke(args=["backup", str(tmp_path / f"b{n}")]) for n in range(3)]
        written = writer.count
    assert written > 0
    for n, result in enumerate(results):
        assert result.exit_code == 0, result.output
        _empty_everything(app)
        result = runner.invoke(args=["restore", str(tmp_path / f"b{n}")])
        assert result.exit_code == 0, result.output
        verify = runner.invoke(args=["audit", "verify"])
        assert verify.exit_code == 0, verify.output


def _write_row_text(backup: Path, table: str, key: int, column: str, text: str) -> None:
    path = backup / "tables" / f"{table}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["id"] == key:
            row[column] = text
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x85"])
def test_restore_names_the_row_with_a_control_character_and_leaves_nothing(runner, app, tmp_path, character):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    unit_id = db.session.execute(sa.select(Unit.id).order_by(Unit.id.desc()).limit(1)).scalar()
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    _write_row_text(tmp_path / "b", "unit", unit_id, "name", f"Xã{character}Tân Phú")
    _empty_everything(app)
    result = runner.invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code == 1
    message = result.output.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "unit" in message and f"id={unit_id}" in message and "name" in message
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count(Unit.id))).scalar() == 0
    assert os.listdir(app.config["UPLOAD_DIR"]) == []


def test_a_nul_stored_by_sqlite_is_reported_when_restoring_here(runner, app, tmp_path):
    """The documented move SQLite → PostgreSQL (or SQLite again): a NUL an older portal let SQLite
    store is backed up, and the restore names its row instead of failing with a traceback."""
    from portal.db_setup import rebuild_schema
    from tests.conftest import make_test_app

    source_app = make_test_app(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path / "old")
    with source_app.app_context():
        rebuild_schema()
        assert source_app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        unit_id = db.session.execute(sa.select(Unit.id).order_by(Unit.id).limit(1)).scalar()
        with db.engine.begin() as connection:  # as an older portal, without the guard, stored it
            connection.execute(sa.text("UPDATE unit SET name = :name WHERE id = :id"),
                               {"name": "Phường\x00Bến Thành", "id": unit_id})
        result = source_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    result = runner.invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "unit" in result.output and f"id={unit_id}" in result.output
    assert db.session.execute(sa.select(sa.func.count(User.id))).scalar() == 0
    assert os.listdir(app.config["UPLOAD_DIR"]) == []
