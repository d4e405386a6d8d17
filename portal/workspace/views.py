"""The unit officer's workspace: dashboard, pledge registration, one page per criterion, scorecard.

Every object is loaded through ``_load`` which checks it belongs to the officer's unit (404 otherwise).
htmx requests get the partial that changed (with the other parts of the page that depend on the
item's state as out-of-band swaps); plain form posts get a 303 back to the page.  Every change goes
through :func:`portal.actions.perform`; page views never write.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock, htmx
from portal.access import Action, authorize, roles_required
from portal.actions import Outcome, perform
from portal.campaign.services import current_campaign_or_404
from portal.evidence import services as evidence_services
from portal.evidence.views import file_store, get_evidence_or_404
from portal.extensions import db
from portal.formatting import fmt_points
from portal.models import AuditEvent, Commitment, ScoreLine, Role
from portal import chain
from portal.comments.services import add_comment, comments_for
from portal.comments.views import comments_response
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


def _load(model, object_id: int, action: Action = Action.EDIT):
    """Load an object of the officer's unit in the current campaign; anything else is 'not found'."""
    obj = authorize(action, db.get_or_404(model, object_id))
    campaign_id = obj.registration.campaign_id if isinstance(obj, Commitment) else obj.campaign_id
    if campaign_id != current_campaign_or_404().id:
        abort(404)
    return obj


def _card(campaign):
    """The officer's scorecard; None until the unit's workspace exists (page views never create it)."""
    return services.build_scorecard(current_user.unit, campaign)


def _row_for(line: ScoreLine):
    card = _card(current_campaign_or_404())
    row = next((r for r in card.rows if r.line.id == line.id), None) if card else None
    if row is None:
        abort(404)
    return card, row


def _partial(template: str, status: int = 200, **context):
    return current_app.make_response((render_template(template, **context), status))


def _refused(message: str, status: int = 422) -> Outcome:
    """A refusal found before the service ran (a form that did not validate)."""
    return Outcome(refusal=WorkflowError(message, status=status))


# --- dashboard and set-up ------------------------------------------------------------------------

@bp.get("/")
@officer_only
def dashboard():
    campaign = current_campaign_or_404()
    card = _card(campaign)
    if card is None:
        return render_template("workspace/setup.html", campaign=campaign)
    return render_template("workspace/dashboard.html", card=card, campaign=campaign, today=clock.today())


@bp.post("/setup")
@officer_only
def setup():
    """Create what is missing of the unit's workspace (normally done when the campaign is set up)."""
    outcome = perform(services.ensure_workspace, current_user.unit, current_campaign_or_404())
    if not outcome.ok:
        flash(outcome.message, "error")
    return redirect(url_for(".dashboard"), code=303)


# --- pledges -------------------------------------------------------------------------------------

def _registration_lock(registration) -> str | None:
    try:
        services.check_registration_editable(registration, clock.today())
    except WorkflowError as exc:
        return exc.message
    return None


def _registration_context(campaign, card, forms=None):
    return {"card": card, "campaign": campaign, "forms": forms or {},
            "locked_reason": _registration_lock(card.registration)}


@bp.get("/pledges")
@officer_only
def pledges():
    campaign = current_campaign_or_404()
    card = _card(campaign)
    if card is None:
        return render_template("workspace/setup.html", campaign=campaign)
    return render_template("workspace/pledges.html", **_registration_context(campaign, card))


@bp.post("/commitments/<int:commitment_id>")
@officer_only
def save_commitment(commitment_id: int):
    commitment = _load(Commitment, commitment_id)
    form = commitment_form(commitment, request.form)
    if form.validate():
        values = services.CommitmentValues(form.target_text.data, form.target_value.data, form.target_unit.data)
        outcome = perform(lambda: services.save_commitment(
            commitment, current_user, values, parse_version(request.form.get(form.version.name)), clock.today()))
    else:
        outcome = _refused(_("Check the highlighted fields."))
    if htmx.is_htmx():
        # The inputs are not swapped: what the officer typed stays, whatever the answer.
        db.session.refresh(commitment)
        return _partial("workspace/_commitment_status.html", outcome.status, c=commitment,
                        form=None if outcome.ok else form, message=_("Saved.") if outcome.ok else outcome.message,
                        saved=outcome.ok, conflict=outcome.status == 409)
    if outcome.ok:
        flash(_("Saved."), "success")
        return redirect(url_for(".pledges", _anchor=f"commitment-{commitment.id}"), code=303)
    campaign = current_campaign_or_404()
    flash(outcome.message, "error")
    return render_template("workspace/pledges.html",
                           **_registration_context(campaign, _card(campaign), forms={commitment.id: form})), outcome.status


