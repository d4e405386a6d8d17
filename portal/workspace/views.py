"""The unit officer's workspace: dashboard, pledge registration, one page per criterion, scorecard.

Every object is loaded through ``_load`` which checks it belongs to the officer's unit (404 otherwise).
htmx requests get the partial that changed; plain form posts get a 303 back to the page.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock, htmx
from portal.access import Action, authorize, roles_required
from portal.campaign.services import current_campaign
from portal.evidence import services as evidence_services
from portal.extensions import db
from portal.models import AuditEvent, Commitment, Role, ScoreLine
from portal.review import services as review_services
from portal.evidence.views import file_store, get_evidence_or_404
from portal.formatting import fmt_points
from portal.uploads import UploadRejected
from portal.workflow import WorkflowError, parse_version
from portal.workspace import services
from portal.workspace.forms import DocumentForm, NoteForm, ScoreForm, UploadForm, commitment_form

bp = Blueprint("workspace", __name__)
officer_only = roles_required(Role.UNIT_OFFICER)


@bp.context_processor
def _template_helpers():
    return {"commitment_form": commitment_form, "score_form_for": score_form_for,
            "needs_evidence": services.needs_evidence}


def score_form_for(line: ScoreLine) -> ScoreForm:
    form = ScoreForm(formdata=None, obj=line)
    form.self_score.data = "" if line.self_score is None else fmt_points(line.self_score)
    return form


def _campaign():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign


def _load(model, object_id: int, action: Action = Action.EDIT):
    """Load an object of the officer's unit in the current campaign; anything else is 'not found'."""
    obj = authorize(action, db.get_or_404(model, object_id))
    campaign_id = obj.registration.campaign_id if isinstance(obj, Commitment) else obj.campaign_id
    if campaign_id != _campaign().id:
        abort(404)
    return obj


def _partial(template: str, status: int = 200, trigger: str | None = None, **context):
    response = current_app.make_response((render_template(template, **context), status))
    if trigger:
        response.headers[htmx.HX_TRIGGER] = trigger
    return response


# --- dashboard ---------------------------------------------------------------------------------

@bp.get("/")
@officer_only
def dashboard():
    campaign = _campaign()
    card = services.build_scorecard(current_user.unit, campaign)
    db.session.commit()  # the workspace rows, created on first visit
    return render_template("workspace/dashboard.html", card=card, campaign=campaign, today=clock.today())


# --- pledges -------------------------------------------------------------------------------------

def _registration_lock(registration) -> str | None:
    try:
        services.check_registration_editable(registration, clock.today())
    except WorkflowError as exc:
        return exc.message
    return None


def _registration_context(campaign, forms=None):
    card = services.build_scorecard(current_user.unit, campaign)
    return {"card": card, "campaign": campaign, "forms": forms or {},
            "locked_reason": _registration_lock(card.registration)}


@bp.get("/pledges")
@officer_only
def pledges():
    campaign = _campaign()
    context = _registration_context(campaign)
    db.session.commit()
    return render_template("workspace/pledges.html", **context)


@bp.post("/commitments/<int:commitment_id>")
@officer_only
def save_commitment(commitment_id: int):
    commitment = _load(Commitment, commitment_id)
    form = commitment_form(commitment, request.form)
    status, message = 200, None
    if form.validate():
        values = services.CommitmentValues(form.target_text.data, form.target_value.data, form.target_unit.data)
        try:
            services.save_commitment(commitment, current_user, values,
                                     parse_version(request.form.get(form.version.name)), clock.today())
            db.session.commit()
            message = _("Saved.")
            form = None
        except WorkflowError as exc:
            db.session.rollback()
            status, message = exc.status, exc.message
    else:
        status, message = 422, _("Check the highlighted fields.")
    if htmx.is_htmx():
        db.session.refresh(commitment)
        return _partial("workspace/_commitment_status.html", status, c=commitment, form=form, message=message,
                        saved=status == 200, conflict=status == 409)
    if status == 200:
        flash(message, "success")
        return redirect(url_for(".pledges", _anchor=f"commitment-{commitment.id}"), code=303)
    campaign = _campaign()
    context = _registration_context(campaign, forms={commitment.id: form} if form else {})
    flash(message or _("Check the highlighted fields."), "error")
    return render_template("workspace/pledges.html", **context), status


@bp.post("/registration/submit")
@officer_only
def submit_registration():
    campaign = _campaign()
    registration = services.ensure_workspace(current_user.unit, campaign)
    try:
        services.submit_registration(registration, current_user, clock.today())
        db.session.commit()
        flash(_("Your registration has been submitted to the provincial board."), "success")
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for(".pledges"), code=303)


# --- one criterion: pledge, progress notes, evidence, score ------------------------------------

