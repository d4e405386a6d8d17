"""Every state change of a reviewable item, in one place: the allowed-transition tables and the
one function that applies a transition (access check, state check, audit event, queue row).

Services call :func:`apply`; views never set ``state`` themselves.  A later review level or a new
kind of item is a new table entry, not new control flow.  What follows a transition (the approval
queue's row, the scoreboard's change counter) listens through :func:`on_change`; this module
knows nothing of them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portal.access import Action, decide, ensure, ensure_unit_active
from portal.audit.services import append
from portal.extensions import db
from portal.formatting import fmt_date
from portal.labels import label
from portal.models import (AuditEvent, Campaign, CampaignState, Nomination, NominationState, Registration, RegistrationState,
                           Scorecard, ScorecardState, ScoreLine, ScoreState)


class WorkflowError(Exception):
    """A refused action; the message is for the user. ``status`` is the HTTP status to answer;
    ``field`` names the input the message belongs beside, if one does."""

    def __init__(self, message: str, status: int = 409, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


class Conflict(WorkflowError):
    """Somebody else changed the item since it was loaded (its version column moved on)."""

    def __init__(self):
        super().__init__(_("This item was changed by someone else in the meantime. Reload the page to see "
                           "the current version; your change was not saved."), status=409)


def ensure_campaign_open_for_changes(campaign_or_id) -> None:
    """The closing lock, in one place: a closed campaign's data (score lines, registrations,
    pledges, progress notes, evidence, nominations, dossiers, votes, decisions, comments, the
    reference import) never changes until an administrator reopens the campaign.  Every service that
    writes campaign data calls this; :func:`apply` and :func:`record` call it for every item they see."""
    if campaign_or_id is None:
        return
    if isinstance(campaign_or_id, Campaign):
        campaign = campaign_or_id
    else:
        with db.session.no_autoflush:  # a stale row pending in the session surfaces at the caller's flush
            campaign = db.session.get(Campaign, campaign_or_id)
    if campaign is not None and campaign.state is CampaignState.CLOSED:
        raise WorkflowError(_("The emulation campaign has ended; its results are locked and can only change after an "
                              "administrator reopens the campaign."))
    if campaign is not None and is_earlier_year(campaign):
        raise WorkflowError(_("The campaign %(year)d is an earlier year and can only be read. Nothing was changed.",
                              year=campaign.year))


RESULT_SUBJECTS = ("ScoreLine", "Registration", "Scorecard")


def ensure_result_unlocked(campaign_or_id) -> None:
    """The final result's lock, in one place: once the ranking is approved as the campaign's final
    result, no score, registration or scorecard changes (nor the criteria or the reference import
    under them) until an administrator unlocks it with a reason."""
    from portal.models import FinalResult

    if campaign_or_id is None:
        return
    campaign_id = campaign_or_id.id if isinstance(campaign_or_id, Campaign) else campaign_or_id
    with db.session.no_autoflush:
        result = db.session.execute(db.select(FinalResult).where(
            FinalResult.campaign_id == campaign_id, FinalResult.locked.is_(True))).scalar_one_or_none()
    if result is not None:
        raise WorkflowError(_("The final result of this campaign was approved on %(day)s and is locked: no score can "
                              "change. An administrator can unlock it, giving the reason.",
                              day=fmt_date(result.approved_at)))


# The campaign people work on: the one marked current, else the latest year (the same order as
# portal.campaign.services.current_campaign, which builds on this).
CURRENT_CAMPAIGN_ORDER = (Campaign.is_current.desc(), Campaign.year.desc())


def is_earlier_year(campaign: Campaign) -> bool:
    """Whether ``campaign`` is older than the current campaign: an earlier year is history, read-only
    whatever its state (a year left in scoring when the next one was made current is not edited by
    accident; an administrator who makes it current again can change it).  A later year being
    prepared (a draft copied for next year) is not earlier.  No query for the current campaign itself."""
    if campaign.is_current:
        return False
    with db.session.no_autoflush:
        current_year = db.session.execute(
            db.select(Campaign.year).order_by(*CURRENT_CAMPAIGN_ORDER).limit(1)).scalar()
    return current_year is not None and campaign.year < current_year


def parse_version(raw: str | None) -> int:
    """The version a form carries. A missing or malformed one is refused, never ignored: a form
    without its version would otherwise overwrite whatever was saved meanwhile (last write wins)."""
    if raw is None or not re.fullmatch(r"[0-9]{1,9}", raw):
        raise WorkflowError(_("The form is out of date. Reload the page and try again."), status=422)
    return int(raw)


def flush_or_conflict() -> None:
    """Flush pending changes; a row changed meanwhile by someone else becomes :class:`Conflict`.
    The caller rolls back (``perform`` the whole request, a bulk action only that item's savepoint)."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict() from None


@dataclass(frozen=True)
class Change:
    """What listeners hear: ``obj`` was moved (``transition``) or saved in place by ``action``."""

    obj: object
    action: str
    user: object
    at: datetime
    transition: bool


_listeners: list[Callable[[Change], None]] = []


def on_change(listener: Callable[[Change], None]) -> Callable[[Change], None]:
    """Call ``listener`` inside the same transaction after every transition or recorded change."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def announce(change: Change) -> None:
    """Tell the listeners of a change made outside :func:`apply` (a scorecard following its lines)."""
    _announce(change)


def _announce(change: Change) -> None:
    with db.session.no_autoflush:
        for listener in _listeners:
            listener(change)


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    targets: tuple  # the first is where the action leads by default
    permission: Action

    @property
    def target(self):
        return self.targets[0]


def _t(sources, target, permission) -> Transition:
    return Transition(frozenset(sources), target if isinstance(target, tuple) else (target,), permission)


R, S, N, C = RegistrationState, ScoreState, NominationState, ScorecardState
# In a review chain of several levels an approval at a level before the last keeps the item
# submitted (it moves up one level); the last level's approval leads to the first target.
TRANSITIONS: dict[type, dict[str, Transition]] = {
    Registration: {
        "submit": _t({R.DRAFT, R.RETURNED}, R.SUBMITTED, Action.EDIT),
        "accept": _t({R.SUBMITTED}, (R.ACCEPTED, R.SUBMITTED), Action.REVIEW),
        "send_back": _t({R.SUBMITTED}, R.SUBMITTED, Action.REVIEW),
        "return": _t({R.SUBMITTED}, R.RETURNED, Action.REVIEW),
        "reopen": _t({R.ACCEPTED}, R.RETURNED, Action.REVIEW),
    },
    ScoreLine: {
        "submit": _t({S.DRAFT, S.RETURNED}, S.SUBMITTED, Action.EDIT),
        "approve": _t({S.SUBMITTED}, (S.APPROVED, S.SUBMITTED), Action.REVIEW),
        "adjust": _t({S.SUBMITTED}, (S.APPROVED, S.SUBMITTED), Action.REVIEW),
        "send_back": _t({S.SUBMITTED}, S.SUBMITTED, Action.REVIEW),
        "return": _t({S.SUBMITTED}, S.RETURNED, Action.REVIEW),
    },
    Scorecard: {
        "approve": _t({C.SUBMITTED}, (C.APPROVED, C.SUBMITTED), Action.REVIEW),
    },
    Nomination: {
        "submit": _t({N.DRAFT, N.RETURNED}, N.SUBMITTED, Action.EDIT),
        "return": _t({N.SUBMITTED}, N.RETURNED, Action.REVIEW),
        "forward": _t({N.SUBMITTED}, N.FORWARDED, Action.REVIEW),
        "approve": _t({N.FORWARDED}, N.APPROVED, Action.ADMINISTER),
        "reject": _t({N.FORWARDED}, N.REJECTED, Action.ADMINISTER),
        "award": _t({N.APPROVED}, N.AWARDED, Action.ADMINISTER),
    },
}
SUBJECT_TYPES = {Registration: "registration", ScoreLine: "score_line", Nomination: "nomination", Scorecard: "scorecard"}


def subject_type(obj) -> str:
    return SUBJECT_TYPES.get(type(obj), type(obj).__tablename__)


def allowed_actions(obj, user=None) -> list[str]:
    """Actions possible from the object's current state — for ``user``, if given (for showing buttons)."""
    return [name for name, t in TRANSITIONS[type(obj)].items()
            if obj.state in t.sources and (user is None or decide(user, t.permission, obj) is None)]


def _refusal(obj, transition: Transition) -> WorkflowError:
    decided_by = getattr(obj, "decided_by", None)
    if transition.permission is Action.REVIEW and decided_by is not None and getattr(obj, "decided_at", None):
        return WorkflowError(_("Already decided by %(name)s at %(time)s (%(state)s); nothing was changed.",
                               name=decided_by.full_name, time=fmt_date(obj.decided_at), state=label(obj.state)))
    return WorkflowError(_("This cannot be done while the item is “%(state)s”.", state=label(obj.state)))


def check(obj, action: str, user) -> Transition:
    """Raise unless ``user`` may do ``action`` to ``obj`` now."""
    transition = TRANSITIONS[type(obj)][action]
    ensure(user, transition.permission, obj)
    if obj.state not in transition.sources:
        raise _refusal(obj, transition)
    return transition


def apply(obj, action: str, user, *, before: dict | None = None, after: dict | None = None,
          now: datetime | None = None, to=None) -> AuditEvent:
    """Move ``obj`` by ``action`` for ``user`` (to ``to``, one of the transition's targets; by default
    its first), or raise :class:`portal.access.Denied` / :class:`WorkflowError`.  A submission enters
    the review chain at its first level."""
    transition = check(obj, action, user)
    if to is not None and to not in transition.targets:
        raise ValueError(f"{action} cannot lead to {to}")
    ensure_campaign_open_for_changes(getattr(obj, "campaign_id", None))
    if type(obj).__name__ in RESULT_SUBJECTS:
        ensure_result_unlocked(obj.campaign_id)
    flush_or_conflict()  # a stale version shows here, not deep inside the audit append
    from_state = obj.state
    obj.state = to if to is not None else transition.target
    if action == "submit" and hasattr(obj, "level"):
        obj.level = 1
    event = append(action, subject_type(obj), obj.id, user, unit_id=obj.unit_id, from_state=from_state.value,
                   to_state=obj.state.value, before=before, after=after, at=now)
    _announce(Change(obj, action, user, event.at, transition=True))
    return event


def record(obj, action: str, user, *, before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Audit a change that keeps the state (a saved draft, a comment)."""
    ensure_unit_active(user)  # an ended unit's officer changes nothing (a comment included)
    ensure_campaign_open_for_changes(getattr(obj, "campaign_id", None))
    if type(obj).__name__ in RESULT_SUBJECTS:
        ensure_result_unlocked(obj.campaign_id)
    state = getattr(obj, "state", None)
    flush_or_conflict()
    event = append(action, subject_type(obj), obj.id, user, unit_id=getattr(obj, "unit_id", None),
                  from_state=state.value if state else None, to_state=state.value if state else None,
                  before=before, after=after)
    _announce(Change(obj, action, user, event.at, transition=False))
    return event
