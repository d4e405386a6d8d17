"""Every state change of a reviewable item, in one place: the allowed-transition tables and the
one function that applies a transition (access check, state check, history).

Services call :func:`apply`; views never set ``state`` themselves.  A later review level or a new
kind of item (nominations) is a new table entry, not new control flow.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from portal.access import Action, ensure
from portal.extensions import db
from portal.labels import label
from portal.models import HistoryEvent, Registration, RegistrationState, ScoreLine, ScoreState, utcnow


class WorkflowError(Exception):
    """A refused action; the message is for the user. ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: object
    permission: Action


def _t(sources, target, permission) -> Transition:
    return Transition(frozenset(sources), target, permission)


R, S = RegistrationState, ScoreState
TRANSITIONS: dict[type, dict[str, Transition]] = {
    Registration: {
        "submit": _t({R.DRAFT, R.RETURNED}, R.SUBMITTED, Action.EDIT),
        "accept": _t({R.SUBMITTED}, R.ACCEPTED, Action.REVIEW),
        "return": _t({R.SUBMITTED}, R.RETURNED, Action.REVIEW),
        "reopen": _t({R.ACCEPTED}, R.RETURNED, Action.REVIEW),
    },
    ScoreLine: {
        "submit": _t({S.DRAFT, S.RETURNED}, S.SUBMITTED, Action.EDIT),
        "approve": _t({S.SUBMITTED}, S.APPROVED, Action.REVIEW),
        "adjust": _t({S.SUBMITTED}, S.APPROVED, Action.REVIEW),
        "return": _t({S.SUBMITTED}, S.RETURNED, Action.REVIEW),
    },
}
SUBJECT_TYPES = {Registration: "registration", ScoreLine: "score_line"}


def allowed_actions(obj) -> list[str]:
    """Actions whose source states include the object's current state (for showing buttons)."""
    return [name for name, t in TRANSITIONS[type(obj)].items() if obj.state in t.sources]


def apply(obj, action: str, user, *, data: dict | None = None, now: datetime | None = None) -> HistoryEvent:
    """Move ``obj`` by ``action`` for ``user``, or raise :class:`portal.access.Denied` / :class:`WorkflowError`."""
    transition = TRANSITIONS[type(obj)][action]
    ensure(user, transition.permission, obj)
    if obj.state not in transition.sources:
        raise WorkflowError(_("This cannot be done while the item is “%(state)s”.", state=label(obj.state)))
    before = obj.state
    obj.state = transition.target
    event = record(obj, action, user, before=before, data=data, now=now)
    return event


def record(obj, action: str, user, *, before=None, data: dict | None = None, now: datetime | None = None) -> HistoryEvent:
    """Add a history event for ``obj`` (also used for changes that keep the state, like a saved draft)."""
    event = HistoryEvent(
        subject_type=SUBJECT_TYPES.get(type(obj), type(obj).__tablename__),
        subject_id=obj.id,
        unit_id=getattr(obj, "unit_id", None),
        action=action,
        from_state=before.value if before is not None else None,
        to_state=obj.state.value if hasattr(obj, "state") else None,
        actor_id=user.id if user is not None else None,
        at=now or utcnow(),
        data=data or {},
    )
    db.session.add(event)
    return event
