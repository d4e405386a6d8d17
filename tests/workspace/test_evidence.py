import hashlib
import io
import os
from datetime import timedelta

import pytest
import sqlalchemy.exc

from portal.extensions import db
from portal.models import Evidence, ScoreState
from portal.clock import today as local_today
from tests import samples
from tests.helpers import HX, fresh, line_of


def upload(client, line, *files, htmx=True):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/unit/score-lines/{line.id}/files", data=data, content_type="multipart/form-data",
                       headers=HX if htmx else {})


def stored_files(app):
    root = app.config["UPLOAD_DIR"]
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def evidence_count():
    return db.session.scalar(db.select(db.func.count(Evidence.id)))


def test_upload_several_files_keeps_name_size_type_hash(client, officer, units, app):
    line = line_of(units[0], "1.1")
    pdf, png = samples.pdf(), samples.png()
    response = upload(client, line, ("Kế hoạch 12-KH.pdf", pdf), ("ảnh hội nghị.png", png))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.lstrip().startswith('<section id="evidence"')
    assert "Kế hoạch 12-KH.pdf" in page and "ảnh hội nghị.png" in page
    rows = db.session.execute(db.select(Evidence).order_by(Evidence.id)).scalars().all()
    assert [(r.original_name, r.size, r.content_type, r.sha256) for r in rows] == [
        ("Kế hoạch 12-KH.pdf", len(pdf), "application/pdf", hashlib.sha256(pdf).hexdigest()),
        ("ảnh hội nghị.png", len(png), "image/png", hashlib.sha256(png).hexdigest()),
    ]
    assert all(r.uploaded_by_id == officer.id for r in rows)
    assert sorted(r.stored_name for r in rows) == stored_files(app)
    assert all("Kế hoạch" not in name for name in stored_files(app))  # generated names only


REFUSED = [
    ("report.pdf", samples.EXE, "không được phép"),
    ("trang.html", samples.HTML, "không được phép"),
    ("hinh.svg", samples.SVG, "không được phép"),
    ("rong.pdf", b"", "rỗng"),
    ("../../etc/passwd.pdf", samples.pdf(), "Tên tệp"),
    ("a\x1b[31m.pdf", samples.pdf(), "Tên tệp"),
    ("kehoach.docx", samples.pdf(), "PDF"),
]


@pytest.mark.parametrize("name,content,message", REFUSED, ids=[r[0][:12] for r in REFUSED])
def test_refused_files_leave_no_row_and_no_file(client, officer, units, app, name, content, message):
    line = line_of(units[0], "1.1")
    response = upload(client, line, (name, content))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert evidence_count() == 0 and stored_files(app) == []


def test_one_bad_file_refuses_the_whole_upload(client, officer, units, app):
    line = line_of(units[0], "1.1")
    response = upload(client, line, ("tot.pdf", samples.pdf()), ("xau.pdf", samples.EXE))
    assert response.status_code == 422
    assert evidence_count() == 0 and stored_files(app) == []


def test_file_size_limit(client, officer, units, app):
    app.config["MAX_FILE_SIZE"] = 1000
    line = line_of(units[0], "1.1")
    big = samples.pdf() + b"%" + b"x" * 2000
    response = upload(client, line, ("lon.pdf", big))
    assert response.status_code == 422
    assert evidence_count() == 0 and stored_files(app) == []


def test_request_size_limit(client, officer, units, app):
    app.config["MAX_CONTENT_LENGTH"] = 5000
    line = line_of(units[0], "1.1")
    response = upload(client, line, ("lon.pdf", samples.pdf() + b"x" * 10000))
    assert response.status_code == 413
    assert evidence_count() == 0 and stored_files(app) == []


def test_database_failure_leaves_no_orphan_file(client, officer, units, app, monkeypatch):
    line = line_of(units[0], "1.1")
    real_commit = db.session.commit

    def failing_commit():
        raise sqlalchemy.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db.session, "commit", failing_commit, raising=False)
    from portal.evidence import services

    monkeypatch.setattr(services.db.session, "commit", failing_commit, raising=False)
    assert upload(client, line, ("tot.pdf", samples.pdf())).status_code == 503  # the database-down page
    monkeypatch.setattr(db.session, "commit", real_commit, raising=False)
    assert stored_files(app) == []
    db.session.rollback()
    assert evidence_count() == 0


