"""`flask files sweep` and the start-up sweep: what a killed upload left behind is removed, what a row
names is kept, and start-up never fails because of it."""
import logging
import os

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Evidence
from tests.conftest import make_test_app
from tests import uploads as samples

ORPHAN = "cd" * 16 + ".pdf"


class Logged(logging.Handler):
    """What the app's logger says while the block runs (whatever other tests did to propagation)."""

    def __enter__(self):
        self.records = []
        logging.getLogger("portal").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("portal").removeHandler(self)

    def emit(self, record):
        self.records.append(record.getMessage())

    @property
    def text(self):
        return "\n".join(self.records)


def _aged_file(folder, name, data=samples.PDF, age=7200):
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(data)
    old = os.path.getmtime(path) - age
    os.utime(path, (old, old))
    return name


def _seeded_with_leftovers(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    folder = app.config["UPLOAD_DIR"]
    named = sorted(db.session.execute(sa.select(Evidence.stored_name).where(Evidence.stored_name.is_not(None)))
                   .scalars())
    for name in named:
        old = os.path.getmtime(os.path.join(folder, name)) - 7200
        os.utime(os.path.join(folder, name), (old, old))
    partial = _aged_file(folder, ".upload-k9x2", b"%PDF-1.4 half")
    young = _aged_file(folder, ".upload-now1", b"%PDF-1.4 writing", age=5)
    _aged_file(folder, ORPHAN)
    return named, partial, young


def test_files_sweep_removes_leftovers_of_killed_uploads_and_reports_them(runner, app):
    named, partial, young = _seeded_with_leftovers(runner, app)
    dry = runner.invoke(args=["files", "sweep", "--dry-run"])
    assert dry.exit_code == 0 and partial in dry.output and ORPHAN in dry.output and young not in dry.output
    assert ORPHAN in os.listdir(app.config["UPLOAD_DIR"])
    result = runner.invoke(args=["files", "sweep"])
    assert result.exit_code == 0, result.output
    assert partial in result.output and ORPHAN in result.output and "2" in result.output
    left = set(os.listdir(app.config["UPLOAD_DIR"]))
    assert set(named) <= left and young in left and not {partial, ORPHAN} & left


def test_start_up_sweep_removes_leftovers(runner, app, database_url, tmp_path):
    named, partial, young = _seeded_with_leftovers(runner, app)
    with Logged() as caplog:
        make_test_app(database_url, tmp_path)  # the same UPLOAD_DIR: a worker restarting
    left = set(os.listdir(app.config["UPLOAD_DIR"]))
    assert set(named) <= left and young in left and not {partial, ORPHAN} & left
    assert ORPHAN in caplog.text


def test_start_up_sweep_failing_never_stops_the_portal(app, database_url, tmp_path, monkeypatch):
    import portal.backup

    def broken(_names):
        raise sa.exc.OperationalError("SELECT", {}, Exception("no such table: evidence"))

    monkeypatch.setattr(portal.backup, "referenced_files", broken)
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    _aged_file(app.config["UPLOAD_DIR"], ORPHAN)
    with Logged() as caplog:
        started = make_test_app(database_url, tmp_path)
    assert started is not None and "sweep" in caplog.text.lower()
    assert ORPHAN in os.listdir(app.config["UPLOAD_DIR"])


def test_sweep_keeps_every_file_when_the_database_names_none(runner, app):
    """A new, empty database (before its restore) is no proof that the folder's files are orphans."""
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    _aged_file(app.config["UPLOAD_DIR"], ORPHAN)
    result = runner.invoke(args=["files", "sweep"])
    assert result.exit_code == 0 and ORPHAN in os.listdir(app.config["UPLOAD_DIR"])
