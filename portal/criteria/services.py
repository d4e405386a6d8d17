"""The criteria tree of a campaign, edited by the administrators: create, edit, remove, reorder.

Each node's own rules (code, points in steps of 0.25, kind under the matching group, a deadline
no later than the end of review) refuse the change; the tree's sums (:mod:`portal.criteria_rules`)
are shown as warnings on the tree page, since a tree is built one node at a time.  Once units
have data on a criterion (a pledge, a score, evidence, a comment), a change that would invalidate
it is refused with the list of what it would break; an allowed change is audited and the units
working on the item are notified.  A closed campaign changes nowhere.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import live
from portal.audit.services import append
from portal.criteria_rules import (
    MAX_CODE,
    Node,
    SumProblem,
    check_sums,
    parent_kind_fits,
    plain_number,
    scored_total,
    valid_points,
)
from portal.extensions import db
from portal.formatting import fmt_date, fmt_points
from portal.labels import label
from portal.models import (
    GROUP_OF,
    Campaign,
    Comment,
    Commitment,
    Criterion,
    CriterionKind,
    Evidence,
    Notification,
    ProgressNote,
    Registration,
    ScoreLine,
    ScoreState,
    Unit,
)
from portal.notifications.services import notify_about
from portal.workflow import (
    Conflict,
    WorkflowError,
    ensure_campaign_open_for_changes,
    ensure_result_unlocked,
    flush_or_conflict,
)
from portal.workspace.services import ensure_workspace

MAX_TITLE = 1000
MAX_GUIDANCE = 4000
# What units are told about when it changes on an item they work on.
NOTIFIED_FIELDS = ("code", "title", "guidance", "max_points", "evidence_required", "deadline")


class Invalid(WorkflowError):
    """Input that breaks a node's rules; ``errors`` holds a message per form field."""

    def __init__(self, errors: dict[str, str]):
        field_name, message = next(iter(errors.items()))
        super().__init__(message, status=422, field=field_name)
        self.errors = errors


class WouldBreak(WorkflowError):
    """A change refused because units have data it would invalidate; ``breaks`` lists that data."""

    def __init__(self, message: str, breaks: list[str]):
        super().__init__(message, status=409)
        self.breaks = breaks


@dataclass
class CriterionValues:
    code: str
    kind: CriterionKind
    parent_id: int | None
    title: str
    guidance: str = ""
    max_points: Decimal | None = None
    evidence_required: bool = False
    deadline: date | None = None


# --- the tree page --------------------------------------------------------------------------------

@dataclass
class TreeGroup:
    node: Criterion
    items: list[Criterion]
    total: Decimal


@dataclass
class Tree:
    campaign: Campaign
    groups: list[TreeGroup]
    scored_total: Decimal
    problems: dict[str, list[SumProblem]] = field(default_factory=dict)  # by criterion code
    scale_problem: SumProblem | None = None
    units_with_data: dict[int, int] = field(default_factory=dict)  # criterion id -> units

    @property
    def ok(self) -> bool:
        return not self.problems and self.scale_problem is None


def nodes_of(criteria: list[Criterion]) -> list[Node]:
    return [Node(c.code, c.kind, c.max_points, c.parent.code if c.parent else None) for c in criteria]


def ordered(criteria: list[Criterion]) -> list[Criterion]:
    """Groups in their order, each followed by its items in theirs."""
    groups = sorted((c for c in criteria if c.parent_id is None), key=lambda c: (c.position, c.id))
    result = []
    for group in groups:
        result.append(group)
        result.extend(sorted(group.children, key=lambda c: (c.position, c.id)))
    return result


def tree(campaign: Campaign) -> Tree:
    criteria = ordered(list(campaign.criteria))
    groups = [TreeGroup(c, sorted(c.children, key=lambda x: (x.position, x.id)),
                        sum((x.max_points for x in c.children), Decimal(0)))
              for c in criteria if c.parent_id is None]
    nodes = nodes_of(criteria)
    result = Tree(campaign, groups, scored_total(nodes))
    for problem in check_sums(nodes, campaign.scale, number=fmt_points):
        if problem.rule == "scale":
            result.scale_problem = problem
        else:
            result.problems.setdefault(problem.code, []).append(problem)
    leaves = [c.id for c in criteria if not c.kind.is_group]
    result.units_with_data = {cid: len(units) for cid, units in _data_by_criterion(campaign, leaves).items()}
    return result


