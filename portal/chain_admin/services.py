"""A campaign's review chain, edited by the administrators: its levels in order, each with a name,
a scope and the people who act at it.

The chain's rules: every level has a name and at least one member; the scopes run in chain order —
item-by-item levels first, then scorecard levels, then at most one ranking level, last; a chain with
any level has an item-by-item level.  A campaign without levels has the implicit chain of one level
at which every reviewer and administrator acts.  The chain is fixed once scoring has started (an
item sent to review, a queue entry) and in a closed campaign or an earlier year: each change is
refused with the reason and changes nothing.  Every change is audited."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.audit.services import append
from portal.extensions import db
from portal.labels import label
from portal.models import (
    Campaign,
    CampaignState,
    LevelScope,
    QueueItem,
    Registration,
    RegistrationState,
    ReviewLevel,
    Role,
    ScoreLine,
    ScoreState,
    User,
)
from portal.workflow import (
    Conflict,
    WorkflowError,
    ensure_campaign_open_for_changes,
    flush_or_conflict,
    is_earlier_year,
)

MAX_NAME = 200
# The roles whose people can act at a level.
MEMBER_ROLES = (Role.REVIEWER, Role.ADMIN, Role.COUNCIL)
SCOPE_ORDER = {LevelScope.ITEM: 0, LevelScope.SCORECARD: 1, LevelScope.RANKING: 2}
# The sample chain (the 2025 demo's): each level's name, scope and the role whose people fill it.
SAMPLE_CHAIN = (
    (_l("Review specialists"), LevelScope.ITEM, Role.REVIEWER),
    (_l("Board leadership"), LevelScope.SCORECARD, Role.ADMIN),
    (_l("Emulation and commendation council"), LevelScope.RANKING, Role.COUNCIL),
)


class Invalid(WorkflowError):
    """Input that breaks a level's own rules; ``errors`` holds a message per form field."""

    def __init__(self, errors: dict[str, str]):
        field_name, message = next(iter(errors.items()))
        super().__init__(message, status=422, field=field_name)
        self.errors = errors


@dataclass
class LevelValues:
    name: str
    scope: LevelScope
    member_ids: list[int]


# --- reading --------------------------------------------------------------------------------------

def levels_of(campaign: Campaign) -> list[ReviewLevel]:
    return list(db.session.execute(db.select(ReviewLevel).where(ReviewLevel.campaign_id == campaign.id)
                                   .order_by(ReviewLevel.position)).scalars())


def eligible_members() -> list[User]:
    """The active accounts that can act at a level, by role then name."""
    users = db.session.execute(db.select(User).where(User.active.is_(True), User.role.in_(MEMBER_ROLES))
                               .order_by(User.full_name, User.id)).scalars().all()
    rank = {role: n for n, role in enumerate(MEMBER_ROLES)}
    return sorted(users, key=lambda u: rank[u.role])


def summary(levels: list[ReviewLevel]) -> str:
    """The chain in one line: "3 levels: A → B → C", or the implicit chain's words."""
    if not levels:
        return _("1 level: every reviewer and administrator")
    return ngettext("%(num)d level: %(names)s", "%(num)d levels: %(names)s", len(levels),
                    names=" → ".join(level.name for level in levels))


def summaries(campaigns: list[Campaign]) -> dict[int, str]:
    """Each campaign's chain in one line (one query)."""
    by_campaign: dict[int, list[ReviewLevel]] = {c.id: [] for c in campaigns}
    if by_campaign:
        for level in db.session.execute(db.select(ReviewLevel).where(ReviewLevel.campaign_id.in_(list(by_campaign)))
                                        .order_by(ReviewLevel.position)).scalars():
            by_campaign[level.campaign_id].append(level)
    return {cid: summary(levels) for cid, levels in by_campaign.items()}


