"""Administration of a campaign's award types: list, create, edit, remove, reorder."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles_required
from portal.actions import perform
from portal.auth.forms import EmptyForm
from portal.awards import rules, services
from portal.awards.forms import AwardTypeForm
from portal.extensions import db
from portal.models import AwardType, Campaign, CampaignState, Nomination, Role
from portal.workflow import WorkflowError, parse_version

bp = Blueprint("awards", __name__)
admin_only = roles_required(Role.ADMIN)
STEPS = {"up": -1, "down": 1}


@bp.app_template_filter("award_rules")
def award_rules_filter(award) -> list[str]:
    """``award|award_rules``: the eligibility rules in plain words, wherever an award type is shown."""
    return rules.rules_in_words(award)


def _campaign_or_404(campaign_id: int) -> Campaign:
    return db.get_or_404(Campaign, campaign_id)


def _award_or_404(campaign_id: int, award_id: int) -> AwardType:
    award = db.get_or_404(AwardType, award_id)
    if award.campaign_id != campaign_id:
        abort(404)
    return award


@bp.get("/<int:campaign_id>/award-types/")
@admin_only
def index(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    counts = dict(db.session.execute(
        db.select(AwardType.id, db.func.count(Nomination.id))
        .join(Nomination, Nomination.award_type_id == AwardType.id)
        .where(AwardType.campaign_id == campaign.id).group_by(AwardType.id)).all())
    return render_template("awards/index.html", campaign=campaign, award_types=campaign.award_types,
                           nomination_counts=counts, closed=campaign.state is CampaignState.CLOSED)


@bp.route("/<int:campaign_id>/award-types/new", methods=["GET", "POST"])
@admin_only
def create(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        form = AwardTypeForm(new=True, formdata=None)
        return _form_page(campaign, None, form)
    form = AwardTypeForm(new=True, formdata=request.form)
    if not form.validate():
        return _form_page(campaign, None, form, status=422)
    outcome = perform(services.create_award_type, campaign, form.values(), current_user)
    if not outcome.ok:
        return _refused(campaign, None, form, outcome)
    flash(_("The award type %(name)s was added.", name=outcome.value.name), "success")
    return redirect(url_for(".edit", campaign_id=campaign.id, award_id=outcome.value.id), code=303)


@bp.route("/<int:campaign_id>/award-types/<int:award_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(campaign_id: int, award_id: int):
    campaign = _campaign_or_404(campaign_id)
    award = _award_or_404(campaign_id, award_id)
    if request.method == "GET":
        form = AwardTypeForm(formdata=None)
        form.fill(award)
        return _form_page(campaign, award, form)
    form = AwardTypeForm(formdata=request.form)
    if not form.validate():
        return _form_page(campaign, award, form, status=422)
    outcome = perform(services.update_award_type, award, form.values(), form.version.data, current_user)
    if not outcome.ok:
        return _refused(campaign_id, award_id, form, outcome)
    flash(_("Saved."), "success")
    return redirect(url_for(".edit", campaign_id=campaign_id, award_id=award_id), code=303)


@bp.post("/<int:campaign_id>/award-types/<int:award_id>/remove")
@admin_only
def remove(campaign_id: int, award_id: int):
    award = _award_or_404(campaign_id, award_id)
    try:
        if not EmptyForm().validate_on_submit():
            raise WorkflowError(_("The form is out of date. Reload the page and try again."), status=422)
        version = parse_version(request.form.get("version"))
    except WorkflowError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".edit", campaign_id=campaign_id, award_id=award_id), code=303)
    name = award.name
    outcome = perform(services.remove_award_type, award, version, current_user)
    if not outcome.ok:
        edit_form = AwardTypeForm(formdata=None)
        edit_form.fill(db.session.get(AwardType, award_id))
        return _refused(campaign_id, award_id, edit_form, outcome)
    flash(_("The award type %(name)s was removed.", name=name), "success")
    return redirect(url_for(".index", campaign_id=campaign_id), code=303)


@bp.post("/<int:campaign_id>/award-types/<int:award_id>/move/<direction>")
@admin_only
def move(campaign_id: int, award_id: int, direction: str):
    if direction not in STEPS:
        abort(404)
    award = _award_or_404(campaign_id, award_id)
    if EmptyForm().validate_on_submit():
        outcome = perform(services.move_award_type, award, STEPS[direction], current_user)
        if not outcome.ok:
            flash(outcome.message, "error")
    return redirect(url_for(".index", campaign_id=campaign_id, _anchor=f"award-type-{award_id}"), code=303)


def _refused(campaign_or_id, award_id: int | None, form: AwardTypeForm, outcome):
    """The page again with what was typed, the refusal beside its field (or above the form), and
    the nominations that stand in the way, if those are the reason."""
    campaign = campaign_or_id if isinstance(campaign_or_id, Campaign) else db.session.get(Campaign, campaign_or_id)
    award = db.session.get(AwardType, award_id) if award_id else None
    field = getattr(form, outcome.refusal.field, None) if outcome.refusal.field else None
    if field is not None:
        field.errors = [*field.errors, outcome.message]
    else:
        flash(outcome.message, "error")
    blocking = [services.describe_nomination(n) for n in getattr(outcome.refusal, "nominations", [])]
    return _form_page(campaign, award, form, status=outcome.status, blocking=blocking)


def _form_page(campaign: Campaign, award: AwardType | None, form: AwardTypeForm, status: int = 200,
               blocking: list[str] | None = None):
    nominations = [services.describe_nomination(n) for n in services.nominations_of(award)] if award else []
    return render_template("awards/edit.html", campaign=campaign, award=award, form=form, blocking=blocking or [],
                           nominations=nominations, closed=campaign.state is CampaignState.CLOSED,
                           button_form=EmptyForm()), status
