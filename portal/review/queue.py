"""The approval queue's rows, kept in step with their subjects.

Each reviewable kind has an adapter that says where it belongs (campaign, unit, cluster, task
group) and what the queue shows of it; :func:`follow` listens to the workflow's transitions.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from portal import live
from portal.extensions import db
from portal.models import Criterion, Nomination, QueueItem, Registration, Scorecard, ScoreLine, Unit


def _unit_fields(unit_id: int) -> dict:
    cluster_id = db.session.execute(db.select(Unit.cluster_id).where(Unit.id == unit_id)).scalar()
    return {"unit_id": unit_id, "cluster_id": cluster_id}


def _score_line(line: ScoreLine) -> dict:
    criterion = db.session.get(Criterion, line.criterion_id)
    return {
        "campaign_id": line.campaign_id, **_unit_fields(line.unit_id), "task_group_id": criterion.parent_id,
        "criterion_id": criterion.id, "self_score": line.self_score, "approved_score": line.approved_score,
    }


def _registration(registration: Registration) -> dict:
    return {"campaign_id": registration.campaign_id, **_unit_fields(registration.unit_id),
            "task_group_id": None, "criterion_id": None, "self_score": None, "approved_score": None}


def _scorecard(scorecard) -> dict:
    """A scorecard's row shows the unit's totals: Σ self-scores and Σ the figures given so far."""
    self_total, figure_total = db.session.execute(
        db.select(db.func.sum(ScoreLine.self_score), db.func.sum(ScoreLine.approved_score))
        .where(ScoreLine.campaign_id == scorecard.campaign_id, ScoreLine.unit_id == scorecard.unit_id,
               ScoreLine.state.in_(("submitted", "approved")))).one()
    return {"campaign_id": scorecard.campaign_id, **_unit_fields(scorecard.unit_id),
            "task_group_id": None, "criterion_id": None, "self_score": self_total, "approved_score": figure_total}


def _nomination(nomination) -> dict:
    return {"campaign_id": nomination.campaign_id, **_unit_fields(nomination.unit_id),
            "task_group_id": None, "criterion_id": None, "self_score": None, "approved_score": None}


ADAPTERS: dict[type, tuple[str, Callable]] = {
    ScoreLine: ("score_line", _score_line),
    Registration: ("registration", _registration),
    Nomination: ("nomination", _nomination),
    Scorecard: ("scorecard", _scorecard),
}
KINDS = [kind for kind, _adapter in ADAPTERS.values()]


IN_SCORECARD = "in_scorecard"


def _queue_state(obj) -> str:
    """The row's state: the item's own, except for a score line waiting at a scorecard level, which
    is in no queue of its own there (its unit's scorecard is) — so each level's queue is one range
    of the (campaign, state, level) index."""
    if isinstance(obj, ScoreLine) and obj.state.value == "submitted":
        from portal import chain

        if chain.level_at(obj.campaign_id, obj.level).reviews_scorecards:
            return IN_SCORECARD
    return obj.state.value


def follow(change) -> None:
    """Workflow listener: every transition of a reviewable item updates its queue row."""
    if change.transition and type(change.obj) in ADAPTERS:
        sync(change.obj, change.action, change.user, change.at)


def sync(obj, action: str, user, now: datetime) -> QueueItem:
    kind, adapter = ADAPTERS[type(obj)]
    fields = adapter(obj)  # before a new row joins the session (its autoflush would insert it half-filled)
    item = db.session.execute(
        db.select(QueueItem).where(QueueItem.subject_type == kind, QueueItem.subject_id == obj.id)
    ).scalar_one_or_none()
    if item is None:
        item = QueueItem(subject_type=kind, subject_id=obj.id, submissions=0)
        db.session.add(item)
    for key, value in fields.items():
        setattr(item, key, value)
    item.state = _queue_state(obj)
    item.level = getattr(obj, "level", 1)
    item.gap = (item.approved_score - item.self_score
                if item.approved_score is not None and item.self_score is not None else Decimal(0))
    if action == "submit":
        item.submitted_at = now
        item.submissions = (item.submissions or 0) + 1
        item.decided_at = item.decided_by_id = None
    elif action in ("wait", "refresh"):  # a scorecard whose lines moved, or whose figures changed: no decision
        pass
    else:
        item.decided_at = now
        item.decided_by_id = user.id
        if item.state == "submitted":  # moved to another level of the chain: it waits there from now
            item.submitted_at = now
    live.bump(live.QUEUE)
    return item