# --- what units have entered ----------------------------------------------------------------------

def _line_has_data(line: ScoreLine) -> bool:
    return (line.self_score is not None or line.approved_score is not None or bool(line.explanation.strip())
            or line.state is not ScoreState.DRAFT)


def _data_by_criterion(campaign: Campaign, criterion_ids: list[int]) -> dict[int, dict[int, list[str]]]:
    """For each criterion, the units with data on it and what that data is (for the user)."""
    found: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    if not criterion_ids:
        return {}
    lines = db.session.execute(db.select(ScoreLine).where(
        ScoreLine.campaign_id == campaign.id, ScoreLine.criterion_id.in_(criterion_ids))).scalars().all()
    for line in lines:
        if line.approved_score is not None:
            found[line.criterion_id][line.unit_id].append(
                _("approved score %(score)s", score=fmt_points(line.approved_score)))
        elif line.self_score is not None:
            found[line.criterion_id][line.unit_id].append(
                _("self-score %(score)s (%(state)s)", score=fmt_points(line.self_score), state=label(line.state)))
        elif _line_has_data(line):
            found[line.criterion_id][line.unit_id].append(_("self-scoring (%(state)s)", state=label(line.state)))
    by_line = {line.id: line for line in lines}
    comments = db.session.execute(db.select(Comment.subject_id, db.func.count()).where(
        Comment.subject_type == "score_line", Comment.subject_id.in_(list(by_line) or [0]))
        .group_by(Comment.subject_id)).all()
    for line_id, count in comments:
        line = by_line[line_id]
        found[line.criterion_id][line.unit_id].append(ngettext("%(num)d comment", "%(num)d comments", count))
    notes = dict(db.session.execute(db.select(ProgressNote.commitment_id, db.func.count())
                                    .join(Commitment, Commitment.id == ProgressNote.commitment_id)
                                    .where(Commitment.criterion_id.in_(criterion_ids))
                                    .group_by(ProgressNote.commitment_id)).all())
    commitments = db.session.execute(db.select(Commitment).join(Registration).where(
        Registration.campaign_id == campaign.id, Commitment.criterion_id.in_(criterion_ids))).scalars().all()
    for commitment in commitments:
        if commitment.is_filled or commitment.target_value is not None:
            found[commitment.criterion_id][commitment.unit_id].append(_("pledge"))
        if notes.get(commitment.id):
            found[commitment.criterion_id][commitment.unit_id].append(
                ngettext("%(num)d progress note", "%(num)d progress notes", notes[commitment.id]))
    evidence = db.session.execute(db.select(Evidence.criterion_id, Evidence.unit_id, db.func.count()).where(
        Evidence.campaign_id == campaign.id, Evidence.criterion_id.in_(criterion_ids))
        .group_by(Evidence.criterion_id, Evidence.unit_id)).all()
    for criterion_id, unit_id, count in evidence:
        found[criterion_id][unit_id].append(ngettext("%(num)d evidence", "%(num)d evidence", count))
    return {cid: dict(units) for cid, units in found.items()}


def _unit_names(unit_ids) -> dict[int, str]:
    if not unit_ids:
        return {}
    return dict(db.session.execute(db.select(Unit.id, Unit.name).where(Unit.id.in_(list(unit_ids)))).all())


def _describe(data: dict[int, list[str]], code: str | None = None) -> list[str]:
    """One line per unit, in the units' name order: "Unit: what it has"."""
    names = _unit_names(data)
    lines = []
    for unit_id in sorted(data, key=lambda u: names.get(u, "")):
        what = ", ".join(data[unit_id])
        lines.append(f"{code} — {names[unit_id]}: {what}" if code else f"{names[unit_id]}: {what}")
    return lines


def data_of(criterion: Criterion) -> list[str]:
    """What units have entered on ``criterion`` (empty when nothing), one line per unit."""
    return _describe(_data_by_criterion(criterion.campaign, [criterion.id]).get(criterion.id, {}))


