"""Ranking and classification (DESIGN.md §4), from SQL aggregates.

Unit total = Σ approved scores of scored items + Σ approved bonus (capped) − Σ approved deductions
(capped). Standard competition ranking (1, 2, 2, 4) overall and within each cluster; ties broken by
the campaign's rule (default: higher bonus, then fewer deductions); units still equal share the rank
and are marked tied. The provisional (self-scored) total is shown beside and never ranked.

Three queries whatever the number of units and score lines: the units, the criteria, and
one aggregate grouped by unit, criteria group, state and review level (the level tells how far a
unit's lines have come through a review chain: ``portal.scoreboard.progress``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from portal import clock
from portal.collation import vi_key
from portal.extensions import db
from portal.models import (
    Campaign,
    Classification,
    Criterion,
    CriterionKind,
    ScoreLine,
    ScoreState,
    TieBreak,
    Unit,
    UnitKind,
)

ZERO = Decimal(0)


@dataclass
class GroupScore:
    criterion_id: int
    code: str
    title: str
    maximum: Decimal
    approved: Decimal = ZERO
    provisional: Decimal = ZERO


@dataclass
class UnitStanding:
    unit: Unit
    groups: list[GroupScore]
    bonus: Decimal = ZERO
    deductions: Decimal = ZERO
    provisional: Decimal = ZERO
    approved_items: int = 0
    submitted_items: int = 0
    total_items: int = 0
    scored_items: int = 0      # scored items the campaign's criteria set has (what a full scorecard holds)
    pending_claims: int = 0    # bonus and deduction lines submitted and not yet approved
    rank: int = 0
    cluster_rank: int = 0
    tied: bool = False
    cluster_tied: bool = False
    classification: Classification | None = None
    ended: bool = False
    # (state, level) → number of the unit's lines, scored items and bonus/deduction claims apart:
    # where the lines stand in the review chain (portal.scoreboard.progress reads them).
    scored_lines: Counter = field(default_factory=Counter)
    claim_lines: Counter = field(default_factory=Counter)

    @property
    def complete(self) -> bool:
        """Fully reviewed, so classifiable.

        A unit's scorecard is fully reviewed when (1) every scored item of the campaign's criteria set
        has an approved score — ``approved_items`` counts the unit's approved lines under the scored
        groups, ``scored_items`` the items those groups hold, so a scorecard with missing, draft,
        submitted or returned lines is not complete — and (2) no bonus or deduction line the unit has
        submitted is still waiting for review (a draft or returned claim is not claimed, and counts
        nothing either way).  Until then the unit is ranked on its approved scores, its rank is
        provisional and it has no classification."""
        return self.scored_items > 0 and self.approved_items >= self.scored_items and self.pending_claims == 0

    @property
    def total(self) -> Decimal:
        return sum((g.approved for g in self.groups), ZERO) + self.bonus - self.deductions

    def tie_key(self, rule: TieBreak) -> tuple:
        """Larger is better."""
        if rule is TieBreak.NONE:
            return (self.total,)
        return (self.total, self.bonus, -self.deductions)


@dataclass
class Standings:
    campaign: Campaign
    units: list[UnitStanding]
    clusters: dict[int, list[UnitStanding]] = field(default_factory=dict)


def _capped(values: dict[int, Decimal], caps: dict[int, Decimal]) -> Decimal:
    return sum((min(value, caps[group]) for group, value in values.items()), ZERO)


def compute_standings(campaign: Campaign, as_of: date | None = None) -> Standings:
    year_end = date(campaign.year, 12, 31)
    units = db.session.execute(
        sa.select(Unit).where(Unit.kind != UnitKind.PROVINCIAL_BOARD, Unit.cluster_id.is_not(None),
                              Unit.valid_from <= year_end,
                              # a unit that ended in an earlier year is not in this year's ranking
                              sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= date(campaign.year, 1, 1)))
        .order_by(Unit.code)).scalars().all()
    criteria = db.session.execute(
        sa.select(Criterion).where(Criterion.campaign_id == campaign.id).order_by(Criterion.position)).scalars().all()
    groups = [c for c in criteria if c.parent_id is None]
    approved = sa.case((ScoreLine.state == ScoreState.APPROVED, ScoreLine.approved_score), else_=0)
    # Grouped by state and review level too (what the chain's progress column reads); the sums of a
    # unit's group are then added up here, still one query.
    rows = db.session.execute(
        sa.select(ScoreLine.unit_id, Criterion.parent_id, ScoreLine.state, ScoreLine.level,
                  sa.func.sum(approved), sa.func.sum(sa.func.coalesce(ScoreLine.self_score, 0)),
                  sa.func.count(ScoreLine.id))
        .join(Criterion, Criterion.id == ScoreLine.criterion_id)
        .where(ScoreLine.campaign_id == campaign.id)
        .group_by(ScoreLine.unit_id, Criterion.parent_id, ScoreLine.state, ScoreLine.level)).all()
    by_unit: dict[int, dict[int, tuple]] = {}
    at_levels: dict[int, dict[int, Counter]] = {}
    for unit_id, group_id, state, level, approved_sum, self_sum, count in rows:
        sums = by_unit.setdefault(unit_id, {}).get(group_id, (ZERO, ZERO, 0, 0, 0))
        by_unit[unit_id][group_id] = (
            sums[0] + Decimal(approved_sum or 0), sums[1] + Decimal(self_sum or 0), sums[2] + count,
            sums[3] + (count if state is ScoreState.APPROVED else 0),
            sums[4] + (count if state in (ScoreState.SUBMITTED, ScoreState.APPROVED) else 0))
        at_levels.setdefault(unit_id, {}).setdefault(group_id, Counter())[(state, level)] += count

    scored = [g for g in groups if g.kind is CriterionKind.GROUP]
    caps = {g.id: g.max_points for g in groups}
    bonus_groups = {g.id for g in groups if g.kind is CriterionKind.BONUS_GROUP}
    deduction_groups = {g.id for g in groups if g.kind is CriterionKind.DEDUCTION_GROUP}
    scored_ids = {g.id for g in scored}
    scored_items = sum(1 for c in criteria if c.parent_id in scored_ids)
    today = as_of or clock.today()
    standings = []
    for unit in units:
        sums = by_unit.get(unit.id, {})
        standing = UnitStanding(
            unit=unit,
            groups=[GroupScore(g.id, g.code, g.title, g.max_points,
                               min(sums.get(g.id, (ZERO,))[0], g.max_points),
                               min(sums.get(g.id, (ZERO, ZERO))[1], g.max_points)) for g in scored],
            bonus=_capped({g: v[0] for g, v in sums.items() if g in bonus_groups}, caps),
            deductions=_capped({g: v[0] for g, v in sums.items() if g in deduction_groups}, caps),
            ended=unit.valid_to is not None and unit.valid_to < min(today, year_end),
        )
        standing.provisional = (sum((g.provisional for g in standing.groups), ZERO)
                                + _capped({g: v[1] for g, v in sums.items() if g in bonus_groups}, caps)
                                - _capped({g: v[1] for g, v in sums.items() if g in deduction_groups}, caps))
        items = [v for g, v in sums.items() if g in scored_ids]
        standing.scored_items = scored_items
        standing.total_items = max(sum(v[2] for v in items), scored_items)
        standing.approved_items = sum(v[3] for v in items)
        standing.submitted_items = sum(v[4] for v in items)
        standing.pending_claims = sum(v[4] - v[3] for g, v in sums.items() if g in bonus_groups | deduction_groups)
        standing.classification = campaign.classify(standing.total)
        for group_id, counts in at_levels.get(unit.id, {}).items():
            if group_id in scored_ids:
                standing.scored_lines.update(counts)
            elif group_id in bonus_groups | deduction_groups:
                standing.claim_lines.update(counts)
        standings.append(standing)

    rank_in_place(standings, campaign.tie_break, "rank", "tied")
    clusters: dict[int, list[UnitStanding]] = {}
    for standing in standings:
        clusters.setdefault(standing.unit.cluster_id, []).append(standing)
    for members in clusters.values():
        rank_in_place(members, campaign.tie_break, "cluster_rank", "cluster_tied")
    # Units sharing a rank stand in Vietnamese alphabetical order of their names.
    names = {s.unit.id: (vi_key(s.unit.short_name or s.unit.name), s.unit.code) for s in standings}
    standings.sort(key=lambda s: (s.rank, names[s.unit.id]))
    for members in clusters.values():
        members.sort(key=lambda s: (s.cluster_rank, names[s.unit.id]))
    return Standings(campaign, standings, clusters)


def rank_in_place(standings: list[UnitStanding], rule: TieBreak, rank_attr: str, tied_attr: str) -> None:
    """Standard competition ranking: 1 + the number of units strictly ahead; equal keys share a rank."""
    keys = [s.tie_key(rule) for s in standings]
    counts = Counter(keys)
    rank, previous = 0, None
    for position, index in enumerate(sorted(range(len(keys)), key=keys.__getitem__, reverse=True), start=1):
        if keys[index] != previous:
            rank, previous = position, keys[index]
        setattr(standings[index], rank_attr, rank)
        setattr(standings[index], tied_attr, counts[keys[index]] > 1)