@bp.post("/registration/submit")
@officer_only
def submit_registration():
    campaign = current_campaign_or_404()

    def submit():
        registration = services.ensure_workspace(current_user.unit, campaign)
        services.submit_registration(registration, current_user, clock.today(),
                                     parse_version(request.form.get("version")))

    outcome = perform(submit)
    if outcome.ok:
        flash(_("Your registration has been submitted to the provincial board."), "success")
    else:
        flash(outcome.message, "error")
    return redirect(url_for(".pledges"), code=303)


# --- one criterion: pledge, progress notes, evidence, score ------------------------------------

def _item_context(line: ScoreLine, **extra):
    card, row = _row_for(line)
    campaign = card.campaign
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
        "comments": comments_for(line),
        # each review level's decision (who, when, figure, reason), in a chain of several levels
        "steps": chain.steps_for(line) if chain.is_multilevel(campaign) else [],
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
        ScoreLine.unit_id == commitment.unit_id, ScoreLine.criterion_id == commitment.criterion_id,
        ScoreLine.campaign_id == commitment.registration.campaign_id)).scalar_one()
    form = NoteForm()
    if form.validate():
        outcome = perform(services.add_progress_note, commitment, current_user, form.note_date.data, form.text.data,
                          clock.today())
    else:
        outcome = _refused(_("Check the highlighted fields."))
    message = _("Progress note added.") if outcome.ok else outcome.message
    if htmx.is_htmx():
        if outcome.ok:
            form = NoteForm(formdata=None, note_date=clock.today())
        db.session.refresh(commitment)
        return _partial("workspace/_notes.html", outcome.status, row=_row_for(line)[1], note_form=form,
                        message=message, error=not outcome.ok)
    flash(message, "success" if outcome.ok else "error")
    return redirect(url_for(".item", line_id=line.id, _anchor="notes"), code=303)


def _form_errors(form: ScoreForm) -> services.ScoreErrors:
    return services.ScoreErrors(self_score=(form.self_score.errors or [None])[0],
                                explanation=(form.explanation.errors or [None])[0])


@bp.post("/score-lines/<int:line_id>")
@officer_only
def save_score(line_id: int):
    line = _load(ScoreLine, line_id)
    form = ScoreForm()
    if not form.validate():
        return _score_response(line, form, _form_errors(form), None, 422)
    outcome = perform(lambda: services.save_score_line(
        line, current_user, form.self_score.data, form.explanation.data or "",
        parse_version(request.form.get("version")), clock.today()))
    return _score_outcome(line, form, outcome, _("Saved."))


@bp.post("/score-lines/<int:line_id>/submit")
@officer_only
def submit_score(line_id: int):
    """Save what the form holds, then submit it — one step for the officer, one transaction."""
    line = _load(ScoreLine, line_id)
    form = ScoreForm()
    if "self_score" in request.form and not form.validate():
        return _score_response(line, form, _form_errors(form), None, 422)

    def save_and_submit():
        version = parse_version(request.form.get("version"))
        if "self_score" in request.form:
            services.save_score_line(line, current_user, form.self_score.data, form.explanation.data or "",
                                     version, clock.today())
            version = None  # checked by the save; the save itself moved it on
        services.submit_score_line(line, current_user, clock.today(), version)

    return _score_outcome(line, form, perform(save_and_submit), _("Submitted for review."))


def _score_outcome(line: ScoreLine, form: ScoreForm, outcome: Outcome, done: str):
    errors = getattr(outcome.refusal, "errors", None)
    message = done if outcome.ok else (None if errors else outcome.message)
    return _score_response(line, form, errors, message, outcome.status)


def _score_response(line: ScoreLine, form: ScoreForm, errors, message: str | None, status: int):
    """htmx: the line's form again (with the typed input and its errors, or fresh after a save),
    and out of band every other part that follows the line: its state badge, the total, and on
    the criterion page the evidence controls; otherwise 303 back to the page."""
    db.session.refresh(line)
    if status == 200:
        form = score_form_for(line)
    if htmx.is_htmx():
        compact = bool(request.form.get("compact"))
        context = _item_context(line) if not compact else {}
        card, row = (context["card"], context["row"]) if context else _row_for(line)
        context.update(row=row, line=line, score_form=form, errors=errors, message=message, card=card,
                       oob_total=True, oob_state=True, oob_evidence=not compact, compact=compact,
                       status_error=status != 200,
                       locked_reason=services.score_lock_reason(line, card.campaign, clock.today()))
        return _partial("workspace/_score_form.html", status, **context)
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
    card, _row = _row_for(line)
    if not errors.self_score:
        card.with_typed_score(line.id, score)
    return render_template("workspace/_score_check.html", line=line, errors=errors, card=card)