# --- validation -----------------------------------------------------------------------------------

def _validate(campaign: Campaign, values: CriterionValues, criterion: Criterion | None = None) -> Criterion | None:
    """The node's own rules; returns the parent. Raises :class:`Invalid` with every problem found."""
    errors: dict[str, str] = {}
    code = values.code.strip()
    if not code:
        errors["code"] = _("Enter a code, for example 1.3.")
    elif len(code) > MAX_CODE or any(ch.isspace() for ch in code):
        errors["code"] = _("A code has at most %(n)d characters and no spaces.", n=MAX_CODE)
    else:
        taken = db.session.execute(db.select(Criterion.id).where(
            Criterion.campaign_id == campaign.id, Criterion.code == code)).scalar_one_or_none()
        if taken is not None and (criterion is None or taken != criterion.id):
            errors["code"] = _("The code %(code)s is already used in this campaign.", code=code)
    if not values.title.strip():
        errors["title"] = _("Enter the title.")
    elif len(values.title) > MAX_TITLE:
        errors["title"] = _("At most %(n)d characters.", n=MAX_TITLE)
    if len(values.guidance) > MAX_GUIDANCE:
        errors["guidance"] = _("At most %(n)d characters.", n=MAX_GUIDANCE)
    if not valid_points(values.max_points):
        errors["max_points"] = _("Enter points from 0 in steps of %(step)s (for example %(example)s).",
                                 step=fmt_points("0.25"), example=fmt_points("2.75"))
    parent = db.session.get(Criterion, values.parent_id) if values.parent_id else None
    if parent is not None and parent.campaign_id != campaign.id:
        parent = None
        errors["parent_id"] = _("Choose a group of this campaign.")
    elif values.kind.is_group and parent is not None:
        errors["parent_id"] = _("A group cannot be inside another group.")
    elif not values.kind.is_group and not parent_kind_fits(values.kind, parent.kind if parent else None):
        errors["parent_id"] = _("A %(kind)s belongs in a group of kind “%(group)s”.", kind=label(values.kind),
                                group=label(GROUP_OF[values.kind]))
    if criterion is not None and criterion.children:
        if not values.kind.is_group:
            errors["kind"] = _("This group has items; remove or move them before making it an item.")
        elif any(not parent_kind_fits(child.kind, values.kind) for child in criterion.children):
            errors["kind"] = _("This group's items are of another kind; it must stay a “%(group)s”.",
                               group=label(criterion.kind))
    if values.deadline is not None:
        if values.kind.is_group:
            errors["deadline"] = _("Only an item has its own deadline; leave this empty for a group.")
        elif values.deadline > campaign.review_end:
            errors["deadline"] = _("An item's deadline cannot be after the end of review (%(day)s).",
                                   day=fmt_date(campaign.review_end))
    if errors:
        raise Invalid(errors)
    return parent


# --- changes --------------------------------------------------------------------------------------

def _snapshot(criterion: Criterion) -> dict:
    return {"code": criterion.code, "kind": criterion.kind.value, "title": criterion.title,
            "guidance": criterion.guidance, "max_points": plain_number(Decimal(criterion.max_points)),
            "evidence_required": criterion.evidence_required,
            "deadline": criterion.deadline.isoformat() if criterion.deadline else None,
            "parent": criterion.parent.code if criterion.parent else None}


def _audit(action: str, criterion: Criterion, admin, before: dict | None = None, after: dict | None = None) -> None:
    flush_or_conflict()
    append(action, "criterion", criterion.id, admin, before=before, after=after)


def _registered_units(campaign: Campaign) -> list[Unit]:
    return db.session.execute(db.select(Unit).join(Registration, Registration.unit_id == Unit.id)
                              .where(Registration.campaign_id == campaign.id)).scalars().all()


def _sync_workspaces(criterion: Criterion) -> None:
    """Keep every unit workspace of the campaign in step with the criterion: a leaf has a score line
    per unit (an item also a commitment); a group, or a leaf that is no longer an item, has no
    empty row left over.  Rows with data never reach here (the changes that would drop them are
    refused first)."""
    flush_or_conflict()
    if criterion.kind.is_group or criterion.kind is not CriterionKind.ITEM:
        db.session.execute(db.delete(Commitment).where(Commitment.criterion_id == criterion.id))
    if criterion.kind.is_group:
        db.session.execute(db.delete(ScoreLine).where(ScoreLine.criterion_id == criterion.id))
        return
    for unit in _registered_units(criterion.campaign):
        ensure_workspace(unit, criterion.campaign)


