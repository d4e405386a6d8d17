"""Nominations in the browser: the unit's drafts and dossier, the council's voting page, the
administrator's tally, decisions and documents."""
from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import clock
from portal.access import Action, Denied, authorize, roles_required
from portal.campaign.services import current_campaign
from portal.evidence.services import Upload, commit_or_remove_files
from portal.evidence.views import file_store
from portal.extensions import db
from portal.models import (
    AwardLevel,
    AwardType,
    Nomination,
    NominationDocument,
    Role,
    VoteChoice,
)
from portal.nominations import eligibility, services
from portal.uploads import UploadRejected
from portal.uploads.serving import send_upload
from portal.workflow import WorkflowError, parse_version

bp = Blueprint("nominations", __name__)


def _campaign():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign


def get_nomination_or_404(nomination_id: int, action: Action = Action.VIEW) -> Nomination:
    nomination = db.get_or_404(Nomination, nomination_id)
    try:
        if action is Action.VIEW:
            services.ensure_may_view(current_user, nomination)
        else:
            authorize(action, nomination)
    except Denied as exc:
        abort(exc.status)
    return nomination


def _attempt(action) -> bool:
    """Run a service call and commit; a refusal is rolled back and flashed. True when it went through."""
    try:
        action()
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    return True


def _list(campaign, **where):
    stmt = db.select(Nomination).where(Nomination.campaign_id == campaign.id)
    if current_user.role is Role.UNIT_OFFICER:  # scoped in the query, not in the template
        stmt = stmt.where(Nomination.unit_id == current_user.unit_id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Nomination, key).in_(value) if isinstance(value, (list, tuple)) else
                          getattr(Nomination, key) == value)
    return db.session.execute(stmt.order_by(Nomination.id.desc())).scalars().all()


@bp.get("/")
@login_required
def index():
    if current_user.role is Role.COUNCIL:
        return redirect(url_for(".council"))
    campaign = _campaign()
    award_types = db.session.execute(db.select(AwardType).where(AwardType.campaign_id == campaign.id)
                                     .order_by(AwardType.position)).scalars().all()
    nominations = _list(campaign)
    tallies = {n.id: services.tally(n) for n in nominations} if current_user.role is Role.ADMIN else {}
    return render_template("nominations/index.html", campaign=campaign, award_types=award_types,
                           nominations=nominations, tallies=tallies)


@bp.post("/new")
@roles_required(Role.UNIT_OFFICER)
def create():
    campaign = _campaign()
    award_type = db.session.execute(db.select(AwardType).where(
        AwardType.campaign_id == campaign.id, AwardType.id == request.form.get("award_type", type=int))).scalar_one_or_none()
    if award_type is None:
        flash(_("Choose an award type."), "error")
        return redirect(url_for(".index"), code=303)
    try:
        nomination = services.create_nomination(current_user.unit, award_type, current_user)
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for(".index"), code=303)
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


def _page(nomination, status=200, errors=None):
    context = {
        "n": nomination, "rules": eligibility.check(nomination), "missing": services.missing_documents(nomination),
        "problems": services.submission_problems(nomination) if nomination.state in services.EDITABLE else [],
        "editable": current_user.role is Role.UNIT_OFFICER and nomination.state in services.EDITABLE,
        "errors": errors or {}, "tally": services.tally(nomination), "choices": list(VoteChoice),
        "max_file_mb": current_app.config["MAX_FILE_SIZE"] // (1024 * 1024),
    }
    return render_template("nominations/edit.html", **context), status


@bp.get("/<int:nomination_id>")
@login_required
def edit(nomination_id: int):
    return _page(get_nomination_or_404(nomination_id))


@bp.post("/<int:nomination_id>")
@roles_required(Role.UNIT_OFFICER)
def save(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.EDIT)
    form = request.form
    errors = {}
    years = form.get("service_years", "").strip()
    if years and (not years.isdigit() or int(years) > 60):
        errors["service_years"] = _("Enter a whole number of years from 0 to 60.")
    for field, limit in (("nominee_name", 200), ("nominee_position", 200), ("achievements", 8000)):
        if len(form.get(field, "")) > limit:
            errors[field] = _("At most %(n)s characters.", n=limit)
    if errors:
        return _page(nomination, 422, errors)
    values = services.NomineeValues(form.get("nominee_name", ""), form.get("nominee_position", ""),
                                    int(years) if years else None, form.get("achievements", ""))
    if _attempt(lambda: services.save_nomination(nomination, current_user, values, parse_version(form.get("version")))):
        flash(_("Saved."), "success")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


@bp.post("/<int:nomination_id>/documents")
@roles_required(Role.UNIT_OFFICER)
def upload(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.EDIT)
    store = file_store()
    uploads = [Upload(f.stream, f.filename) for f in request.files.getlist("files")]
    try:
        rows = services.add_documents(nomination, current_user, request.form.get("document_name", ""), uploads, store,
                                      current_app.config["MAX_FILE_SIZE"])
        commit_or_remove_files(rows, store)
        flash(_("%(n)s file(s) attached.", n=len(rows)), "success")
    except (UploadRejected, WorkflowError) as exc:
        db.session.rollback()
        flash(getattr(exc, "message", str(exc)), "error")
    return redirect(url_for(".edit", nomination_id=nomination.id, _anchor="dossier"), code=303)


