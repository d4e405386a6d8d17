"""The final result's page: where the ranking stands (the units not fully reviewed yet), the
approval form for those who may approve, the official result with its corrections, and the
administrator's unlocking.  Administrators, reviewers and council members read it; unit officers
get 403."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import roles_required
from portal.actions import perform
from portal.formatting import fmt_date
from portal.campaign.years import chosen_campaign_or_404, year_args
from portal.models import Role
from portal.results import services
from portal.results.forms import ApproveForm, UnlockForm
from portal.scoreboard.present import classification_text
from portal.workflow import Conflict

bp = Blueprint("results", __name__)
readers = roles_required(*services.VIEW_ROLES)


@bp.app_context_processor
def _helpers():
    return {"may_approve_result": lambda campaign: services.may_approve(current_user, campaign)}


def _render(campaign, approve_form=None, unlock_form=None, status: int = 200):
    state = services.page_state(campaign)
    approve_form = approve_form or ApproveForm(formdata=None)
    unlock_form = unlock_form or UnlockForm(formdata=None)
    for form in (approve_form, unlock_form):  # the version shown now, not the one that was sent
        form.version.data, form.version.raw_data = state.version, None
    return render_template("results/page.html", campaign=campaign, state=state, approve_form=approve_form,
                           unlock_form=unlock_form, may_approve=services.may_approve(current_user, campaign),
                           may_unlock=current_user.role is Role.ADMIN), status


def _standing_row(standing) -> dict:
    return {"complete": standing.complete, "classification": standing.classification.value
            if standing.complete and standing.classification else None}


@bp.app_template_filter("local_day")
def local_day(moment) -> str:
    """A stored moment as the province's date, without the time (the band's "approved on …")."""
    return fmt_date(clock.local(moment).date()) if moment is not None else ""


@bp.app_template_filter("result_classification")
def result_classification(standing) -> str:
    return classification_text(_standing_row(standing))


@bp.get("/")
@readers
def page():
    return _render(chosen_campaign_or_404())


def _refused(outcome, campaign, form, field_names, which: str):
    refusal = outcome.refusal
    message = outcome.message
    if isinstance(refusal, Conflict) and not isinstance(refusal, services.ResultConflict):
        message = services.ResultConflict().message  # a second approver's insert or stale update
    if refusal.field in field_names:
        getattr(form, refusal.field).errors = [message]
    else:
        flash(message, "error")
    return _render(campaign, **{which: form}, status=outcome.status)


@bp.post("/approve")
@readers
def approve():
    campaign = chosen_campaign_or_404()
    if not services.may_approve(current_user, campaign):
        abort(403)
    form = ApproveForm()
    if not form.validate():
        return _render(campaign, approve_form=form, status=422)
    outcome = perform(services.approve, campaign, current_user, form.decision_number.data or "",
                      form.decision_date.data, form.version.data)
    if not outcome.ok:
        return _refused(outcome, campaign, form, ("decision_number", "decision_date"), "approve_form")
    flash(_("The ranking was approved as the campaign's final result and is now locked."), "success")
    return redirect(url_for(".page", **year_args(campaign)), code=303)


@bp.post("/unlock")
@roles_required(Role.ADMIN)
def unlock():
    campaign = chosen_campaign_or_404()
    form = UnlockForm()
    if not form.validate():
        return _render(campaign, unlock_form=form, status=422)
    outcome = perform(services.unlock, campaign, current_user, form.reason.data, form.version.data)
    if not outcome.ok:
        return _refused(outcome, campaign, form, ("reason",), "unlock_form")
    flash(_("The final result was unlocked for correction; it is not official until it is approved again."),
          "success")
    return redirect(url_for(".page", **year_args(campaign)), code=303)
