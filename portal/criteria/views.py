"""The criteria editor (administrators): a campaign's tree with its sums, and the form of a node."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import htmx
from portal.access import roles_required
from portal.actions import perform
from portal.criteria import services
from portal.criteria.forms import NO_PARENT, CriterionForm
from portal.extensions import db
from portal.models import GROUP_OF, Campaign, CampaignState, Criterion, CriterionKind, Role

bp = Blueprint("criteria", __name__)
admin_only = roles_required(Role.ADMIN)
STEPS = {"up": -1, "down": 1}


def _campaign_or_404(campaign_id: int) -> Campaign:
    return db.get_or_404(Campaign, campaign_id)


def _criterion_or_404(criterion_id: int) -> Criterion:
    return db.get_or_404(Criterion, criterion_id)


def _tree_page(campaign: Campaign, status: int = 200, refusal=None):
    context = {"campaign": campaign, "tree": services.tree(campaign), "refusal": refusal,
               "locked": campaign.state is CampaignState.CLOSED}
    if htmx.wants_partial("criteria-tree") and refusal is None:
        return render_template("criteria/_tree.html", **context), status, {"Vary": htmx.HX_REQUEST}
    return render_template("criteria/tree.html", **context), status, {"Vary": htmx.HX_REQUEST}


@bp.get("/<int:campaign_id>/criteria")
@admin_only
def tree(campaign_id: int):
    return _tree_page(_campaign_or_404(campaign_id))


def _form(campaign: Campaign, **kwargs) -> CriterionForm:
    groups = [c for c in services.ordered(list(campaign.criteria)) if c.kind.is_group]
    return CriterionForm(groups=groups, **kwargs)


def _values(form: CriterionForm) -> services.CriterionValues:
    return services.CriterionValues(
        code=form.code.data or "", kind=CriterionKind(form.kind.data),
        parent_id=form.parent_id.data if form.parent_id.data not in (None, NO_PARENT) else None,
        title=form.title.data or "", guidance=form.guidance.data or "", max_points=form.max_points.data,
        evidence_required=bool(form.evidence_required.data), deadline=form.deadline.data)


def _form_page(campaign: Campaign, form: CriterionForm, criterion: Criterion | None = None, status: int = 200,
               refusal=None):
    data = services.data_of(criterion) if criterion is not None else []
    return render_template("criteria/edit.html", campaign=campaign, form=form, criterion=criterion,
                           refusal=refusal, data=data, locked=campaign.state is CampaignState.CLOSED), status


def _refused(campaign, form, outcome, criterion=None):
    """The form again with what was typed: a message beside each field it concerns, or above."""
    errors = getattr(outcome.refusal, "errors", None) or {}
    for name, message in errors.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]
    return _form_page(campaign, form, criterion, outcome.status, None if errors else outcome.refusal)


@bp.route("/<int:campaign_id>/criteria/new", methods=["GET", "POST"])
@admin_only
def new(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        form = _form(campaign)
        parent = db.session.get(Criterion, request.args.get("parent", type=int) or 0)
        if parent is not None and parent.campaign_id == campaign.id and parent.kind.is_group:
            form.parent_id.data = parent.id
            form.kind.data = next(k for k, g in GROUP_OF.items() if g is parent.kind).value
            form.evidence_required.data = parent.kind is CriterionKind.GROUP
        else:
            form.kind.data = CriterionKind.GROUP.value
        return _form_page(campaign, form)
    form = _form(campaign, formdata=request.form)
    if not form.validate():
        return _form_page(campaign, form, status=422)
    outcome = perform(services.create_criterion, campaign, _values(form), current_user)
    if not outcome.ok:
        return _refused(_campaign_or_404(campaign_id), form, outcome)
    flash(_("Criterion %(code)s was added.", code=form.code.data.strip()), "success")
    return redirect(url_for(".tree", campaign_id=campaign_id, _anchor=f"criterion-{outcome.value.id}"), code=303)


@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@admin_only
def edit(criterion_id: int):
    criterion = _criterion_or_404(criterion_id)
    campaign = criterion.campaign
    if request.method == "GET":
        form = _form(campaign, obj=criterion)
        form.kind.data = criterion.kind.value
        form.parent_id.data = criterion.parent_id or NO_PARENT
        form.version.data = criterion.version
        return _form_page(campaign, form, criterion)
    form = _form(campaign, formdata=request.form)
    if not form.validate():
        return _form_page(campaign, form, criterion, 422)
    outcome = perform(services.update_criterion, criterion, _values(form), form.version.data, current_user)
    if not outcome.ok:
        criterion = db.session.get(Criterion, criterion_id)
        return _refused(criterion.campaign, form, outcome, criterion)
    flash(_("Criterion %(code)s was saved.", code=outcome.value.code), "success")
    return redirect(url_for(".tree", campaign_id=campaign.id, _anchor=f"criterion-{criterion_id}"), code=303)


@bp.post("/criteria/<int:criterion_id>/remove")
@admin_only
def remove(criterion_id: int):
    criterion = _criterion_or_404(criterion_id)
    campaign_id, code = criterion.campaign_id, criterion.code
    version = request.form.get("version", type=int)
    outcome = perform(services.remove_criterion, criterion, version, current_user)
    if not outcome.ok:
        return _tree_page(_campaign_or_404(campaign_id), outcome.status, outcome.refusal)
    flash(_("Criterion %(code)s was removed.", code=code), "success")
    return redirect(url_for(".tree", campaign_id=campaign_id), code=303)


@bp.post("/criteria/<int:criterion_id>/move/<direction>")
@admin_only
def move(criterion_id: int, direction: str):
    if direction not in STEPS:
        abort(404)
    criterion = _criterion_or_404(criterion_id)
    campaign_id = criterion.campaign_id
    outcome = perform(services.move_criterion, criterion, STEPS[direction], current_user)
    campaign = _campaign_or_404(campaign_id)
    if not outcome.ok:
        return _tree_page(campaign, outcome.status, outcome.refusal)
    if htmx.wants_partial("criteria-tree"):
        return _tree_page(campaign)
    return redirect(url_for(".tree", campaign_id=campaign_id, _anchor=f"criterion-{criterion_id}"), code=303)
