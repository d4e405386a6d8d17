"""Administration: accounts — who may sign in, and ending an account's sessions."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.access import roles_required
from portal.accounts import services
from portal.actions import perform
from portal.auth import sessions
from portal.auth.forms import EmptyForm
from portal.collation import vi_key
from portal.extensions import db
from portal.models import Role, User

bp = Blueprint("admin", __name__)
admin_only = roles_required(Role.ADMIN)


@bp.get("/users")
@admin_only
def users():
    accounts = db.session.execute(db.select(User).options(joinedload(User.unit))).scalars().all()
    roles = list(Role)
    accounts.sort(key=lambda u: (roles.index(u.role), vi_key(u.full_name), u.username))
    return render_template("admin/users.html", users=accounts, live_sessions=sessions.live_counts())


def _account_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


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
