"""The one place that answers "may this user do this to this object".

Views and services call :func:`can`/:func:`ensure`; list queries use :func:`scope_to_user`.
Unit officers asking for another unit's object get 404 (they must not learn it exists);
a role that may see an object but not act on it gets 403.
"""
from __future__ import annotations

import enum
from functools import wraps

from flask import abort, request, url_for
from flask_login import current_user

from portal import htmx
from portal.models import Role, Unit


class Action(enum.Enum):
    VIEW = "view"              # read an object (a unit's drafts, files, …)
    EDIT = "edit"              # change a unit's own drafts
    REVIEW = "review"          # approve / adjust / return
    VOTE = "vote"              # council vote
    ADMINISTER = "administer"  # set-up, users, freeze, reveal, decisions


# Which roles may do what to objects that belong to a unit (DESIGN.md §6).
UNIT_OBJECT_RULES: dict[Action, set[Role]] = {
    Action.VIEW: {Role.UNIT_OFFICER, Role.REVIEWER, Role.ADMIN},
    Action.EDIT: {Role.UNIT_OFFICER},
    Action.REVIEW: {Role.REVIEWER, Role.ADMIN},
    Action.VOTE: {Role.COUNCIL},
    Action.ADMINISTER: {Role.ADMIN},
}

# Actions on the portal as a whole (no particular unit).
GLOBAL_RULES: dict[Action, set[Role]] = {
    Action.VIEW: set(Role),
    Action.REVIEW: {Role.REVIEWER, Role.ADMIN},
    Action.VOTE: {Role.COUNCIL},
    Action.ADMINISTER: {Role.ADMIN},
    Action.EDIT: {Role.UNIT_OFFICER},
}


class Denied(Exception):
    """Raised by services; ``status`` is 404 when the object must stay invisible, else 403."""

    def __init__(self, status: int = 403):
        super().__init__(status)
        self.status = status


def owning_unit_id(obj) -> int | None:
    """The unit an object belongs to, or None for portal-wide objects."""
    if isinstance(obj, Unit):
        return obj.id
    return getattr(obj, "unit_id", None)


def decide(user, action: Action, obj=None) -> int | None:
    """None if allowed, else the HTTP status to answer (404 hides, 403 forbids)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return 404
    if obj is None:
        return None if user.role in GLOBAL_RULES[action] else 403
    unit_id = owning_unit_id(obj)
    if unit_id is None:
        return None if user.role in GLOBAL_RULES[action] else 403
    if user.role is Role.UNIT_OFFICER and unit_id != user.unit_id:
        return 404
    return None if user.role in UNIT_OBJECT_RULES[action] else 403


def can(user, action: Action, obj=None) -> bool:
    return decide(user, action, obj) is None


def ensure(user, action: Action, obj=None) -> None:
    """For services: raise :class:`Denied` unless allowed."""
    status = decide(user, action, obj)
    if status is not None:
        raise Denied(status)


def authorize(action: Action, obj=None):
    """For views: abort with 404/403 unless the current user may do ``action`` to ``obj``."""
    status = decide(current_user, action, obj)
    if status is not None:
        abort(status)
    return obj


def scope_to_user(stmt, unit_column, user):
    """Restrict a list query to what ``user`` may see: officers see their own unit only."""
    if user.role is Role.UNIT_OFFICER:
        return stmt.where(unit_column == user.unit_id)
    return stmt


def roles_required(*roles: Role):
    """View decorator: signed in, and one of ``roles``; htmx callers get 401 + HX-Redirect."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return unauthenticated()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def unauthenticated():
    """What a request without a session gets: a sign-in redirect, or 401 + HX-Redirect for htmx."""
    from flask import redirect

    login_url = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx.is_htmx():
        return htmx.client_redirect(login_url, status=401)
    return redirect(login_url)
