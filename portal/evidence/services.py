"""Evidence: files and document references backing a unit's score line.

Files go through :class:`portal.uploads.FileStore` (content-checked, generated names, outside
``static/``).  A request's files are kept all together or not at all, and a database failure
removes the files it had stored, so there is never a row without its file or a file without its row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_babel import gettext as _

from portal.access import Action, ensure
from portal.extensions import db
from portal.models import Campaign, Criterion, Evidence, ScoreLine, User
from portal.uploads import FileStore, UploadRejected
from portal.workflow import WorkflowError
from portal.scoring import check_score_editable

MAX_FILES_PER_REQUEST = 20


@dataclass
class Upload:
    stream: BinaryIO
    filename: str | None


def _check_line_editable(line: ScoreLine, user: User, today: date) -> None:
    ensure(user, Action.EDIT, line)
    check_score_editable(line, db.session.get(Campaign, line.campaign_id), today)


def add_files(line: ScoreLine, user: User, uploads: list[Upload], store: FileStore, max_size: int,
              today: date) -> list[Evidence]:
    """Store every file and add its row, or refuse them all (raising :class:`UploadRejected`)."""
    _check_line_editable(line, user, today)
    uploads = [u for u in uploads if u.filename]
    if not uploads:
        raise UploadRejected(_("Choose at least one file."))
    if len(uploads) > MAX_FILES_PER_REQUEST:
        raise UploadRejected(_("At most %(n)s files at a time.", n=MAX_FILES_PER_REQUEST))
    with store.saving_all(uploads, max_size) as stored:
        rows = [
            Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                     stored_name=s.stored_name, original_name=name, size=s.size,
                     content_type=s.detected.content_type, sha256=s.sha256, uploaded_by_id=user.id)
            for s, name in stored
        ]
        db.session.add_all(rows)
        db.session.flush()
    return rows




@dataclass
class DocumentValues:
    doc_number: str
    doc_date: date
    doc_issuer: str
    title: str


def add_document(line: ScoreLine, user: User, values: DocumentValues, today: date) -> Evidence:
    _check_line_editable(line, user, today)
    if values.doc_date > today:
        raise WorkflowError(_("A document cannot be dated in the future."), status=422)
    row = Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                   doc_number=values.doc_number.strip(), doc_date=values.doc_date,
                   doc_issuer=values.doc_issuer.strip(), title=values.title.strip(), uploaded_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    return row


def line_for(evidence: Evidence) -> ScoreLine:
    return db.session.execute(
        db.select(ScoreLine).where(ScoreLine.campaign_id == evidence.campaign_id,
                                   ScoreLine.unit_id == evidence.unit_id,
                                   ScoreLine.criterion_id == evidence.criterion_id)
    ).scalar_one()


def remove_evidence(evidence: Evidence, user: User, today: date) -> str | None:
    """Delete the row (only while its score line is editable); returns the stored file name to
    remove once the deletion is committed."""
    line = line_for(evidence)
    _check_line_editable(line, user, today)
    stored_name = evidence.stored_name
    db.session.delete(evidence)
    db.session.flush()
    return stored_name


def evidence_for(line: ScoreLine) -> list[Evidence]:
    return db.session.execute(
        db.select(Evidence).where(Evidence.campaign_id == line.campaign_id, Evidence.unit_id == line.unit_id,
                                  Evidence.criterion_id == line.criterion_id).order_by(Evidence.created_at, Evidence.id)
    ).scalars().all()


def same_file_elsewhere(rows: list[Evidence]) -> dict[int, list[str]]:
    """For each file row, the codes of the unit's other criteria that carry the same file (SHA-256)."""
    hashes = {row.sha256 for row in rows if row.sha256}
    if not hashes:
        return {}
    unit_id = rows[0].unit_id
    found = db.session.execute(
        db.select(Evidence.id, Evidence.sha256, Criterion.code)
        .join(Criterion, Criterion.id == Evidence.criterion_id)
        .where(Evidence.unit_id == unit_id, Evidence.sha256.in_(hashes))
        .order_by(Criterion.position)
    ).all()
    by_hash: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for evidence_id, sha, code in found:
        by_hash[sha].append((evidence_id, code))
    result = {}
    for row in rows:
        others = sorted({code for eid, code in by_hash.get(row.sha256, []) if eid != row.id})
        if others:
            result[row.id] = others
    return result

