"""A campaign's review chain: its ordered levels, who acts at each, and where an item goes next.

A campaign without configured levels has the chain of one item-by-item level at which every
reviewer and administrator acts — the single review step the portal had before. Score lines and
registrations enter at level 1 when submitted and move up one level at each approval; a score line
reaches the official total when the last item or scorecard level has approved it. A unit's
scorecard (:class:`portal.models.Scorecard`) follows its lines: it waits at a scorecard level once
every line has reached it, and its sign-off moves all of them at once."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from portal import workflow
from portal.access import Denied
from portal.extensions import db
from portal.models import (
    Criterion,
    CriterionKind,
    LevelScope,
    Registration,
    ReviewLevel,
    ReviewStep,
    Role,
    Scorecard,
    ScorecardState,
    ScoreLine,
    ScoreState,
    utcnow,
)

REVIEWING_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


@dataclass(frozen=True)
class Level:
    position: int
    name: str
    scope: LevelScope
    # None: the implicit single level, at which every reviewer and administrator acts.
    member_ids: frozenset[int] | None

    @property
    def reviews_items(self) -> bool:
        return self.scope is LevelScope.ITEM

    @property
    def reviews_scorecards(self) -> bool:
        return self.scope is LevelScope.SCORECARD

    def acts(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if self.member_ids is None:
            return user.role in REVIEWING_ROLES
        return user.id in self.member_ids


def _implicit() -> Level:
    return Level(1, _("Review"), LevelScope.ITEM, None)


def levels(campaign_or_id) -> list[Level]:
    """The campaign's chain in order (one query per request and campaign)."""
    campaign_id = getattr(campaign_or_id, "id", campaign_or_id)
    cache = g.setdefault("review_chains", {}) if has_app_context() else {}
    if campaign_id not in cache:
        rows = db.session.execute(
            db.select(ReviewLevel).where(ReviewLevel.campaign_id == campaign_id)
            .options(selectinload(ReviewLevel.members)).order_by(ReviewLevel.position)).scalars().all()
        cache[campaign_id] = ([Level(i, row.name, row.scope, frozenset(u.id for u in row.members))
                               for i, row in enumerate(rows, start=1)] or [_implicit()])
    return cache[campaign_id]


def forget(campaign_id: int | None = None) -> None:
    """Drop the request's remembered chains (after the chain itself was edited)."""
    if has_app_context():
        chains = g.get("review_chains")
        if chains is not None:
            chains.pop(campaign_id, None) if campaign_id is not None else chains.clear()


@event.listens_for(Session, "after_flush")
def _forget_edited_chains(session, _context) -> None:
    """A level added, changed or removed: the request's remembered chains are out of date."""
    if any(isinstance(obj, ReviewLevel) for obj in (*session.new, *session.dirty, *session.deleted)):
        forget()


def is_multilevel(campaign) -> bool:
    return len(levels(campaign)) > 1


def level_at(campaign, position: int) -> Level:
    chain = levels(campaign)
    return chain[min(max(position, 1), len(chain)) - 1]


def score_levels(campaign) -> list[Level]:
    """The levels a score line passes (item and scorecard levels), in order."""
    return [level for level in levels(campaign) if level.scope is not LevelScope.RANKING]


def item_levels(campaign) -> list[Level]:
    return [level for level in levels(campaign) if level.scope is LevelScope.ITEM]


def ranking_level(campaign) -> Level | None:
    return next((level for level in levels(campaign) if level.scope is LevelScope.RANKING), None)


def next_level(obj, campaign_id: int) -> Level | None:
    """Where ``obj`` goes when approved at its level: the next item level (a registration), the next
    item or scorecard level (a score line or a scorecard), or None: the approval is final."""
    passes = item_levels(campaign_id) if isinstance(obj, Registration) else score_levels(campaign_id)
    return next((level for level in passes if level.position > obj.level), None)


def acting_levels(user, campaign) -> list[Level]:
    """The item and scorecard levels ``user`` acts at (their queues)."""
    return [level for level in score_levels(campaign) if level.acts(user)]


def ensure_acts(user, obj) -> Level:
    """Raise :class:`Denied` (403) unless ``user`` acts at the level ``obj`` waits at; the level.
    A nomination is reviewed at the first level (the council decides it on its own page)."""
    level = level_at(obj.campaign_id, getattr(obj, "level", 1))
    if not level.acts(user):
        raise Denied(403)
    return level


def waiting_at(obj) -> Level | None:
    """The level a submitted item or scorecard waits at (for the officer: "đang ở cấp …")."""
    if obj.state.value != "submitted":
        return None
    return level_at(obj.campaign_id, obj.level)


def record_step(obj, level: Level, action: str, user, *, score=None, previous=None, reason: str = "",
                at: datetime | None = None) -> ReviewStep:
    step = ReviewStep(campaign_id=obj.campaign_id, subject_type=workflow.subject_type(obj), subject_id=obj.id,
                      unit_id=obj.unit_id, level=level.position, level_name=level.name, action=action,
                      score=score, previous_score=previous, reason=reason or "",
                      actor_id=getattr(user, "id", None), at=at or utcnow())
    db.session.add(step)
    return step