def test_same_file_elsewhere_in_the_unit_is_pointed_out(client, officer, units):
    pdf = samples.pdf("Bao cao chung")
    upload(client, line_of(units[0], "1.1"), ("bao-cao.pdf", pdf))
    response = upload(client, line_of(units[0], "2.1"), ("bao-cao-ban-sao.pdf", pdf))
    assert "1.1" in response.get_data(as_text=True)
    assert "cũng được đính kèm" in response.get_data(as_text=True)


def test_download_is_an_attachment_with_nosniff(client, officer, units):
    line = line_of(units[0], "1.1")
    upload(client, line, ("Kế hoạch.pdf", samples.pdf()))
    evidence = db.session.execute(db.select(Evidence)).scalar_one()
    response = download = client.get(f"/evidence/{evidence.id}/download")
    assert response.status_code == 200 and response.data == samples.pdf()
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "K%E1%BA%BF" in response.headers["Content-Disposition"]  # the original name, encoded
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    preview = client.get(f"/evidence/{evidence.id}/preview")
    assert preview.headers["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in preview.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert download.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_document_reference(client, officer, units):
    line = line_of(units[0], "1.1")
    data = {"doc_number": "125-KH/BTCTU", "doc_date": (local_today() - timedelta(days=5)).isoformat(),
            "doc_issuer": "Ban Tổ chức Tỉnh ủy", "title": "Kế hoạch thi đua năm 2025"}
    response = client.post(f"/unit/score-lines/{line.id}/documents", data=data, headers=HX)
    assert response.status_code == 200 and "125-KH/BTCTU" in response.get_data(as_text=True)
    bad = dict(data, doc_number="", doc_date=(local_today() + timedelta(days=5)).isoformat())
    response = client.post(f"/unit/score-lines/{line.id}/documents", data=bad, headers=HX)
    assert response.status_code == 422
    future = dict(data, doc_date=(local_today() + timedelta(days=5)).isoformat())
    response = client.post(f"/unit/score-lines/{line.id}/documents", data=future, headers=HX)
    assert response.status_code == 422 and "tương lai" in response.get_data(as_text=True)
    assert evidence_count() == 1


def test_removal_only_while_draft(client, officer, units, app):
    line = line_of(units[0], "3.3")
    upload(client, line, ("a.pdf", samples.pdf("a")), ("b.pdf", samples.pdf("b")))
    first, second = db.session.execute(db.select(Evidence).order_by(Evidence.id)).scalars().all()
    response = client.post(f"/unit/evidence/{first.id}/delete", headers=HX)
    assert response.status_code == 200 and evidence_count() == 1
    assert first.stored_name not in stored_files(app)
    line = fresh(line)
    line.self_score, line.state = 2, ScoreState.SUBMITTED
    db.session.commit()
    response = client.post(f"/unit/evidence/{second.id}/delete", headers=HX)
    assert response.status_code == 409
    assert evidence_count() == 1 and second.stored_name in stored_files(app)


def test_storage_failure_midway_leaves_no_row_and_no_file(client, officer, units, app, monkeypatch):
    """The reverse case: the disk fails on the second file — the first file is removed again."""
    from portal.uploads import FileStore

    real_save = FileStore.save
    calls = {"n": 0}

    def failing_save(self, stream, name, max_size):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real_save(self, stream, name, max_size)

    monkeypatch.setattr(FileStore, "save", failing_save)
    line = line_of(units[0], "1.1")
    with pytest.raises(OSError):
        upload(client, line, ("a.pdf", samples.pdf("a")), ("b.pdf", samples.pdf("b")))
    assert calls["n"] == 2
    assert stored_files(app) == []
    db.session.rollback()
    assert evidence_count() == 0