def _next_position(campaign: Campaign, parent: Criterion | None) -> int:
    siblings = [c.position for c in campaign.criteria if (c.parent_id == (parent.id if parent else None))]
    if parent is None:
        return max(siblings, default=-1) + 1
    return max(siblings, default=parent.position) + 1


def create_criterion(campaign: Campaign, values: CriterionValues, admin) -> Criterion:
    """A new group or item at the end of its group; every existing unit workspace gets its rows."""
    ensure_campaign_open_for_changes(campaign)
    ensure_result_unlocked(campaign)
    parent = _validate(campaign, values)
    criterion = Criterion(campaign=campaign, parent=parent, code=values.code.strip(), kind=values.kind,
                          title=values.title.strip(), guidance=values.guidance.strip(),
                          max_points=values.max_points, evidence_required=values.evidence_required,
                          deadline=values.deadline, position=_next_position(campaign, parent))
    db.session.add(criterion)
    _sync_workspaces(criterion)
    _audit("criterion_created", criterion, admin, after=_snapshot(criterion))
    if not criterion.kind.is_group:
        _notify(criterion, {"added": True})
    live.bump(live.SCOREBOARD)
    return criterion


def update_criterion(criterion: Criterion, values: CriterionValues, version: int | None, admin) -> Criterion:
    """Save an edited criterion. Refused (nothing changed) on a stale ``version``, on a broken rule,
    and when units have data the change would invalidate — with the list of that data."""
    campaign = criterion.campaign
    ensure_campaign_open_for_changes(campaign)
    ensure_result_unlocked(campaign)
    if version is None or version != criterion.version:
        raise Conflict()
    parent = _validate(campaign, values, criterion)
    _refuse_what_would_break(criterion, values, parent)
    before = _snapshot(criterion)
    if (parent.id if parent else None) != criterion.parent_id:
        criterion.position = _next_position(campaign, parent)  # at the end of its new group
    criterion.code, criterion.kind, criterion.parent = values.code.strip(), values.kind, parent
    criterion.title, criterion.guidance = values.title.strip(), values.guidance.strip()
    criterion.max_points, criterion.evidence_required = values.max_points, values.evidence_required
    criterion.deadline = values.deadline
    after = _snapshot(criterion)
    changed = {k for k in after if after[k] != before[k]}
    if not changed:
        return criterion
    if {"kind", "parent"} & changed:
        _sync_workspaces(criterion)
    _audit("criterion_edited", criterion, admin, before={k: before[k] for k in changed},
           after={k: after[k] for k in changed})
    told = [k for k in NOTIFIED_FIELDS if k in changed]
    if told and not criterion.kind.is_group:
        _notify(criterion, {"fields": told, "max_points": after["max_points"],
                            "evidence_required": criterion.evidence_required})
    live.bump(live.SCOREBOARD)
    return criterion


def _refuse_what_would_break(criterion: Criterion, values: CriterionValues, parent: Criterion | None) -> None:
    if criterion.kind.is_group:
        return  # a group holds no unit data itself; its items keep theirs
    moved = values.kind is not criterion.kind or (parent.id if parent else None) != criterion.parent_id
    if moved:
        data = data_of(criterion)
        if data:
            raise WouldBreak(_("Criterion %(code)s cannot change its kind or group: these units have data on it. "
                               "Nothing was changed.", code=criterion.code), data)
    if values.max_points is not None and values.max_points < criterion.max_points:
        above = _scores_above(criterion, values.max_points)
        if above:
            raise WouldBreak(_("The maximum of %(code)s cannot go below %(max)s: these units already have a "
                               "higher score. Nothing was changed.", code=criterion.code,
                               max=fmt_points(values.max_points)), above)


