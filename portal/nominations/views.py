"""Nominations in the browser: the unit's drafts and dossier, the council's voting page, the
administrator's tally, decisions and documents."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import clock
from portal.access import Action, Denied, authorize, roles_required
from portal.actions import perform
from portal.campaign.services import current_campaign_or_404
from portal.campaign.years import chosen_campaign_or_404
from portal.extensions import db
from portal.labels import label
from portal.models import AwardLevel, AwardType, Campaign, Nomination, NominationDocument, Role, VoteChoice
from portal.nominations import eligibility, services
from portal.nominations.forms import DecisionForm, DocumentUploadForm, NominationForm, VersionForm, VoteForm
from portal.nominations.spreadsheet import export_workbook
from portal.uploads import FileStore
from portal.uploads.serving import send_upload
from portal.workflow import is_earlier_year
from portal.xlsx import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("nominations", __name__)


def file_store() -> FileStore:
    return FileStore(current_app.config["UPLOAD_DIR"])


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


def _refused(form) -> str:
    """The first message of a refused one-button form (a missing or stale version, a bad choice)."""
    return next(message for messages in form.errors.values() for message in messages)


def _flash_outcome(outcome, success: str) -> bool:
    flash(success if outcome.ok else outcome.message, "success" if outcome.ok else "error")
    return outcome.ok


def _list(campaign, **where) -> list[Nomination]:
    """The nominations the user may see, in the documents' order (award type, then units and
    nominees in Vietnamese alphabetical order)."""
    stmt = db.select(Nomination).where(Nomination.campaign_id == campaign.id)
    if current_user.role is Role.UNIT_OFFICER:  # scoped in the query, not in the template
        stmt = stmt.where(Nomination.unit_id == current_user.unit_id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Nomination, key).in_(value) if isinstance(value, (list, tuple)) else
                          getattr(Nomination, key) == value)
    return sorted(db.session.execute(stmt).scalars().all(), key=services.document_order)


def _award_types(campaign) -> list[AwardType]:
    return db.session.execute(db.select(AwardType).where(AwardType.campaign_id == campaign.id)
                              .order_by(AwardType.position, AwardType.id)).scalars().all()


@bp.get("/")
@login_required
def index():
    if current_user.role is Role.COUNCIL:
        return redirect(url_for(".council", **request.args))
    campaign = chosen_campaign_or_404()
    nominations = _list(campaign)
    tallies = {n.id: services.tally(n) for n in nominations} if current_user.role is Role.ADMIN else {}
    return render_template("nominations/index.html", campaign=campaign, award_types=_award_types(campaign),
                           nominations=nominations, tallies=tallies)


def _new_page(form, status=200):
    return render_template("nominations/new.html", form=form), status


@bp.get("/new")
@roles_required(Role.UNIT_OFFICER)
def new():
    award_types = _award_types(current_campaign_or_404())
    form = NominationForm.for_new(award_types, formdata=None)
    form.award_type.data = form.award_type.coerce(request.args.get("award_type"))
    return _new_page(form)


@bp.post("/new")
@roles_required(Role.UNIT_OFFICER)
def create():
    award_types = _award_types(current_campaign_or_404())
    form = NominationForm.for_new(award_types, formdata=request.form)
    if not form.validate():
        return _new_page(form, 422)
    award_type = next(a for a in award_types if a.id == form.award_type.data)
    outcome = perform(services.create_nomination, current_user.unit, award_type, current_user, _values(form))
    if not outcome.ok:
        flash(outcome.message, "error")
        return _new_page(form, outcome.status)
    flash(_("Saved."), "success")
    return redirect(url_for(".edit", nomination_id=outcome.value.id), code=303)


def _values(form) -> services.NomineeValues:
    return services.NomineeValues(form.nominee_name.data, form.nominee_position.data, form.service_years.data,
                                  form.achievements.data)


def _page(nomination, status=200, form=None, decision_form=None):
    campaign = db.session.get(Campaign, nomination.campaign_id)
    earlier = is_earlier_year(campaign)  # an earlier year's nomination is only read: no form at all
    context = {
        "campaign": campaign, "earlier": earlier,
        "n": nomination, "rules": eligibility.check(nomination), "missing": services.missing_documents(nomination),
        "problems": services.submission_problems(nomination) if nomination.state in services.EDITABLE else [],
        "editable": current_user.role is Role.UNIT_OFFICER and nomination.state in services.EDITABLE and not earlier,
        "form": form or NominationForm.for_edit(nomination), "decision_form": decision_form or DecisionForm(formdata=None, data={"version": nomination.version}),
        "tally": services.tally(nomination), "max_file_mb": current_app.config["MAX_FILE_SIZE"] // (1024 * 1024),
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
    form = NominationForm.for_edit(nomination, formdata=request.form)
    if not form.validate():
        return _page(nomination, 422, form=form)
    outcome = perform(services.save_nomination, nomination, current_user, _values(form), form.version.data)
    if not outcome.ok:
        flash(outcome.message, "error")
        return _page(db.session.get(Nomination, nomination_id), outcome.status, form=form)
    flash(_("Saved."), "success")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


@bp.post("/<int:nomination_id>/documents")
@roles_required(Role.UNIT_OFFICER)
def upload(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.EDIT)
    form = DocumentUploadForm()
    if not form.validate():
        flash(_refused(form), "error")
    else:
        store, stored = file_store(), []

        def attach():
            rows = services.add_documents(nomination, current_user, form.document_name.data,
                                          request.files.getlist("files"), store, current_app.config["MAX_FILE_SIZE"],
                                          form.version.data)
            stored.extend(row.stored_name for row in rows)
            return rows

        outcome = perform(attach)
        if not outcome.ok:  # the commit refused the rows: their files go too
            for stored_name in stored:
                store.delete(stored_name)
        _flash_outcome(outcome, _("%(n)s file(s) attached.", n=len(stored)))
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
    form = VersionForm()
    if not form.validate():
        flash(_refused(form), "error")
    else:
        outcome = perform(services.remove_document, doc, current_user, form.version.data)
        if _flash_outcome(outcome, _("The file has been removed.")):
            file_store().delete(outcome.value)
    return redirect(url_for(".edit", nomination_id=nomination_id, _anchor="dossier"), code=303)


@bp.post("/<int:nomination_id>/submit")
@roles_required(Role.UNIT_OFFICER)
def submit(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.EDIT)
    form = VersionForm()
    if not form.validate():
        flash(_refused(form), "error")
    else:
        _flash_outcome(perform(services.submit_nomination, nomination, current_user, form.version.data),
                       _("The nomination has been submitted to the provincial board."))
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


# --- council -------------------------------------------------------------------------------------

@bp.get("/council")
@roles_required(Role.COUNCIL, Role.ADMIN)
def council():
    campaign = chosen_campaign_or_404()
    nominations = _list(campaign, state=list(services.COUNCIL_VISIBLE))
    own = {v.nomination_id: v.choice for n in nominations for v in n.votes if v.member_id == current_user.id}
    return render_template("nominations/council.html", campaign=campaign, nominations=nominations, own=own,
                           tallies={n.id: services.tally(n) for n in nominations}, choices=list(VoteChoice))


@bp.post("/<int:nomination_id>/vote")
@roles_required(Role.COUNCIL)
def vote(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id)
    form = VoteForm()
    if not form.validate():
        flash(_refused(form), "error")
    else:
        choice = VoteChoice(form.choice.data)
        _flash_outcome(perform(services.cast_vote, nomination, current_user, choice, form.version.data),
                       _("Your vote has been recorded: %(choice)s.", choice=label(choice)))
    return redirect(url_for(".council", _anchor=f"nomination-{nomination.id}"), code=303)


# --- administrator -------------------------------------------------------------------------------

@bp.post("/<int:nomination_id>/close")
@roles_required(Role.ADMIN)
def close(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.ADMINISTER)
    form = VersionForm()
    if not form.validate():
        flash(_refused(form), "error")
    else:
        outcome = perform(services.close_vote, nomination, current_user, form.version.data)
        if outcome.ok:
            result = outcome.value
            flash(_("Vote closed: %(agree)s agree of %(denominator)s; %(needed)s needed — %(outcome)s.",
                    agree=result.agree, denominator=result.denominator, needed=result.needed,
                    outcome=label(nomination.state)), "success")
        else:
            flash(outcome.message, "error")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


@bp.post("/<int:nomination_id>/decision")
@roles_required(Role.ADMIN)
def decision(nomination_id: int):
    nomination = get_nomination_or_404(nomination_id, Action.ADMINISTER)
    form = DecisionForm()
    if not form.validate():
        return _page(nomination, 422, decision_form=form)
    outcome = perform(services.record_decision, nomination, current_user, form.decision_number.data,
                      form.decision_date.data, form.decision_signer.data, form.version.data)
    if not outcome.ok:
        flash(outcome.message, "error")
        return _page(db.session.get(Nomination, nomination_id), outcome.status, decision_form=form)
    flash(_("Decision recorded; the award is on the award list."), "success")
    return redirect(url_for(".edit", nomination_id=nomination.id), code=303)


# --- documents -----------------------------------------------------------------------------------

@bp.get("/letter")
@roles_required(Role.REVIEWER, Role.ADMIN)
def letter():
    """The submission letter (tờ trình) of one award level: the rule is :func:`services.letter_nominations`."""
    campaign = chosen_campaign_or_404()
    try:
        level = AwardLevel(request.args.get("level", "province"))
    except ValueError:
        abort(404)
    nominations = services.letter(campaign, level)
    groups: dict[int, tuple[AwardType, list[Nomination]]] = {}
    for n in nominations:
        groups.setdefault(n.award_type_id, (n.award_type, []))[1].append(n)
    return render_template("nominations/letter.html", campaign=campaign, level=level, groups=list(groups.values()),
                           today=clock.today())


@bp.get("/award-list")
@roles_required(Role.REVIEWER, Role.ADMIN, Role.COUNCIL)
def award_list():
    campaign = chosen_campaign_or_404()
    return render_template("nominations/award_list.html", campaign=campaign, groups=services.awarded(campaign))


@bp.get("/export.xlsx")
@roles_required(Role.REVIEWER, Role.ADMIN)
def export():
    campaign = chosen_campaign_or_404()
    nominations = services.export_nominations(_list(campaign))
    response = current_app.make_response(workbook_bytes(export_workbook(nominations)))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = f'attachment; filename="de-nghi-khen-thuong-{campaign.year}.xlsx"'
    return response
