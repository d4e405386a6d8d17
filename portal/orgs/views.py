"""Units and clusters: the administrator's pages (/admin/units, /admin/clusters), and the read-only
record of an ended unit that its successor's officers may open (/units/<id>/record)."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.access import roles_required
from portal.actions import perform
from portal.auth.forms import EmptyForm
from portal.campaign.services import campaign_for
from portal.collation import vi_key
from portal.extensions import db
from portal.models import Cluster, Role, Unit, UnitKind
from portal.orgs import services
from portal.orgs.forms import ClusterForm, EndUnitForm, MemberForm, NewClusterForm, NewUnitForm, UnitForm
from portal.workspace.services import build_scorecard

bp = Blueprint("orgs", __name__)
admin_only = roles_required(Role.ADMIN)


@bp.app_context_processor
def _predecessor_links():
    """The workspace dashboard links to the records of the units this officer's unit took over."""
    def predecessor_units():
        if not current_user.is_authenticated or current_user.unit is None:
            return []
        return services.predecessors(current_user.unit)

    return {"predecessor_units": predecessor_units}


def _unit_or_404(unit_id: int) -> Unit:
    return db.get_or_404(Unit, unit_id)


def _cluster_or_404(cluster_id: int) -> Cluster:
    return db.get_or_404(Cluster, cluster_id)


def _place_refusal(form, outcome) -> str | None:
    """The refusal beside its field (returns None), or the message to show above the form."""
    field = getattr(form, outcome.refusal.field or "", None)
    if field is not None:
        field.errors = [*field.errors, outcome.message]
        return None
    return outcome.message


def _saved(outcome, form, page, done_url: str):
    """After an edit form's service call: 303 back to the page, or the page again with the input
    kept and the refusal beside its field (the object reloaded: the failed change was rolled back)."""
    if not outcome.ok:
        return page(refusal=_place_refusal(form, outcome), status=outcome.status)
    flash(_("Saved."), "success")
    return redirect(done_url, code=303)


# --- units --------------------------------------------------------------------------------------

@bp.get("/admin/units")
@admin_only
def units():
    clusters = services.clusters_in_order()
    order = {c.id: index for index, c in enumerate(clusters)}
    rows = db.session.execute(db.select(Unit)).scalars().all()
    rows.sort(key=lambda u: (order.get(u.cluster_id, len(order)), u.valid_to is not None, vi_key(u.name)))
    return render_template("orgs/units.html", units=rows, clusters=clusters)


@bp.route("/admin/units/new", methods=["GET", "POST"])
@admin_only
def create_unit():
    clusters = services.clusters_in_order()
    form = NewUnitForm(clusters=clusters)
    if request.method == "GET":
        return render_template("orgs/unit_new.html", form=form)
    if not form.validate():
        return render_template("orgs/unit_new.html", form=form), 422
    values = services.NewUnit(name=form.name.data, short_name=form.short_name.data, cluster_id=form.cluster_id.data,
                              code=form.code.data, kind=UnitKind(form.kind.data), valid_from=form.valid_from.data)
    outcome = perform(services.create_unit, values, current_user)
    if not outcome.ok:
        return render_template("orgs/unit_new.html", form=form, refusal=_place_refusal(form, outcome)), outcome.status
    flash(_("The unit %(name)s was created.", name=outcome.value.name), "success")
    return redirect(url_for(".units"), code=303)


def _unit_page(unit: Unit, form: UnitForm | None = None, end_form: EndUnitForm | None = None,
               refusal: str | None = None, status: int = 200):
    form = form or UnitForm(obj=unit, clusters=services.clusters_in_order())
    end_form = end_form or EndUnitForm(successors=services.successor_choices(unit))
    return render_template("orgs/unit_form.html", unit=unit, form=form, end_form=end_form, refusal=refusal,
                           predecessors=services.predecessors(unit)), status


@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def edit_unit(unit_id: int):
    unit = _unit_or_404(unit_id)
    if request.method == "GET":
        return _unit_page(unit)
    form = UnitForm(formdata=request.form, clusters=services.clusters_in_order())
    if not form.validate():
        return _unit_page(unit, form=form, status=422)
    values = services.UnitValues(name=form.name.data, short_name=form.short_name.data, cluster_id=form.cluster_id.data)
    outcome = perform(services.update_unit, unit, values, form.version.data, current_user)
    return _saved(outcome, form, lambda **kw: _unit_page(_unit_or_404(unit_id), form=form, **kw),
                  url_for(".edit_unit", unit_id=unit_id))


@bp.post("/admin/units/<int:unit_id>/end")
@admin_only
def end_unit(unit_id: int):
    unit = _unit_or_404(unit_id)
    end_form = EndUnitForm(formdata=request.form, successors=services.successor_choices(unit))
    if not end_form.validate():
        return _unit_page(unit, end_form=end_form, status=422)
    outcome = perform(services.end_unit, unit, end_form.valid_to.data, end_form.successor_id.data,
                      end_form.version.data, current_user)
    if not outcome.ok:
        unit = _unit_or_404(unit_id)
        return _unit_page(unit, end_form=end_form, refusal=_place_refusal(end_form, outcome), status=outcome.status)
    flash(_("%(name)s has ended; its record stays and its officers can read it but change nothing.",
            name=unit.name), "success")
    return redirect(url_for(".edit_unit", unit_id=unit_id), code=303)


# --- clusters -----------------------------------------------------------------------------------