def fingerprint(level: ReviewLevel) -> str:
    """What an edit form was built from (name, scope, members): a save over a different one is a
    conflict.  The position is left out: moving a level does not stale a form open on it."""
    content = "|".join([level.name, level.scope.value, ",".join(str(u.id) for u in sorted(level.members,
                                                                                          key=lambda u: u.id))])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def _scoring_started(campaign: Campaign) -> str | None:
    sent = (db.session.scalar(db.select(db.func.count()).select_from(ScoreLine).where(
        ScoreLine.campaign_id == campaign.id, ScoreLine.state != ScoreState.DRAFT)) or 0) + (
        db.session.scalar(db.select(db.func.count()).select_from(Registration).where(
            Registration.campaign_id == campaign.id, Registration.state != RegistrationState.DRAFT)) or 0)
    queued = db.session.scalar(db.select(db.func.count()).select_from(QueueItem).where(
        QueueItem.campaign_id == campaign.id)) or 0
    count = max(sent, queued)
    if count:
        return ngettext("%(num)d item has already been submitted for review; the review chain can no longer change.",
                        "%(num)d items have already been submitted for review; the review chain can no longer change.",
                        count)
    return None


def chain_locked_reason(campaign: Campaign) -> str | None:
    """Why the chain can no longer change (the campaign is closed or an earlier year, scoring has
    started: any score line or registration sent to review, any queue entry), or None while it can."""
    if campaign.state is CampaignState.CLOSED:
        return _("This campaign is closed: its review chain can no longer change.")
    if is_earlier_year(campaign):
        return _("The campaign %(year)d is an earlier year: its review chain can only be read.", year=campaign.year)
    return _scoring_started(campaign)


def ensure_chain_editable(campaign: Campaign) -> None:
    """Refuse a change of the chain, with the reason, once it is fixed."""
    ensure_campaign_open_for_changes(campaign)
    reason = _scoring_started(campaign)
    if reason is not None:
        raise WorkflowError(reason + " " + _("Nothing was changed."))


# --- the rules ------------------------------------------------------------------------------------

