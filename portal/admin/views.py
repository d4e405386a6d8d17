"""Administration: accounts — creating and editing them, who may sign in, temporary passwords and
ending an account's sessions."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from portal.access import roles_required
from portal.accounts import services
from portal.accounts.forms import AccountForm
from portal.actions import perform
from portal.auth import sessions
from portal.auth.forms import EmptyForm
from portal.collation import vi_key
from portal.extensions import db
from portal.models import Campaign, Cluster, ReminderRun, Role, Unit, User
from portal.results.services import state_figure as result_figure

bp = Blueprint("admin", __name__)
admin_only = roles_required(Role.ADMIN)


@bp.get("/")
@admin_only
def index():
    """Every administration area on one page, each with the figure that says where it stands."""
    campaign = db.session.execute(db.select(Campaign).where(Campaign.is_current.is_(True))).scalar_one_or_none()
    count = lambda stmt: db.session.scalar(db.select(func.count()).select_from(stmt.subquery()))  # noqa: E731
    figures = {
        "campaigns": count(db.select(Campaign.id)),
        "units": count(db.select(Unit.id).where(Unit.valid_to.is_(None))),
        "clusters": count(db.select(Cluster.id)),
        "accounts": count(db.select(User.id).where(User.active.is_(True))),
        "last_run": db.session.scalar(db.select(func.max(ReminderRun.started_at))),
    }
    figures["result"] = result_figure(campaign)
    return render_template("admin/index.html", campaign=campaign, figures=figures)


@bp.get("/users")
@admin_only
def users():
    accounts = db.session.execute(db.select(User).options(joinedload(User.unit))).scalars().all()
    roles = list(Role)
    accounts.sort(key=lambda u: (roles.index(u.role), vi_key(u.full_name), u.username))
    return render_template("admin/users.html", users=accounts, live_sessions=sessions.live_counts(),
                           last_sign_ins=sessions.last_sign_ins())


def _account_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _account_form(**kw) -> AccountForm:
    form = AccountForm(**kw)
    units = db.session.execute(db.select(Unit)).scalars().all()
    form.fill_choices(sorted(units, key=lambda u: vi_key(u.short_name)))
    return form


def _refused(form: AccountForm, outcome, template: str, **context):
    """The form again with what was typed and the refusal beside its field (or above the form)."""
    field = getattr(form, outcome.refusal.field or "", None)
    if field is not None:
        field.errors = [*field.errors, outcome.message]
        message = None
    else:
        message = outcome.message
    return render_template(template, form=form, refusal=message, **context), outcome.status


def _once(template: str, **context):
    """A page with a temporary password: shown this once, never cached."""
    response = render_template(template, **context)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def create():
    form = _account_form()
    if request.method == "GET":
        return render_template("admin/user_form.html", form=form, account=None)
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, account=None), 422
    role = form.chosen_role()
    if role is None:
        return render_template("admin/user_form.html", form=form, account=None), 422
    outcome = perform(services.create_account, current_user, form.username.data, form.full_name.data, role,
                      form.unit.data or None, form.email.data)
    if not outcome.ok:
        return _refused(form, outcome, "admin/user_form.html", account=None)
    user, password = outcome.value
    return _once("admin/temporary_password.html", account=user, password=password, created=True)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit(user_id: int):
    user = _account_or_404(user_id)
    if request.method == "GET":
        # No ``obj=user``: WTForms would fill the unit field from ``user.unit`` (an object, matching no
        # choice) instead of its code, and the saved form would lose the officer's unit.
        form = _account_form(data={"full_name": user.full_name, "username": user.username,
                                   "role": user.role.value, "unit": user.unit.code if user.unit else "",
                                   "email": user.email or "", "version": user.version})
        return render_template("admin/user_form.html", form=form, account=user)
    form = _account_form()
    form.username.data = user.username  # not editable; the form shows it
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, account=user), 422
    role = form.chosen_role()
    if role is None:
        return render_template("admin/user_form.html", form=form, account=user), 422
    outcome = perform(services.update_account, user, current_user, form.version.data, form.full_name.data,
                      form.email.data, role, form.unit.data or None)
    if not outcome.ok:
        db.session.refresh(user)
        return _refused(form, outcome, "admin/user_form.html", account=user)
    if outcome.value:
        flash(_("The account %(name)s is saved; its role or unit changed, so it was signed out everywhere.",
                name=user.username), "success")
    else:
        flash(_("The account %(name)s is saved.", name=user.username), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<int:user_id>/reset-password")
@admin_only
def reset_password(user_id: int):
    user = _account_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.edit", user_id=user.id), code=303)
    outcome = perform(services.reset_password, user, current_user)
    if not outcome.ok:
        flash(outcome.message, "error")
        return redirect(url_for("admin.edit", user_id=user.id), code=303)
    return _once("admin/temporary_password.html", account=user, password=outcome.value, created=False)


@bp.post("/users/<int:user_id>/end-sessions")
@admin_only
def end_sessions(user_id: int):
    user = _account_or_404(user_id)
    if EmptyForm().validate_on_submit():
        outcome = perform(services.end_sessions, user, current_user)
        if outcome.ok:
            flash(_("Every session of %(name)s has ended (%(n)d).", name=user.username, n=outcome.value), "success")
        else:
            flash(outcome.message, "error")
    return redirect(url_for("admin.users"), code=303)


@bp.post("/users/<int:user_id>/disable")
@admin_only
def disable(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/enable")
@admin_only
def enable(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = _account_or_404(user_id)
    if EmptyForm().validate_on_submit():
        outcome = perform(services.set_active, user, active, current_user)
        if not outcome.ok:
            flash(outcome.message, "error")
        elif active:
            flash(_("The account %(name)s can sign in again.", name=user.username), "success")
        else:
            flash(_("The account %(name)s is disabled and signed out everywhere.", name=user.username), "success")
    return redirect(url_for("admin.users"), code=303)
