"""The campaign's final result (issue #12 item 5): the ranking approved as a whole, then locked.

Who approves: the members of the campaign's review level that owns the ranking (scope RANKING),
and administrators always; without such a level, administrators only.  The approval is refused
while any unit's scorecard is not fully reviewed, for a closed campaign or an earlier year, and
when someone else approved or unlocked the result since the page was shown (the row's version).
Only an administrator unlocks, with a reason kept as a :class:`ResultCorrection`; approving again
re-locks the same row.  The lock itself is :func:`portal.workflow.ensure_result_unlocked`, called
by every service that changes a score or its basis."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import clock, live
from portal.access import Denied
from portal.audit.services import append
from portal.collation import vi_sorted
from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import Campaign, FinalResult, LevelScope, ResultCorrection, ReviewLevel, Role, User, utcnow
from portal.models.chain import review_level_member
from portal.scoreboard.ranking import UnitStanding, compute_standings
from portal.workflow import WorkflowError, ensure_campaign_open_for_changes

DECISION_NUMBER_MAX = 100
REASON_MAX = 2000
VIEW_ROLES = (Role.ADMIN, Role.REVIEWER, Role.COUNCIL)


class ResultConflict(WorkflowError):
    """Someone else approved or unlocked the result since the page was shown."""

    def __init__(self):
        super().__init__(_("Someone else approved or unlocked the final result since this page was shown. "
                           "Nothing was changed; check the result as it is now."), status=409)


def result_of(campaign: Campaign) -> FinalResult | None:
    return db.session.execute(sa.select(FinalResult).where(FinalResult.campaign_id == campaign.id)).scalar_one_or_none()


def ranking_level(campaign: Campaign) -> ReviewLevel | None:
    """The review level that owns the final approval (the last one of scope RANKING), if any."""
    return db.session.execute(sa.select(ReviewLevel).where(
        ReviewLevel.campaign_id == campaign.id, ReviewLevel.scope == LevelScope.RANKING)
        .order_by(ReviewLevel.position.desc()).limit(1)).scalar_one_or_none()


def may_view(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in VIEW_ROLES


def may_approve(user, campaign: Campaign | None) -> bool:
    """Administrators always; otherwise the members of the campaign's RANKING level."""
    if campaign is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", True):
        return False
    if user.role is Role.ADMIN:
        return True
    if user.role not in VIEW_ROLES:
        return False
    return db.session.execute(
        sa.select(sa.literal(1)).select_from(review_level_member)
        .join(ReviewLevel, ReviewLevel.id == review_level_member.c.level_id)
        .where(ReviewLevel.campaign_id == campaign.id, ReviewLevel.scope == LevelScope.RANKING,
               review_level_member.c.user_id == user.id).limit(1)).scalar() is not None


def incomplete_units(standings: list[UnitStanding]) -> list[UnitStanding]:
    """Units whose scorecard is not fully reviewed, in Vietnamese alphabetical order."""
    return vi_sorted([s for s in standings if not s.complete], key=lambda s: s.unit.short_name or s.unit.name)


@dataclass
class ResultPage:
    campaign: Campaign
    result: FinalResult | None
    standings: list[UnitStanding]
    incomplete: list[UnitStanding]
    level: ReviewLevel | None

    @property
    def official(self) -> bool:
        return self.result is not None and self.result.locked

    @property
    def version(self) -> int:
        return self.result.version if self.result is not None else 0


def page_state(campaign: Campaign) -> ResultPage:
    units = compute_standings(campaign).units
    return ResultPage(campaign, result_of(campaign), units, incomplete_units(units), ranking_level(campaign))


def _check_version(result: FinalResult | None, seen_version: int | None) -> None:
    if seen_version is None or seen_version != (result.version if result is not None else 0):
        raise ResultConflict()


