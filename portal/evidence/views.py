"""Evidence files: download and preview — always through the access check (reviewers use them too)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file
from flask_login import login_required

from portal.access import Action, authorize
from portal.extensions import db
from portal.models import Evidence
from portal.uploads import ALLOWED_TYPES, FileStore

bp = Blueprint("evidence", __name__)


def file_store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


def get_evidence_or_404(evidence_id: int, action: Action = Action.VIEW) -> Evidence:
    return authorize(action, db.get_or_404(Evidence, evidence_id))


def _send(evidence: Evidence, as_attachment: bool):
    if not evidence.is_file:
        abort(404)
    store = file_store()
    if not store.exists(evidence.stored_name):
        abort(404)
    response = send_file(store.path(evidence.stored_name), mimetype=evidence.content_type,
                         as_attachment=as_attachment, download_name=evidence.original_name,
                         conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # Even shown inline, the file can run nothing and load nothing; only this portal may frame it.
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
    if evidence.content_type != "application/pdf":  # Chromium's PDF viewer does not run in a sandbox
        policy += "; sandbox"
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


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
