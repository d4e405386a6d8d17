"""Creating accounts and setting passwords; used by the command line and the admin pages."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from portal.audit.services import append as audit
from portal.auth import sessions
from portal.extensions import db
from portal.models import Role, Unit, User
from portal.workflow import WorkflowError
from portal.workspace.services import prepare_officer_workspace

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A bad value for an account; the message is for the user."""


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("The password must have at least %(n)d characters.", n=MIN_PASSWORD))
    if len(password) > 256:
        raise AccountError(_("The password is too long."))


def create_user(username: str, full_name: str, role: Role, password: str, unit_code: str | None = None) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(_("A username has 3–64 characters: lower-case letters, digits, dot, dash, underscore."))
    if db.session.execute(db.select(User.id).where(User.username == username)).first():
        raise AccountError(_("The username '%(name)s' is already taken.", name=username))
    if not full_name.strip():
        raise AccountError(_("A full name is required."))
    unit = None
    if role is Role.UNIT_OFFICER:
        if not unit_code:
            raise AccountError(_("A unit officer must belong to a unit."))
        unit = db.session.execute(db.select(Unit).where(Unit.code == unit_code)).scalar_one_or_none()
        if unit is None:
            raise AccountError(_("There is no unit with code '%(code)s'.", code=unit_code))
    elif unit_code:
        raise AccountError(_("Only unit officers belong to a unit."))
    check_password_strength(password)
    user = User(username=username, full_name=full_name.strip(), role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    prepare_officer_workspace(user)
    return user


def set_password(username: str, password: str) -> User:
    user = db.session.execute(db.select(User).where(User.username == username.strip().lower())).scalar_one_or_none()
    if user is None:
        raise AccountError(_("There is no user '%(name)s'.", name=username))
    check_password_strength(password)
    user.set_password(password)
    sessions.end_all(user.id)  # whoever knew the old password is signed out everywhere
    db.session.flush()
    return user


def end_sessions(user: User, actor: User) -> int:
    """The administrator's "end all sessions": every device signed in to the account is signed out."""
    ended = sessions.end_all(user.id)
    audit("end_sessions", "user", user.id, actor, after={"sessions": ended})
    return ended


def set_active(user: User, active: bool, actor: User) -> None:
    """Disable or enable an account; disabling ends its sessions at once."""
    if user.id == actor.id and not active:
        raise WorkflowError(_("You cannot disable your own account."), status=422)
    if user.active == active:
        return
    user.active = active
    if not active:
        sessions.end_all(user.id)
    audit("enable_account" if active else "disable_account", "user", user.id, actor,
          before={"active": not active}, after={"active": active})
    db.session.flush()