def _item_context(line: ScoreLine, **extra):
    campaign = _campaign()
    card = services.build_scorecard(current_user.unit, campaign)
    row = next(r for r in card.rows if r.line.id == line.id)
    evidence = evidence_services.evidence_for(line)
    history = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.subject_type == "score_line", AuditEvent.subject_id == line.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).scalars().all()
    context = {
        "card": card, "row": row, "line": line, "campaign": campaign, "evidence": evidence,
        "duplicates": evidence_services.same_file_elsewhere(evidence), "history": history,
        "locked_reason": services.score_lock_reason(line, campaign, clock.today()),
        "score_form": score_form_for(line),
        "note_form": NoteForm(formdata=None, note_date=clock.today()),
        "document_form": DocumentForm(formdata=None), "upload_form": UploadForm(formdata=None),
        "max_file_mb": current_app.config["MAX_FILE_SIZE"] // (1024 * 1024),
        "comments": review_services.comments_for(line),
    }
    context.update(extra)
    return context


@bp.get("/score-lines/<int:line_id>")
@officer_only
def item(line_id: int):
    line = _load(ScoreLine, line_id, Action.VIEW)
    return render_template("workspace/item.html", **_item_context(line))


@bp.post("/commitments/<int:commitment_id>/notes")
@officer_only
def add_note(commitment_id: int):
    commitment = _load(Commitment, commitment_id)
    line = db.session.execute(db.select(ScoreLine).where(
        ScoreLine.unit_id == commitment.unit_id, ScoreLine.criterion_id == commitment.criterion_id)).scalar_one()
    form = NoteForm()
    status, message = 200, None
    if form.validate():
        try:
            services.add_progress_note(commitment, current_user, form.note_date.data, form.text.data,
                                       clock.today())
            db.session.commit()
            form = NoteForm(formdata=None, note_date=clock.today())
            message = _("Progress note added.")
        except WorkflowError as exc:
            db.session.rollback()
            status, message = exc.status, exc.message
    else:
        status, message = 422, _("Check the highlighted fields.")
    if htmx.is_htmx():
        db.session.refresh(commitment)
        return _partial("workspace/_notes.html", status, row=_row_for(line), note_form=form, message=message,
                        error=status != 200)
    flash(message or _("Check the highlighted fields."), "success" if status == 200 else "error")
    return redirect(url_for(".item", line_id=line.id, _anchor="notes"), code=303)


def _row_for(line: ScoreLine):
    card = services.build_scorecard(current_user.unit, _campaign())
    return next(r for r in card.rows if r.line.id == line.id)


@bp.post("/score-lines/<int:line_id>")
@officer_only
def save_score(line_id: int):
    line = _load(ScoreLine, line_id)
    form = ScoreForm()
    errors, message, status = None, None, 200
    if not form.validate():
        status = 422
    else:
        try:
            services.save_score_line(line, current_user, form.self_score.data, form.explanation.data or "",
                                     parse_version(request.form.get("version")), clock.today())
            db.session.commit()
            message = _("Saved.")
        except services.InvalidScore as exc:
            db.session.rollback()
            errors, status = exc.errors, exc.status
        except WorkflowError as exc:
            db.session.rollback()
            status, message = exc.status, exc.message
    return _score_response(line, form, errors, message, status)


def _score_response(line: ScoreLine, form: ScoreForm, errors, message: str | None, status: int):
    """htmx: the line's form again (with errors, or fresh after a save) and the new total; else 303."""
    db.session.refresh(line)
    if status == 200:
        form = score_form_for(line)
    if htmx.is_htmx():
        campaign = _campaign()
        card = services.build_scorecard(current_user.unit, campaign)
        row = next(r for r in card.rows if r.line.id == line.id)
        return _partial("workspace/_score_form.html", status, trigger="scoreChanged" if status == 200 else None,
                        row=row, line=line, score_form=form, errors=errors, message=message, card=card,
                        oob_total=True, compact=bool(request.form.get("compact")), status_error=status != 200,
                        locked_reason=services.score_lock_reason(line, campaign, clock.today()))
    text = message or (errors.self_score or errors.explanation if errors else "")
    flash(text, "success" if status == 200 else "error")
    return redirect(url_for(".item", line_id=line.id, _anchor="score-section"), code=303)


@bp.post("/score-lines/<int:line_id>/preview")
@officer_only
def preview_score(line_id: int):
    """Field check and live provisional total while the officer types; writes nothing."""
    line = _load(ScoreLine, line_id)
    form = ScoreForm()
    score, errors = services.validate_score_input(line, form.self_score.data, form.explanation.data or "")
    card = services.build_scorecard(current_user.unit, _campaign())
    if not errors.self_score:
        card.with_typed_score(line.id, score)
    return render_template("workspace/_score_check.html", line=line, errors=errors, card=card)