def _check_decision(campaign: Campaign, number: str, decided_on: date | None) -> str:
    number = " ".join((number or "").split())
    if len(number) > DECISION_NUMBER_MAX:
        raise WorkflowError(_("At most %(max)d characters.", max=DECISION_NUMBER_MAX), 422, "decision_number")
    if decided_on is not None:
        if decided_on > clock.today():
            raise WorkflowError(_("The decision date cannot be in the future."), 422, "decision_date")
        if decided_on < date(campaign.year, 1, 1):
            raise WorkflowError(_("The decision date cannot be before the campaign's year %(year)d.",
                                  year=campaign.year), 422, "decision_date")
    return number


def approve(campaign: Campaign, user: User, decision_number: str, decision_date: date | None,
            seen_version: int | None) -> FinalResult:
    """Approve the ranking as the campaign's final result and lock it (a first approval creates the
    row; after an unlocking the same row is approved again, keeping its corrections)."""
    if not may_approve(user, campaign):
        raise Denied(403)
    ensure_campaign_open_for_changes(campaign)
    result = result_of(campaign)
    _check_version(result, seen_version)
    if result is not None and result.locked:
        raise WorkflowError(_("The final result was already approved on %(day)s and is locked. Nothing was changed.",
                              day=fmt_date(result.approved_at)))
    number = _check_decision(campaign, decision_number, decision_date)
    standings = compute_standings(campaign).units
    missing = incomplete_units(standings)
    if missing:
        raise WorkflowError(_("The ranking cannot be approved yet: the scorecards of these units are not fully "
                              "reviewed: %(units)s. Nothing was changed.",
                              units=", ".join(s.unit.short_name or s.unit.name for s in missing)), 409)
    if not standings:
        raise WorkflowError(_("The ranking has no unit yet, so there is nothing to approve."), 409)
    if result is None:
        result = FinalResult(campaign_id=campaign.id)
        db.session.add(result)
    result.locked = True
    result.approved_at = utcnow()
    result.approved_by_id = user.id
    result.decision_number = number
    result.decision_date = decision_date
    db.session.flush()  # a second approver's insert or stale update fails here (a conflict)
    append("result_approved", "final_result", result.id, user, after={
        "year": campaign.year, "number": number, "date": decision_date.isoformat() if decision_date else None,
        "units": len(standings)})
    live.bump(live.SCOREBOARD)  # the scoreboard's and the ceremony's band
    return result


def unlock(campaign: Campaign, admin: User, reason: str, seen_version: int | None) -> ResultCorrection:
    """An administrator unlocks the approved result to correct it; the reason is kept and shown."""
    if getattr(admin, "role", None) is not Role.ADMIN:
        raise Denied(403)
    ensure_campaign_open_for_changes(campaign)
    result = result_of(campaign)
    _check_version(result, seen_version)
    if result is None or not result.locked:
        raise WorkflowError(_("The final result is not approved and locked, so there is nothing to unlock."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give the reason for unlocking the final result."), 422, "reason")
    if len(reason) > REASON_MAX:
        raise WorkflowError(_("At most %(max)d characters.", max=REASON_MAX), 422, "reason")
    correction = ResultCorrection(unlocked_by_id=admin.id, reason=reason, unlocked_at=utcnow())
    result.corrections.append(correction)
    result.locked = False
    db.session.flush()
    append("result_unlocked", "final_result", result.id, admin, after={"year": campaign.year, "reason": reason})
    live.bump(live.SCOREBOARD)
    return correction


def state_figure(campaign: Campaign | None) -> str:
    """Where the final result stands, in a few words (the administration hub's figure)."""
    if campaign is None:
        return _("No current campaign")
    result = result_of(campaign)
    if result is not None and result.locked:
        return _("Approved on %(day)s, locked", day=fmt_date(clock.local(result.approved_at).date()))
    missing = incomplete_units(compute_standings(campaign).units)
    prefix = _("Unlocked for correction") + " · " if result is not None else ""
    if missing:
        return prefix + _("Not approved: %(n)d units not fully reviewed", n=len(missing))
    return prefix + _("Ready to approve")
