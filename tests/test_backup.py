"""Backup and restore bring back the same state: rows and files."""
import os

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, Base, Evidence, NominationDocument, User
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
