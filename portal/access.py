"""The one place that answers "may this user do this to this object".

Views call :func:`authorize` or :func:`roles_required`, services :func:`ensure`; list queries
filter by the user's unit in the query itself.
Unit officers asking for another unit's object get 404 (they must not learn it exists);
a role that may see an object but not act on it gets 403.
"""
from __future__ import annotations

import enum
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock, htmx
from portal.formatting import fmt_date
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


class ReadOnly(Denied):
    """A unit officer whose unit has ended: the record stays readable, nothing of it changes."""

    def __init__(self, message: str):
        super().__init__(403)
        self.message = message


def read_only_reason(user) -> str | None:
    """Why ``user`` may change nothing, or None: an officer of a unit that has ended (its
    ``valid_to`` has passed) keeps signing in and reading, read-only."""
    if user is None or not getattr(user, "is_authenticated", False) or user.role is not Role.UNIT_OFFICER:
        return None
    unit = user.unit
    if unit is None or not unit.has_ended(clock.today()):
        return None
    return ended_unit_message(unit)


def ended_unit_message(unit: Unit) -> str:
    """What an ended unit's officer is told wherever a change is refused or a form is not offered."""
    return _("Your unit ended its activity on %(day)s. Its record stays and can be read, but nothing in it "
             "can be changed any more.", day=fmt_date(unit.valid_to))


def ensure_unit_active(user) -> None:
    """The ended-unit lock, in one place: every change a unit officer makes passes here (through
    :func:`ensure` for every action but reading, and ``workflow.record`` for comments)."""
    reason = read_only_reason(user)
    if reason is not None:
        raise ReadOnly(reason)


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


def ensure(user, action: Action, obj=None) -> None:
    """For services: raise :class:`Denied` unless allowed."""
    status = decide(user, action, obj)
    if status is not None:
        raise Denied(status)
    if action is not Action.VIEW:
        ensure_unit_active(user)


def authorize(action: Action, obj=None):
    """For views: abort with 404/403 unless the current user may do ``action`` to ``obj``."""
    status = decide(current_user, action, obj)
    if status is not None:
        abort(status)
    return obj


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
    """What a request without a live session gets (never signed in, expired, or ended on the server):
    the sign-in page, which then returns to the page the user was on — for htmx 401 + HX-Redirect,
    so the sign-in page is not swapped into a fragment. A session that had been signed in, or a
    request that was saving something, is told clearly that the session has ended."""
    had_session = session.pop("_user_id", None) is not None
    session.pop("role", None)
    if had_session or request.method != "GET" or htmx.is_htmx():
        ended = _("Your session has ended. Sign in again to continue.")
        if not any(message == ended for _category, message in session.get("_flashes", [])):
            flash(ended, "warning")
    login_url = url_for("auth.login", next=_return_path())
    if htmx.is_htmx():
        return htmx.client_redirect(login_url, status=401)
    return redirect(login_url, code=303 if request.method != "GET" else 302)


def _return_path() -> str | None:
    """Where to come back after signing in: this page for a plain GET; for htmx the page the request
    came from (not the fragment's URL); for a form post the page that held the form."""
    if htmx.is_htmx():
        return _same_site_path(htmx.current_page_url())
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return _same_site_path(request.referrer)


def _same_site_path(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
