"""Administration of the campaigns: every year, copying one to the next, settings and states."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.access import roles_required
from portal.actions import perform
from portal.auth.forms import EmptyForm
from portal.campaign import services
from portal.campaign.forms import EDITABLE, CampaignForm, CopyForm
from portal.chain_admin.services import levels_of, summaries, summary
from portal.extensions import db
from portal.labels import label
from portal.models import Campaign, Role, TieBreak

bp = Blueprint("campaign", __name__)
admin_only = roles_required(Role.ADMIN)

# What each button changes, said beside it.
TRANSITION_TEXTS = {
    "open": (_l("Open the campaign"),
             _l("Unit officers see the campaign and can register their pledges.")),
    "start_scoring": (_l("Start scoring"),
                      _l("The campaign moves to self-scoring and review of the units' results.")),
    "close": (_l("Close the campaign"),
              _l("The campaign is closed: its results become final.")),
}


def _campaign_or_404(campaign_id: int) -> Campaign:
    return db.get_or_404(Campaign, campaign_id)


@bp.get("/")
@admin_only
def index():
    campaigns = db.session.execute(db.select(Campaign).order_by(Campaign.year.desc())).scalars().all()
    current = services.current_campaign()
    return render_template("campaign/index.html", campaigns=campaigns, current=current, chains=summaries(campaigns),
                           form=EmptyForm(), copy_form=_copy_form(campaigns))


def _copy_form(campaigns, formdata=None) -> CopyForm:
    form = CopyForm(formdata=formdata)
    form.source.choices = [(c.id, str(c.year)) for c in campaigns]
    if formdata is None and campaigns:
        form.year.data = max(c.year for c in campaigns) + 1
    return form


@bp.post("/<int:campaign_id>/current")
@admin_only
def set_current(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if EmptyForm().validate_on_submit():
        outcome = perform(services.set_current, campaign, current_user)
        if outcome.ok:
            flash(_("The campaign %(year)d is now the current one.", year=campaign.year), "success")
        else:
            flash(outcome.message, "error")
    return redirect(url_for(".index"), code=303)


@bp.post("/copy")
@admin_only
def copy():
    campaigns = db.session.execute(db.select(Campaign).order_by(Campaign.year.desc())).scalars().all()
    form = _copy_form(campaigns, formdata=request.form)
    status = 422
    if form.validate():
        source = _campaign_or_404(form.source.data)
        outcome = perform(services.copy_campaign, source, form.year.data, current_user)
        if outcome.ok:
            flash(_("The campaign %(year)d was created from %(source)d as a draft; check its dates and settings.",
                    year=form.year.data, source=source.year), "success")
            return redirect(url_for(".edit", campaign_id=outcome.value.id), code=303)
        status = outcome.status
        if outcome.refusal.field == "year":
            form.year.errors = [outcome.message]
        else:
            flash(outcome.message, "error")
    return render_template("campaign/index.html", campaigns=campaigns, current=services.current_campaign(),
                           chains=summaries(campaigns), form=EmptyForm(), copy_form=form), status


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        form = CampaignForm(obj=campaign, campaign=campaign)
        form.tie_break.data = campaign.tie_break.value
        return _edit_page(campaign, form)
    form = CampaignForm(formdata=request.form, campaign=campaign)
    if not form.validate():
        return _edit_page(campaign, form, 422)
    values = {key: getattr(form, key).data for key in EDITABLE}
    values["tie_break"] = TieBreak(form.tie_break.data)
    outcome = perform(services.update_campaign, campaign, values, form.version.data, current_user)
    if not outcome.ok:
        flash(outcome.message, "error")
        return _edit_page(db.session.get(Campaign, campaign_id), form, outcome.status)
    flash(_("Saved."), "success")
    return redirect(url_for(".edit", campaign_id=campaign_id), code=303)


def _edit_page(campaign: Campaign, form: CampaignForm, status: int = 200):
    transitions = [(name, *TRANSITION_TEXTS[name]) for name in services.allowed_transitions(campaign)]
    return render_template("campaign/edit.html", campaign=campaign, form=form, transitions=transitions,
                           chain=summary(levels_of(campaign)), button_form=EmptyForm()), status


@bp.post("/<int:campaign_id>/<action>")
@admin_only
def transition(campaign_id: int, action: str):
    call = services.TRANSITION_CALLS.get(action)
    if call is None:
        abort(404)
    campaign = _campaign_or_404(campaign_id)
    if EmptyForm().validate_on_submit():
        outcome = perform(call, campaign, current_user)
        if outcome.ok:
            flash(_("The campaign %(year)d is now: %(state)s.", year=campaign.year,
                    state=_state_label(campaign)), "success")
        else:
            flash(outcome.message, "error")
    return redirect(url_for(".edit", campaign_id=campaign_id), code=303)


def _state_label(campaign: Campaign) -> str:
    return label(campaign.state)
