"""Evidence files: download and preview — always through the access check (reviewers use them too)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask_login import login_required

from portal.access import Action, authorize
from portal.extensions import db
from portal.models import Evidence
from portal.uploads import ALLOWED_TYPES, FileStore
from portal.uploads.serving import send_upload

bp = Blueprint("evidence", __name__)


def file_store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


def get_evidence_or_404(evidence_id: int, action: Action = Action.VIEW) -> Evidence:
    return authorize(action, db.get_or_404(Evidence, evidence_id))


def _send(evidence: Evidence, as_attachment: bool):
    if not evidence.is_file:
        abort(404)
    return send_upload(file_store(), evidence.stored_name, evidence.original_name, evidence.content_type,
                       as_attachment)


@bp.get("/<int:evidence_id>/download")
@login_required
def download(evidence_id: int):
    return _send(get_evidence_or_404(evidence_id), as_attachment=True)


@bp.get("/<int:evidence_id>/preview")
@login_required
def preview(evidence_id: int):
    """PDF and images open in the browser; anything else is downloaded."""
    evidence = get_evidence_or_404(evidence_id)
    previewable = {t.content_type for t in ALLOWED_TYPES.values() if t.previewable}
    return _send(evidence, as_attachment=evidence.content_type not in previewable)
