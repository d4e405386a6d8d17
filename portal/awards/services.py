"""Award types edited by the administrator: create, edit, remove, reorder — audited, never in a
closed campaign, and never pulling the ground from under nominations already made."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from portal import live
from portal.audit.services import append
from portal.awards import rules
from portal.extensions import db
from portal.labels import label
from portal.models import AwardType, Campaign, Nomination, NominationState
from portal.workflow import Conflict, WorkflowError, ensure_campaign_open_for_changes, flush_or_conflict

EDITABLE = ("code", "name", "nominee", "level", *rules.RULE_FIELDS, "vote_threshold_percent", "vote_denominator",
            "required_documents")


class InUse(WorkflowError):
    """Refused because of nominations already made; ``nominations`` are listed for the administrator."""

    def __init__(self, message: str, nominations: list[Nomination]):
        super().__init__(message, status=409)
        self.nominations = nominations


def nominations_of(award: AwardType, submitted_only: bool = False) -> list[Nomination]:
    stmt = db.select(Nomination).where(Nomination.award_type_id == award.id).order_by(Nomination.id)
    if submitted_only:  # a draft is still the unit's own: its checklist follows the new rules
        stmt = stmt.where(Nomination.state != NominationState.DRAFT)
    return list(db.session.execute(stmt).scalars())


def describe_nomination(nomination: Nomination) -> str:
    """"Nguyễn Văn A — Ban Tổ chức Huyện ủy Long Thành (Đã nộp)"."""
    who = f"{nomination.nominee_name} — {nomination.unit.name}" if nomination.nominee_name else nomination.unit.name
    return f"{who} ({label(nomination.state)})"


def _check(campaign: Campaign, values: dict, award: AwardType | None) -> None:
    """The form has checked these already; the service checks again, as it is the last word."""
    found = rules.problems(values)
    if found:
        field, message = found[0]
        raise WorkflowError(message, status=422, field=field)
    same_code = db.select(AwardType.id).where(AwardType.campaign_id == campaign.id, AwardType.code == values["code"])
    if award is not None:
        same_code = same_code.where(AwardType.id != award.id)
    if db.session.execute(same_code).first():
        raise WorkflowError(_("Another award type of this campaign has the code %(code)s.", code=values["code"]),
                            status=422, field="code")


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "value"):
        return value.value
    return value


def _audit(award: AwardType, action: str, admin, before: dict | None = None, after: dict | None = None) -> None:
    db.session.flush()
    append(action, "award_type", award.id, admin, before=before, after=after)
    live.bump(live.SCOREBOARD)  # award names show on the ceremony screen's last stage


def create_award_type(campaign: Campaign, values: dict, admin) -> AwardType:
    ensure_campaign_open_for_changes(campaign)
    _check(campaign, values, None)
    last = max((a.position for a in campaign.award_types), default=-1)
    award = AwardType(campaign=campaign, position=last + 1, **{k: values[k] for k in EDITABLE})
    db.session.add(award)
    _audit(award, "award_type_created", admin, after={k: _plain(values[k]) for k in EDITABLE})
    return award


def update_award_type(award: AwardType, values: dict, version: int, admin) -> AwardType:
    """Save the edited award type. Once nominations were submitted, who may be nominated and how the
    council decides (:data:`rules.DECISIVE_FIELDS`) stay as they were: changing them is refused with
    the list of those nominations. The name, code and documents may still change; all is audited."""
    campaign = award.campaign
    ensure_campaign_open_for_changes(campaign)
    if version != award.version:
        raise Conflict()
    _check(campaign, values, award)
    before = {k: _plain(getattr(award, k)) for k in EDITABLE}
    changed = [k for k in EDITABLE if before[k] != _plain(values[k])]
    if "nominee" in changed:  # even a draft names a person, or not: it cannot switch kind under it
        used = nominations_of(award)
        if used:
            raise InUse(_("This award type has nominations, so it cannot switch between collective and individual. "
                          "Nothing was changed."), used)
    decisive = [k for k in changed if k in rules.DECISIVE_FIELDS]
    if decisive:
        submitted = nominations_of(award, submitted_only=True)
        if submitted:
            raise InUse(_("Nominations for this award type have been submitted, so its nominee, level, eligibility "
                          "rules and vote threshold can no longer change (the name, code and documents can). "
                          "Nothing was changed."), submitted)
    if not changed:
        return award
    for key in changed:
        setattr(award, key, values[key])
    flush_or_conflict()
    _audit(award, "award_type_edited", admin, before={k: before[k] for k in changed},
           after={k: _plain(values[k]) for k in changed})
    return award


def remove_award_type(award: AwardType, version: int, admin) -> None:
    """Remove an award type no nomination uses (a nomination, even a draft, keeps its award type)."""
    campaign = award.campaign
    ensure_campaign_open_for_changes(campaign)
    if version != award.version:
        raise Conflict()
    used = nominations_of(award)
    if used:
        raise InUse(_("This award type has nominations, so it cannot be removed. Nothing was changed."), used)
    snapshot = {k: _plain(getattr(award, k)) for k in EDITABLE}
    award_id = award.id
    campaign.award_types.remove(award)
    db.session.delete(award)
    flush_or_conflict()
    for position, other in enumerate(campaign.award_types):
        if other.position != position:
            other.position = position
    db.session.flush()
    append("award_type_removed", "award_type", award_id, admin, before=snapshot)
    live.bump(live.SCOREBOARD)


def move_award_type(award: AwardType, step: int, admin) -> AwardType:
    """Move one place up (``-1``) or down (``+1``) in the campaign's list; positions stay 0, 1, 2 …"""
    campaign = award.campaign
    ensure_campaign_open_for_changes(campaign)
    ordered = sorted(campaign.award_types, key=lambda a: (a.position, a.id))
    index = ordered.index(award)
    target = index + step
    if not 0 <= target < len(ordered):
        raise WorkflowError(_("This award type is already at that end of the list."), status=422)
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, other in enumerate(ordered):
        if other.position != position:
            other.position = position
    flush_or_conflict()
    _audit(award, "award_type_moved", admin, before={"position": index + 1}, after={"position": target + 1})
    return award