@bp.post("/score-lines/<int:line_id>/submit")
@officer_only
def submit_score(line_id: int):
    """Save what the form holds, then submit it — one step for the officer, one transaction."""
    line = _load(ScoreLine, line_id)
    form = ScoreForm()
    errors, message, status = None, None, 200
    try:
        if "self_score" in request.form:
            services.save_score_line(line, current_user, form.self_score.data, form.explanation.data or "",
                                     parse_version(request.form.get("version")), clock.today())
        else:
            parse_version(request.form.get("version"))
        services.submit_score_line(line, current_user, clock.today())
        db.session.commit()
        message = _("Submitted for review.")
    except services.InvalidScore as exc:
        db.session.rollback()
        errors, status = exc.errors, exc.status
    except WorkflowError as exc:
        db.session.rollback()
        status, message = exc.status, exc.message
    return _score_response(line, form, errors, message, status)


# --- scorecard ---------------------------------------------------------------------------------

@bp.get("/scores")
@officer_only
def scores():
    campaign = _campaign()
    card = services.build_scorecard(current_user.unit, campaign)
    db.session.commit()
    today = clock.today()
    lock_reasons = {row.line.id: services.score_lock_reason(row.line, campaign, today) for row in card.rows}
    return render_template("workspace/scores.html", card=card, campaign=campaign, lock_reasons=lock_reasons)


@bp.post("/scores/submit-ready")
@officer_only
def submit_ready():
    campaign = _campaign()
    try:
        result = services.submit_ready_lines(current_user.unit, campaign, current_user, clock.today())
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".scores"), code=303)
    if result.submitted:
        flash(_("%(n)s score line(s) submitted for review: %(codes)s.", n=len(result.submitted),
                codes=", ".join(line.criterion.code for line in result.submitted)), "success")
    else:
        flash(_("No score line was ready to submit."), "warning")
    for line, reasons in result.skipped:
        flash(_("Criterion %(code)s was not submitted: %(reasons)s.", code=line.criterion.code,
                reasons="; ".join(reasons)), "warning")
    return redirect(url_for(".scores"), code=303)


# --- evidence attached to a score line ----------------------------------------------------------

def _evidence_response(line: ScoreLine, status: int, message: str | None, **forms):
    if htmx.is_htmx():
        evidence = evidence_services.evidence_for(line)
        context = _item_context(line, message=message, error=status != 200, **forms)
        context["evidence"] = evidence
        return _partial("workspace/_evidence.html", status, trigger="evidenceChanged" if status == 200 else None,
                        **context)
    flash(message, "success" if status == 200 else "error")
    return redirect(url_for(".item", line_id=line.id, _anchor="evidence"), code=303)


@bp.post("/score-lines/<int:line_id>/files")
@officer_only
def upload_files(line_id: int):
    line = _load(ScoreLine, line_id)
    uploads = [evidence_services.Upload(f.stream, f.filename) for f in request.files.getlist("files")]
    store = file_store()
    try:
        rows = evidence_services.add_files(line, current_user, uploads, store, current_app.config["MAX_FILE_SIZE"],
                                           clock.today())
        evidence_services.commit_or_remove_files(rows, store)
    except (UploadRejected, WorkflowError) as exc:
        db.session.rollback()
        return _evidence_response(line, getattr(exc, "status", 422), str(getattr(exc, "message", exc)))
    return _evidence_response(line, 200, _("%(n)s file(s) attached.", n=len(rows)))


@bp.post("/score-lines/<int:line_id>/documents")
@officer_only
def add_document(line_id: int):
    line = _load(ScoreLine, line_id)
    form = DocumentForm()
    if not form.validate():
        return _evidence_response(line, 422, _("Check the highlighted fields."), document_form=form)
    values = evidence_services.DocumentValues(form.doc_number.data, form.doc_date.data, form.doc_issuer.data,
                                              form.title.data)
    try:
        evidence_services.add_document(line, current_user, values, clock.today())
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        return _evidence_response(line, exc.status, exc.message, document_form=form)
    return _evidence_response(line, 200, _("Document reference added."))


@bp.post("/evidence/<int:evidence_id>/delete")
@officer_only
def delete_evidence(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id, Action.EDIT)
    line = evidence_services.line_for(evidence)
    try:
        stored_name = evidence_services.remove_evidence(evidence, current_user, clock.today())
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        return _evidence_response(line, exc.status, exc.message)
    if stored_name:
        file_store().delete(stored_name)  # only once the row is gone for good
    return _evidence_response(line, 200, _("Evidence removed."))


@bp.post("/score-lines/<int:line_id>/comments")
@officer_only
def comment(line_id: int):
    line = _load(ScoreLine, line_id, Action.VIEW)
    message, status = None, 200
    try:
        review_services.add_comment(line, current_user, request.form.get("body"))
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        message, status = exc.message, exc.status
    if htmx.is_htmx():
        return _partial("review/_comments.html", status, obj=line, kind="score_line", message=message,
                        comments=review_services.comments_for(line),
                        post_url=url_for(".comment", line_id=line.id))
    if message:
        flash(message, "error")
    return redirect(url_for(".item", line_id=line.id, _anchor="comments"), code=303)