def _scores_above(criterion: Criterion, maximum: Decimal) -> list[str]:
    lines = db.session.execute(db.select(ScoreLine, Unit.name).join(Unit, Unit.id == ScoreLine.unit_id).where(
        ScoreLine.criterion_id == criterion.id,
        db.or_(ScoreLine.self_score > maximum, ScoreLine.approved_score > maximum))).all()
    result = []
    for line, name in sorted(lines, key=lambda pair: pair[1]):
        scores = []
        if line.self_score is not None and line.self_score > maximum:
            scores.append(_("self-score %(score)s (%(state)s)", score=fmt_points(line.self_score),
                            state=label(line.state)))
        if line.approved_score is not None and line.approved_score > maximum:
            scores.append(_("approved score %(score)s", score=fmt_points(line.approved_score)))
        result.append(f"{name}: {', '.join(scores)}")
    return result


def remove_criterion(criterion: Criterion, version: int | None, admin) -> None:
    """Remove a group without items, or an item no unit has data on (its empty rows go with it)."""
    campaign = criterion.campaign
    ensure_campaign_open_for_changes(campaign)
    ensure_result_unlocked(campaign)
    if version is None or version != criterion.version:
        raise Conflict()
    if criterion.children:
        raise WouldBreak(_("Group %(code)s still has items; remove them or move them to another group first. "
                           "Nothing was changed.", code=criterion.code),
                         [f"{c.code} {c.title}" for c in sorted(criterion.children, key=lambda c: c.position)])
    data = data_of(criterion)
    if data:
        raise WouldBreak(_("Criterion %(code)s cannot be removed: these units have data on it. "
                           "Nothing was changed.", code=criterion.code), data)
    before = _snapshot(criterion)
    line_ids = db.select(ScoreLine.id).where(ScoreLine.criterion_id == criterion.id).scalar_subquery()
    # the notifications about the item (its addition, a new deadline) would lead nowhere
    db.session.execute(db.delete(Notification).where(Notification.subject_type == "score_line",
                                                     Notification.subject_id.in_(line_ids)))
    db.session.execute(db.delete(Commitment).where(Commitment.criterion_id == criterion.id))
    db.session.execute(db.delete(ScoreLine).where(ScoreLine.criterion_id == criterion.id))
    criterion_id = criterion.id
    db.session.delete(criterion)
    flush_or_conflict()
    append("criterion_removed", "criterion", criterion_id, admin, before=before)
    live.bump(live.SCOREBOARD)


def move_criterion(criterion: Criterion, step: int, admin) -> Criterion:
    """Move a group or item one place up (``step`` -1) or down (+1) among its siblings.

    Positions are written with plain UPDATEs, so reordering does not bump the rows' version: an
    administrator editing the same item meanwhile is not told it changed (its content did not)."""
    campaign = criterion.campaign
    ensure_campaign_open_for_changes(campaign)
    ensure_result_unlocked(campaign)
    siblings = sorted((c for c in campaign.criteria if c.parent_id == criterion.parent_id),
                      key=lambda c: (c.position, c.id))
    index = siblings.index(criterion)
    target = index + step
    if not 0 <= target < len(siblings):
        return criterion
    siblings[index], siblings[target] = siblings[target], siblings[index]
    base = min(c.position for c in siblings)
    for offset, sibling in enumerate(siblings):
        if sibling.position != base + offset:
            db.session.execute(db.update(Criterion).where(Criterion.id == sibling.id)
                               .values(position=base + offset).execution_options(synchronize_session=False))
    db.session.expire_all()
    append("criterion_moved", "criterion", criterion.id, admin, before={"position": index}, after={"position": target})
    live.bump(live.SCOREBOARD)
    return criterion


# --- notifications --------------------------------------------------------------------------------

def _notify(criterion: Criterion, data: dict) -> None:
    """Each unit with a score line for the item hears what changed (one notification per officer)."""
    lines = db.session.execute(db.select(ScoreLine).where(
        ScoreLine.campaign_id == criterion.campaign_id, ScoreLine.criterion_id == criterion.id)).scalars().all()
    for line in lines:
        notify_about(line, "criterion_changed", dict(
            data, title=criterion.title[:200], deadline=criterion.reporting_deadline(criterion.campaign).isoformat()))