def steps_for(obj) -> list[ReviewStep]:
    return db.session.execute(db.select(ReviewStep).where(
        ReviewStep.subject_type == workflow.subject_type(obj), ReviewStep.subject_id == obj.id)
        .options(selectinload(ReviewStep.actor)).order_by(ReviewStep.at, ReviewStep.id)).scalars().all()


def earlier_figures(lines: list[ScoreLine]) -> dict[int, object]:
    """Per line: the figure the level before the current decision gave (the previous step's score)."""
    if not lines:
        return {}
    rows = db.session.execute(db.select(ReviewStep.subject_id, ReviewStep.score, ReviewStep.level).where(
        ReviewStep.subject_type == "score_line", ReviewStep.subject_id.in_([line.id for line in lines]),
        ReviewStep.action.in_(("approve", "adjust"))).order_by(ReviewStep.at, ReviewStep.id)).all()
    by_line: dict[int, list] = {}
    for line_id, score, level in rows:
        by_line.setdefault(line_id, []).append((level, score))
    figures = {}
    for line in lines:
        earlier = [score for level, score in by_line.get(line.id, []) if level < line.level]
        if earlier:
            figures[line.id] = earlier[-1]
    return figures


# --- the unit's scorecard -------------------------------------------------------------------------

_held: ContextVar[bool] = ContextVar("scorecard_sync_held", default=False)


@contextmanager
def scorecard_sync_held():
    """While a scorecard is signed off its lines move one by one; its state is settled once, after."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def scored_criteria_ids(campaign_id: int) -> set[int]:
    groups = {c.id for c in db.session.execute(db.select(Criterion).where(
        Criterion.campaign_id == campaign_id, Criterion.parent_id.is_(None),
        Criterion.kind == CriterionKind.GROUP)).scalars()}
    return set(db.session.execute(db.select(Criterion.id).where(Criterion.parent_id.in_(groups))).scalars()) \
        if groups else set()


def scorecard_position(campaign_id: int, lines: list[ScoreLine]) -> tuple[ScorecardState, int]:
    """Where a unit's scorecard stands, from its lines: waiting (some line has not reached the first
    scorecard level, or a scored item is not submitted), submitted at the lowest level its lines wait
    at, or approved (nothing waits)."""
    first = next(level.position for level in score_levels(campaign_id) if level.scope is LevelScope.SCORECARD)
    claimed = {line.criterion_id for line in lines if line.state in (ScoreState.SUBMITTED, ScoreState.APPROVED)}
    waiting = [line.level for line in lines if line.state is ScoreState.SUBMITTED]
    if not scored_criteria_ids(campaign_id) <= claimed or any(level < first for level in waiting):
        return ScorecardState.WAITING, first
    if waiting:
        return ScorecardState.SUBMITTED, min(waiting)
    return ScorecardState.APPROVED, max((line.level for line in lines), default=first)


def scorecard_for(campaign_id: int, unit_id: int) -> Scorecard | None:
    return db.session.execute(db.select(Scorecard).where(
        Scorecard.campaign_id == campaign_id, Scorecard.unit_id == unit_id)).scalar_one_or_none()


def unit_lines(campaign_id: int, unit_id: int) -> list[ScoreLine]:
    return db.session.execute(db.select(ScoreLine).where(
        ScoreLine.campaign_id == campaign_id, ScoreLine.unit_id == unit_id)).scalars().all()


def sync_scorecard(campaign_id: int, unit_id: int, user, now: datetime) -> Scorecard | None:
    """Bring the unit's scorecard in step with its lines (campaigns with a scorecard level only)."""
    if not any(level.scope is LevelScope.SCORECARD for level in levels(campaign_id)):
        return None
    state, position = scorecard_position(campaign_id, unit_lines(campaign_id, unit_id))
    scorecard = scorecard_for(campaign_id, unit_id)
    if scorecard is None:
        if state is ScorecardState.WAITING:
            return None  # nothing to show until it first reaches its level
        scorecard = Scorecard(campaign_id=campaign_id, unit_id=unit_id, state=state, level=position)
        db.session.add(scorecard)
        db.session.flush([scorecard])
        was = (None, None)
    else:
        was = (scorecard.state, scorecard.level)
        if was == (state, position):
            return scorecard
    arriving = state is ScorecardState.SUBMITTED and was != (state, position)
    scorecard.state, scorecard.level = state, position
    if arriving:
        scorecard.submitted_at = now
        from portal.audit.services import append

        append("arrive", "scorecard", scorecard.id, user, unit_id=unit_id,
               from_state=was[0].value if was[0] else None, to_state=state.value,
               after={"level": level_at(campaign_id, position).name}, at=now)
    # Its queue row follows through the workflow's listeners (this module sits below the queue).
    workflow.announce(workflow.Change(scorecard, "submit" if arriving else "wait", user, now, transition=True))
    if arriving:
        from portal.notifications.services import notify_level

        notify_level(level_at(campaign_id, position), scorecard, "scorecard_arrived")
    return scorecard


def follow(change) -> None:
    """Workflow listener: a score line that moved may move its unit's scorecard."""
    if change.transition and isinstance(change.obj, ScoreLine) and not _held.get():
        sync_scorecard(change.obj.campaign_id, change.obj.unit_id, change.user, change.at)