def _clusters_page(form: NewClusterForm | None = None, refusal: str | None = None, status: int = 200):
    clusters = services.clusters_in_order()
    counts = dict(db.session.execute(db.select(Unit.cluster_id, db.func.count(Unit.id))
                                     .where(Unit.cluster_id.is_not(None)).group_by(Unit.cluster_id)).all())
    return render_template("orgs/clusters.html", clusters=clusters, counts=counts, form=form or NewClusterForm(),
                           refusal=refusal), status


@bp.get("/admin/clusters")
@admin_only
def clusters():
    return _clusters_page()


@bp.post("/admin/clusters/new")
@admin_only
def create_cluster():
    form = NewClusterForm(formdata=request.form)
    if not form.validate():
        return _clusters_page(form, status=422)
    outcome = perform(services.create_cluster, form.code.data,
                      services.ClusterValues(form.name.data, form.description.data), current_user)
    if not outcome.ok:
        return _clusters_page(form, _place_refusal(form, outcome), outcome.status)
    flash(_("The cluster %(name)s was created.", name=outcome.value.name), "success")
    return redirect(url_for(".clusters"), code=303)


@bp.post("/admin/clusters/<int:cluster_id>/move/<direction>")
@admin_only
def move_cluster(cluster_id: int, direction: str):
    cluster = _cluster_or_404(cluster_id)
    form = EmptyForm()
    if form.validate_on_submit():
        outcome = perform(services.move_cluster, cluster, direction,
                          _version(request.form.get("version")), current_user)
        flash(_("The order was saved.") if outcome.ok else outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for(".clusters"), code=303)


def _version(raw: str | None) -> int | None:
    """A button's hidden version; anything but plain digits reads as missing, which is a conflict."""
    return int(raw) if raw and re.fullmatch(r"[0-9]{1,9}", raw) else None


def _cluster_page(cluster: Cluster, form: ClusterForm | None = None, member_form: MemberForm | None = None,
                  refusal: str | None = None, status: int = 200):
    members = sorted(cluster.units, key=lambda u: vi_key(u.name))
    return render_template("orgs/cluster_form.html", cluster=cluster, members=members,
                           form=form or ClusterForm(obj=cluster),
                           member_form=member_form or MemberForm(units=_outside(cluster)), refusal=refusal), status


def _outside(cluster: Cluster) -> list[Unit]:
    """The units that could join ``cluster``: every ranked kind of unit not in it yet."""
    rows = db.session.execute(db.select(Unit).where(Unit.kind != UnitKind.PROVINCIAL_BOARD)).scalars()
    return sorted((u for u in rows if u.cluster_id != cluster.id), key=lambda u: vi_key(u.name))


@bp.route("/admin/clusters/<int:cluster_id>", methods=["GET", "POST"])
@admin_only
def edit_cluster(cluster_id: int):
    cluster = _cluster_or_404(cluster_id)
    if request.method == "GET":
        return _cluster_page(cluster)
    form = ClusterForm(formdata=request.form)
    if not form.validate():
        return _cluster_page(cluster, form=form, status=422)
    outcome = perform(services.update_cluster, cluster, services.ClusterValues(form.name.data, form.description.data),
                      form.version.data, current_user)
    return _saved(outcome, form, lambda **kw: _cluster_page(_cluster_or_404(cluster_id), form=form, **kw),
                  url_for(".edit_cluster", cluster_id=cluster_id))


@bp.post("/admin/clusters/<int:cluster_id>/members")
@admin_only
def add_member(cluster_id: int):
    cluster = _cluster_or_404(cluster_id)
    member_form = MemberForm(formdata=request.form, units=_outside(cluster))
    if not member_form.validate():
        return _cluster_page(cluster, member_form=member_form, status=422)
    unit = db.session.get(Unit, member_form.unit_id.data) if member_form.unit_id.data else None
    outcome = perform(services.add_member, cluster, unit, current_user)
    if not outcome.ok:
        cluster = _cluster_or_404(cluster_id)
        member_form = MemberForm(formdata=request.form, units=_outside(cluster))
        member_form.unit_id.errors = [outcome.message]
        return _cluster_page(cluster, member_form=member_form, status=outcome.status)
    flash(_("%(name)s is now in this cluster.", name=unit.name), "success")
    return redirect(url_for(".edit_cluster", cluster_id=cluster_id), code=303)


@bp.post("/admin/clusters/<int:cluster_id>/members/<int:unit_id>/remove")
@admin_only
def remove_member(cluster_id: int, unit_id: int):
    cluster = _cluster_or_404(cluster_id)
    unit = _unit_or_404(unit_id)
    if EmptyForm().validate_on_submit():
        outcome = perform(services.remove_member, cluster, unit, _version(request.form.get("version")), current_user)
        if outcome.ok:
            flash(_("%(name)s was taken out of the cluster; it is not ranked until it joins another.",
                    name=unit.name), "success")
        else:
            flash(outcome.message, "error")
    return redirect(url_for(".edit_cluster", cluster_id=cluster_id), code=303)


# --- an ended unit's record, for its successor --------------------------------------------------

@bp.get("/units/<int:unit_id>/record")
@login_required
def record(unit_id: int):
    """An ended unit's registration and scorecard in the current campaign, read-only: for its
    successor's officers (and reviewers, administrators).  Anyone else: not found."""
    unit = _unit_or_404(unit_id)
    if not services.may_read_record(current_user, unit):
        abort(404)
    campaign = campaign_for(current_user)
    card = build_scorecard(unit, campaign) if campaign is not None else None
    return render_template("orgs/record.html", unit=unit, campaign=campaign, card=card)