def _validate(values: LevelValues) -> tuple[str, list[User]]:
    """The level's own rules: its name (tidied) and members, or :class:`Invalid` with every problem."""
    errors: dict[str, str] = {}
    name = " ".join(values.name.split())
    if not name:
        errors["name"] = _("Enter the level's name.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("At most %(n)d characters.", n=MAX_NAME)
    ids = sorted(set(values.member_ids))
    users = db.session.execute(db.select(User).where(User.id.in_(ids))).scalars().all() if ids else []
    if not ids:
        errors["members"] = _("Choose at least one person who acts at this level.")
    elif len(users) != len(ids) or any(not u.active or u.role not in MEMBER_ROLES for u in users):
        errors["members"] = _("Choose the members among the active reviewers, administrators and council members.")
    if errors:
        raise Invalid(errors)
    return name, sorted(users, key=lambda u: (u.full_name, u.id))


def check_order(scopes: list[LevelScope]) -> None:
    """The scopes of a chain in order: item-by-item levels first, then scorecard levels, then at most one
    ranking level, last; a chain with any level has an item-by-item level."""
    if not scopes:
        return
    if scopes.count(LevelScope.RANKING) > 1:
        raise WorkflowError(_("A chain has at most one level that approves the ranking as a whole. "
                              "Nothing was changed."), status=422, field="scope")
    if LevelScope.ITEM not in scopes:
        raise WorkflowError(_("A review chain needs at least one level that reviews item by item. "
                              "Nothing was changed."), status=422, field="scope")
    ranks = [SCOPE_ORDER[s] for s in scopes]
    if ranks != sorted(ranks):
        raise WorkflowError(_("The levels must go in this order: the item-by-item levels first, then the scorecard "
                              "levels, then the ranking level last. Nothing was changed."), status=422, field="scope")


def _insert_at(levels: list[ReviewLevel], scope: LevelScope) -> int:
    """Where a new level of ``scope`` goes: after the last level whose scope comes no later."""
    index = 0
    for n, level in enumerate(levels):
        if SCOPE_ORDER[level.scope] <= SCOPE_ORDER[scope]:
            index = n + 1
    return index


def _renumber(levels: list[ReviewLevel]) -> None:
    """Positions 1..n in the list's order, through negative ones so no two rows share a position meanwhile."""
    for n, level in enumerate(levels):
        level.position = -(n + 1)
    flush_or_conflict()
    for n, level in enumerate(levels):
        level.position = n + 1
    flush_or_conflict()


# --- changes --------------------------------------------------------------------------------------

def _snapshot(level: ReviewLevel) -> dict:
    return {"name": level.name, "scope": level.scope.value, "position": level.position,
            "members": [u.full_name for u in sorted(level.members, key=lambda u: (u.full_name, u.id))]}


def add_level(campaign: Campaign, values: LevelValues, admin) -> ReviewLevel:
    """A new level, placed after the last level of its scope (or of an earlier one)."""
    ensure_chain_editable(campaign)
    name, members = _validate(values)
    levels = levels_of(campaign)
    index = _insert_at(levels, values.scope)
    check_order([level.scope for level in levels[:index]] + [values.scope]
                + [level.scope for level in levels[index:]])
    level = ReviewLevel(campaign_id=campaign.id, name=name, scope=values.scope, members=members,
                        position=len(levels) + 1)
    db.session.add(level)
    levels.insert(index, level)
    _renumber(levels)
    append("review_level_created", "review_level", level.id, admin, after=_snapshot(level))
    return level


def update_level(level: ReviewLevel, values: LevelValues, version: str | None, admin) -> ReviewLevel:
    """Rename a level, change its scope or its members. A stale form (``version``) is a conflict."""
    campaign = level.campaign
    ensure_chain_editable(campaign)
    if version != fingerprint(level):
        raise Conflict()
    name, members = _validate(values)
    check_order([values.scope if lv.id == level.id else lv.scope for lv in levels_of(campaign)])
    before = _snapshot(level)
    level.name, level.scope, level.members = name, values.scope, members
    after = _snapshot(level)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        flush_or_conflict()
        append("review_level_edited", "review_level", level.id, admin, before={k: before[k] for k in changed},
               after={k: after[k] for k in changed})
    return level


def remove_level(level: ReviewLevel, version: str | None, admin) -> None:
    """Remove a level; the ones after it move up a place."""
    campaign = level.campaign
    ensure_chain_editable(campaign)
    if version != fingerprint(level):
        raise Conflict()
    levels = levels_of(campaign)
    rest = [lv for lv in levels if lv.id != level.id]
    check_order([lv.scope for lv in rest])
    before, level_id = _snapshot(level), level.id
    db.session.delete(level)
    flush_or_conflict()
    _renumber(rest)
    append("review_level_removed", "review_level", level_id, admin, before=before)


def move_level(level: ReviewLevel, step: int, admin) -> ReviewLevel:
    """Move a level one place up (``step`` -1) or down (+1), if the scopes stay in order."""
    campaign = level.campaign
    ensure_chain_editable(campaign)
    levels = levels_of(campaign)
    index = levels.index(level)
    target = index + step
    if not 0 <= target < len(levels):
        return level
    levels[index], levels[target] = levels[target], levels[index]
    check_order([lv.scope for lv in levels])
    _renumber(levels)
    append("review_level_moved", "review_level", level.id, admin, before={"position": index + 1},
           after={"position": target + 1})
    return level


def use_sample_chain(campaign: Campaign, admin) -> list[ReviewLevel]:
    """The three-level sample chain on an empty chain: specialists item by item (every reviewer),
    the board's leadership per scorecard (every administrator), the council on the ranking (every
    council member). The administrator edits the names and members afterwards."""
    ensure_chain_editable(campaign)
    if levels_of(campaign):
        raise WorkflowError(_("The sample chain only fills an empty chain; this campaign already has review "
                              "levels. Nothing was changed."))
    created = []
    for position, (name, scope, role) in enumerate(SAMPLE_CHAIN, start=1):
        members = db.session.execute(db.select(User).where(User.active.is_(True), User.role == role)
                                     .order_by(User.full_name, User.id)).scalars().all()
        if not members:
            raise WorkflowError(_("There is no active account with the role “%(role)s” for the level “%(level)s”; "
                                  "create one first. Nothing was changed.", role=label(role), level=str(name)))
        level = ReviewLevel(campaign_id=campaign.id, position=position, name=str(name), scope=scope,
                            members=list(members))
        db.session.add(level)
        created.append(level)
    flush_or_conflict()
    for level in created:
        append("review_level_created", "review_level", level.id, admin, after=_snapshot(level))
    return created
