"""The review chain editor (administrators): a campaign's levels, each level's form, the sample chain."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import htmx
from portal.access import roles_required
from portal.actions import perform
from portal.chain_admin import services
from portal.chain_admin.forms import LevelForm
from portal.extensions import db
from portal.models import Campaign, LevelScope, ReviewLevel, Role

bp = Blueprint("chain_admin", __name__)
admin_only = roles_required(Role.ADMIN)
STEPS = {"up": -1, "down": 1}
PARTIAL = "chain-levels"


def _campaign_or_404(campaign_id: int) -> Campaign:
    return db.get_or_404(Campaign, campaign_id)


def _level_or_404(level_id: int) -> ReviewLevel:
    return db.get_or_404(ReviewLevel, level_id)


def _form(people, **kwargs) -> LevelForm:
    return LevelForm(people=people, **kwargs)


def _values(form: LevelForm) -> services.LevelValues:
    return services.LevelValues(name=form.name.data or "", scope=LevelScope(form.scope.data),
                                member_ids=list(form.members.data or []))


def _keep_errors(form: LevelForm, outcome):
    """A refusal's messages beside the fields they concern; a refusal about no field is returned, to
    be shown above the form."""
    errors = getattr(outcome.refusal, "errors", None) or {}
    if not errors and outcome.refusal.field == "scope":
        errors = {"scope": outcome.message}
    for name, message in errors.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]
    return None if errors else outcome.refusal


def _chain_page(campaign: Campaign, form: LevelForm | None = None, status: int = 200, refusal=None,
                people=None):
    people = people if people is not None else services.eligible_members()
    if form is None:
        form = _form(people)
        form.scope.data = LevelScope.ITEM.value
    context = {"campaign": campaign, "levels": services.levels_of(campaign), "form": form, "people": people,
               "refusal": refusal, "locked_reason": services.chain_locked_reason(campaign),
               "sample": services.SAMPLE_CHAIN}
    headers = {"Vary": htmx.HX_REQUEST}
    if htmx.wants_partial(PARTIAL):
        return render_template("chain_admin/_levels.html", **context), status, headers
    return render_template("chain_admin/levels.html", **context), status, headers


@bp.get("/<int:campaign_id>/levels")
@admin_only
def levels(campaign_id: int):
    return _chain_page(_campaign_or_404(campaign_id))


@bp.post("/<int:campaign_id>/levels")
@admin_only
def add(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    people = services.eligible_members()
    form = _form(people, formdata=request.form)
    if not form.validate():
        return _chain_page(campaign, form, 422, people=people)
    outcome = perform(services.add_level, campaign, _values(form), current_user)
    if not outcome.ok:
        refusal = _keep_errors(form, outcome)
        return _chain_page(_campaign_or_404(campaign_id), form, outcome.status, refusal, people)
    flash(_("The level “%(name)s” was added.", name=outcome.value.name), "success")
    return redirect(url_for(".levels", campaign_id=campaign_id, _anchor=f"level-{outcome.value.id}"), code=303)


@bp.post("/<int:campaign_id>/levels/sample")
@admin_only
def sample(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    outcome = perform(services.use_sample_chain, campaign, current_user)
    if not outcome.ok:
        return _chain_page(_campaign_or_404(campaign_id), status=outcome.status, refusal=outcome.refusal)
    flash(_("The sample chain of three levels was filled in; check each level's name and members."), "success")
    return redirect(url_for(".levels", campaign_id=campaign_id), code=303)


def _edit_page(level: ReviewLevel, form: LevelForm, status: int = 200, refusal=None, people=None):
    campaign = level.campaign
    return render_template("chain_admin/edit.html", campaign=campaign, level=level, form=form,
                           people=people if people is not None else services.eligible_members(), refusal=refusal,
                           locked_reason=services.chain_locked_reason(campaign),
                           version=services.fingerprint(level)), status


@bp.route("/levels/<int:level_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(level_id: int):
    level = _level_or_404(level_id)
    people = services.eligible_members()
    if request.method == "GET":
        form = _form(people, obj=level)
        form.scope.data = level.scope.value
        form.members.data = [u.id for u in level.members]
        form.version.data = services.fingerprint(level)
        return _edit_page(level, form, people=people)
    form = _form(people, formdata=request.form)
    if not form.validate():
        return _edit_page(level, form, 422, people=people)
    outcome = perform(services.update_level, level, _values(form), form.version.data, current_user)
    if not outcome.ok:
        refusal = _keep_errors(form, outcome)
        return _edit_page(_level_or_404(level_id), form, outcome.status, refusal, people)
    flash(_("The level “%(name)s” was saved.", name=outcome.value.name), "success")
    return redirect(url_for(".levels", campaign_id=level.campaign_id, _anchor=f"level-{level_id}"), code=303)


@bp.post("/levels/<int:level_id>/remove")
@admin_only
def remove(level_id: int):
    level = _level_or_404(level_id)
    campaign_id, name = level.campaign_id, level.name
    outcome = perform(services.remove_level, level, request.form.get("version"), current_user)
    if not outcome.ok:
        return _chain_page(_campaign_or_404(campaign_id), status=outcome.status, refusal=outcome.refusal)
    flash(_("The level “%(name)s” was removed.", name=name), "success")
    return redirect(url_for(".levels", campaign_id=campaign_id), code=303)


@bp.post("/levels/<int:level_id>/move/<direction>")
@admin_only
def move(level_id: int, direction: str):
    if direction not in STEPS:
        abort(404)
    level = _level_or_404(level_id)
    campaign_id = level.campaign_id
    outcome = perform(services.move_level, level, STEPS[direction], current_user)
    campaign = _campaign_or_404(campaign_id)
    if not outcome.ok:
        return _chain_page(campaign, status=outcome.status, refusal=outcome.refusal)
    if htmx.wants_partial(PARTIAL):
        return _chain_page(campaign)
    return redirect(url_for(".levels", campaign_id=campaign_id, _anchor=f"level-{level_id}"), code=303)