def _document_or_404(document_id: int, action: Action) -> NominationDocument:
    document = db.get_or_404(NominationDocument, document_id)
    get_nomination_or_404(document.nomination_id, action)
    return document


@bp.get("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    doc = _document_or_404(document_id, Action.VIEW)
    return send_upload(file_store(), doc.stored_name, doc.original_name, doc.content_type)


@bp.post("/documents/<int:document_id>/delete")
@roles_required(Role.UNIT_OFFICER)
def delete_document(document_id: int):
    doc = _document_or_404(document_id, Action.EDIT)
    nomination_id = doc.nomination_id
    try:
        stored_name = services.remove_document(doc, current_user)
        db.session.commit()
        file_store().delete(stored_name)
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for(".edit", nomination_id=nomination_id, _anchor="dossier"), code=303)


@bp.post("/<int:nomination_id>/submit")
@roles_required(Role.UNIT_OFFICER)
def submit(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.EDIT)
    if _attempt(lambda: services.submit_nomination(nomination, current_user)):
        flash(_("The nomination has been submitted to the provincial board."), "success")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


# --- council -------------------------------------------------------------------------------------

@bp.get("/council")
@roles_required(Role.COUNCIL, Role.ADMIN)
def council():
    campaign = _campaign()
    nominations = _list(campaign, state=list(services.COUNCIL_VISIBLE))
    own = {v.nomination_id: v.choice for n in nominations for v in n.votes if v.member_id == current_user.id}
    return render_template("nominations/council.html", campaign=campaign, nominations=nominations, own=own,
                           tallies={n.id: services.tally(n) for n in nominations}, choices=list(VoteChoice))


@bp.post("/<int:nomination_id>/vote")
@roles_required(Role.COUNCIL)
def vote(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id)
    try:
        choice = VoteChoice(request.form.get("choice", ""))
    except ValueError:
        flash(_("Choose agree, disagree or abstain."), "error")
    else:
        if _attempt(lambda: services.cast_vote(nomination, current_user, choice)):
            flash(_("Your vote has been recorded: %(choice)s.", choice=_label(choice)), "success")
    return redirect(url_for(".council", _anchor=f"nomination-{nomination.id}"), code=303)


def _label(value):
    from portal.labels import label

    return label(value)


# --- administrator -------------------------------------------------------------------------------

@bp.post("/<int:nomination_id>/close")
@roles_required(Role.ADMIN)
def close(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.ADMINISTER)
    if _attempt(lambda: services.close_vote(nomination, current_user)):
        result = services.tally(nomination)
        flash(_("Vote closed: %(agree)s agree of %(denominator)s; %(needed)s needed — %(outcome)s.",
                agree=result.agree, denominator=result.denominator, needed=result.needed,
                outcome=_label(nomination.state)), "success")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


@bp.post("/<int:nomination_id>/decision")
@roles_required(Role.ADMIN)
def decision(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.ADMINISTER)
    try:
        decided_on = date.fromisoformat(request.form.get("date", ""))
    except ValueError:
        decided_on = None
    if _attempt(lambda: services.record_decision(nomination, current_user, request.form.get("number", ""),
                                                 decided_on, request.form.get("signer", ""))):
        flash(_("Decision recorded; the award is on the award list."), "success")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


@bp.get("/letter")
@roles_required(Role.REVIEWER, Role.ADMIN)
def letter():
    """The submission letter (tờ trình) for the nominations forwarded at one award level."""
    campaign = _campaign()
    try:
        level = AwardLevel(request.args.get("level", "province"))
    except ValueError:
        abort(404)
    nominations = [n for n in _list(campaign, state=list(services.COUNCIL_VISIBLE)) if n.award_type.level is level]
    return render_template("nominations/letter.html", campaign=campaign, level=level, nominations=nominations,
                           today=clock.today())


@bp.get("/award-list")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.COUNCIL)
def award_list():
    campaign = _campaign()
    return render_template("nominations/award_list.html", campaign=campaign, groups=services.awarded(campaign))


@bp.get("/export.xlsx")
@roles_required(Role.REVIEWER, Role.ADMIN)
def export():
    from openpyxl import Workbook

    campaign = _campaign()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nominations")
    sheet.append([_("Unit"), _("Award type"), _("Nominee"), _("Position"), _("State"), _("Agree"), _("Disagree"),
                  _("Abstain"), _("Decision")])
    for n in reversed(_list(campaign)):
        result = services.tally(n)
        sheet.append([n.unit.name, n.award_type.name, n.nominee, n.nominee_position, _label(n.state), result.agree,
                      result.disagree, result.abstain, n.decision_number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = current_app.make_response(buffer.getvalue())
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="de-nghi-khen-thuong-{campaign.year}.xlsx"'
    return response