# --- scorecard ---------------------------------------------------------------------------------

@bp.get("/scores")
@officer_only
def scores():
    campaign = current_campaign_or_404()
    card = _card(campaign)
    if card is None:
        return render_template("workspace/setup.html", campaign=campaign)
    today = clock.today()
    lock_reasons = {row.line.id: services.score_lock_reason(row.line, campaign, today) for row in card.rows}
    return render_template("workspace/scores.html", card=card, campaign=campaign, lock_reasons=lock_reasons)


@bp.post("/scores/submit-ready")
@officer_only
def submit_ready():
    campaign = current_campaign_or_404()
    outcome = perform(services.submit_ready_lines, current_user.unit, campaign, current_user, clock.today())
    if not outcome.ok:
        flash(outcome.message, "error")
        return redirect(url_for(".scores"), code=303)
    result = outcome.value
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

def _evidence_response(line: ScoreLine, outcome: Outcome, done: str, **extra):
    """htmx: the evidence section (a refusal beside the control that caused it) and, out of band,
    the parts that follow the evidence: the line's "not ready" note; otherwise 303 to the page."""
    if htmx.is_htmx():
        context = _item_context(line, message=done if outcome.ok else outcome.message, error=not outcome.ok,
                                oob_ready=True, **extra)
        return _partial("workspace/_evidence.html", outcome.status, **context)
    flash(done if outcome.ok else outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for(".item", line_id=line.id, _anchor="evidence"), code=303)


@bp.post("/score-lines/<int:line_id>/files")
@officer_only
def upload_files(line_id: int):
    line = _load(ScoreLine, line_id)
    uploads = [evidence_services.Upload(f.stream, f.filename) for f in request.files.getlist("files")]
    store = file_store()
    stored: list[str] = []

    def add_files():
        try:
            rows = evidence_services.add_files(line, current_user, uploads, store,
                                               current_app.config["MAX_FILE_SIZE"], clock.today())
        except UploadRejected as exc:
            raise WorkflowError(str(exc), status=422, field="files") from None
        stored.extend(row.stored_name for row in rows)
        return rows

    def remove_stored():
        for name in stored:  # the rows were rolled back: their files go too
            store.delete(name)

    try:
        outcome = perform(add_files)
    except BaseException:
        remove_stored()
        raise
    if not outcome.ok:
        remove_stored()
    done = _("%(n)s file(s) attached.", n=len(outcome.value)) if outcome.ok else ""
    return _evidence_response(line, outcome, done, upload_error=None if outcome.ok else outcome.message)


@bp.post("/score-lines/<int:line_id>/documents")
@officer_only
def add_document(line_id: int):
    line = _load(ScoreLine, line_id)
    form = DocumentForm()
    if form.validate():
        values = evidence_services.DocumentValues(form.doc_number.data, form.doc_date.data, form.doc_issuer.data,
                                                  form.title.data)
        outcome = perform(evidence_services.add_document, line, current_user, values, clock.today())
    else:
        outcome = _refused(_("Check the highlighted fields."))
    return _evidence_response(line, outcome, _("Document reference added."),
                              **({} if outcome.ok else {"document_form": form}))


@bp.post("/evidence/<int:evidence_id>/delete")
@officer_only
def delete_evidence(evidence_id: int):
    evidence = get_evidence_or_404(evidence_id, Action.EDIT)
    line = evidence_services.line_for(evidence)
    outcome = perform(evidence_services.remove_evidence, evidence, current_user, clock.today())
    if outcome.ok and outcome.value:
        file_store().delete(outcome.value)  # only once the row is gone for good
    return _evidence_response(line, outcome, _("Evidence removed."))


@bp.post("/score-lines/<int:line_id>/comments")
@officer_only
def comment(line_id: int):
    line = _load(ScoreLine, line_id, Action.VIEW)
    outcome = perform(add_comment, line, current_user, request.form.get("body"))
    return comments_response(line, outcome, url_for(".comment", line_id=line.id),
                             url_for(".item", line_id=line.id, _anchor="comments"))
