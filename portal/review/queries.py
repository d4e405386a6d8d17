"""Reading the approval queue: filters from the URL, one page of rows, facet counts and the
signals that help judgement — a fixed number of queries whatever the page size."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, contains_eager

from portal.collation import vi_key, vi_sorted
from portal.extensions import db
from portal.models import Campaign, Criterion, Evidence, QueueItem, Unit, utcnow
from portal.parsing import positive_int
from portal import chain
from portal.review.queue import KINDS

STATES = ["submitted", "returned", "approved", "accepted", "all"]  # rows may also be "in_scorecard", "waiting"
SORTS = {
    "oldest": _l("Waiting longest"),
    "newest": _l("Newest first"),
    "unit": _l("Unit"),
    "criterion": _l("Criterion"),
    "gap": _l("Largest score gap"),
}
PER_PAGE = 25  # with the detail panel beside it, 25 rows fill a screen or two


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filter, sort and page, as they appear in the URL (bookmarkable)."""

    unit: int | None = None
    cluster: int | None = None
    group: int | None = None
    kind: str | None = None
    state: str = "submitted"
    age: int | None = None
    sort: str = "oldest"
    page: int = 1
    level: int | None = None  # the review level whose queue this is (None: the first)

    @classmethod
    def from_args(cls, args) -> "QueueFilters":
        kind = args.get("kind") or None
        state = args.get("state") or "submitted"
        sort = args.get("sort") or "oldest"
        return cls(
            unit=positive_int(args.get("unit")), cluster=positive_int(args.get("cluster")), group=positive_int(args.get("group")),
            kind=kind if kind in KINDS else None, state=state if state in STATES else "submitted",
            age=positive_int(args.get("age")), sort=sort if sort in SORTS else "oldest", page=positive_int(args.get("page")) or 1,
            level=positive_int(args.get("level")),
        )

    def args(self, **changes) -> dict:
        """Non-default values only, for url_for; ``changes`` override (e.g. page=2)."""
        values = asdict(replace(self, **changes))
        defaults = asdict(QueueFilters())
        return {k: v for k, v in values.items() if v is not None and v != defaults[k]}


@dataclass
class QueuePage:
    rows: list[QueueItem]
    total: int
    filters: QueueFilters
    state_counts: dict[str, int]
    kind_counts: dict[str, int]
    shared_evidence: set[tuple[int, int]] = field(default_factory=set)
    overdue_before: datetime | None = None
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def is_overdue(self, item: QueueItem) -> bool:
        return item.state == "submitted" and item.submitted_at is not None and item.submitted_at < self.overdue_before

    def shares_evidence(self, item: QueueItem) -> bool:
        return (item.unit_id, item.criterion_id) in self.shared_evidence


ITEM_KINDS = ("score_line", "registration", "nomination")


def _level_clauses(campaign: Campaign, f: QueueFilters, state: bool) -> list:
    """A level's queue: what waits at the level (in a chain of one level every row is at level 1),
    and — for the other states, once the chain signs off scorecards — the kinds its scope reviews.
    What waits at a level is exactly its kinds: a line at a scorecard level is "in_scorecard". The
    level is an equality right after the state in the filters' indexes, so each filter keeps its
    own index; the kinds are an inequality for an item level, so they never steer the plan there."""
    levels = chain.levels(campaign)
    level = chain.level_at(campaign, f.level or 1)
    clauses = [QueueItem.level == level.position] if state and f.state == "submitted" else []
    if level.reviews_scorecards:
        clauses.append(QueueItem.subject_type == "scorecard")  # its partial indexes
    elif not clauses and any(other.reviews_scorecards for other in levels):
        clauses.append(QueueItem.subject_type != "scorecard")
    return clauses


def _where(campaign: Campaign, f: QueueFilters, now: datetime, *, state: bool = True, kind: bool = True) -> list:
    clauses = [QueueItem.campaign_id == campaign.id, *_level_clauses(campaign, f, state)]
    if f.unit:
        clauses.append(QueueItem.unit_id == f.unit)
    if f.cluster:
        clauses.append(QueueItem.cluster_id == f.cluster)
    if f.group:
        clauses.append(QueueItem.task_group_id == f.group)
    if kind and f.kind:
        clauses.append(QueueItem.subject_type == f.kind)
    if state and f.state != "all":
        clauses.append(QueueItem.state == f.state)
    if f.age:
        clauses.append(QueueItem.submitted_at < now - timedelta(days=f.age))
    return clauses


def _order(f: QueueFilters, criterion):
    return {
        "oldest": [QueueItem.submitted_at.asc(), QueueItem.id.asc()],
        "newest": [QueueItem.submitted_at.desc(), QueueItem.id.desc()],
        "unit": [Unit.code.asc(), QueueItem.submitted_at.asc(), QueueItem.id.asc()],
        "criterion": [criterion.position.asc(), QueueItem.submitted_at.asc(), QueueItem.id.asc()],
        "gap": [QueueItem.gap.asc(), QueueItem.id.asc()],
    }[f.sort]


def queue_page(campaign: Campaign, f: QueueFilters, overdue_days: int, per_page: int | None = None,
               now: datetime | None = None) -> QueuePage:
    now = now or utcnow()
    per_page = per_page or PER_PAGE
    criterion = aliased(Criterion)
    # The page's ids first, from queue_item alone (its indexes give the order); then their rows with
    # unit and criterion. A join before LIMIT/OFFSET would sort every matching row.
    page_ids = (
        sa.select(QueueItem.id)
        .join(Unit, Unit.id == QueueItem.unit_id)
        .outerjoin(criterion, criterion.id == QueueItem.criterion_id)
        .where(*_where(campaign, f, now))
        .order_by(*_order(f, criterion))
        .limit(per_page).offset((f.page - 1) * per_page)
    ) if f.sort in ("unit", "criterion") else (
        sa.select(QueueItem.id).where(*_where(campaign, f, now)).order_by(*_order(f, criterion))
        .limit(per_page).offset((f.page - 1) * per_page)
    )
    rows = db.session.execute(
        sa.select(QueueItem)
        .join(Unit, Unit.id == QueueItem.unit_id)
        .outerjoin(criterion, criterion.id == QueueItem.criterion_id)
        .options(contains_eager(QueueItem.unit), contains_eager(QueueItem.criterion.of_type(criterion)))
        .where(QueueItem.id.in_(page_ids.scalar_subquery()))
        .order_by(*_order(f, criterion))
    ).scalars().all()
    state_counts, kind_counts, total = _facets(campaign, f, now)
    return QueuePage(rows, total, f, state_counts, kind_counts, shared_evidence_for(rows),
                     overdue_limit(overdue_days, now), per_page)


def _facet_index(f: QueueFilters) -> str:
    if f.unit:
        return "ix_queue_item_unit"
    if f.cluster:
        return "ix_queue_item_cluster"
    if f.group:
        return "ix_queue_item_group"
    return "ix_queue_item_facets"


def _facets(campaign: Campaign, f: QueueFilters, now: datetime) -> tuple[dict, dict, int]:
    """Counts per state (under the kind filter) for the tabs; per kind and the total under both
    filters, for the summary line (which must add up to what the list shows) — one grouped query."""
    stmt = (sa.select(QueueItem.state, QueueItem.subject_type, QueueItem.level, sa.func.count())
            .where(*_where(campaign, f, now, state=False, kind=False))
            .group_by(QueueItem.state, QueueItem.subject_type, QueueItem.level))
    # SQLite's planner, left alone, counts a filtered queue through the unfiltered index.
    stmt = stmt.with_hint(QueueItem, f"INDEXED BY {_facet_index(f)}", "sqlite")
    combos = db.session.execute(stmt).all()
    state_counts: dict[str, int] = {}
    kind_counts: dict[str, int] = {}
    total = 0
    waiting_level = chain.level_at(campaign, f.level or 1).position if chain.is_multilevel(campaign) else None
    for state, kind, level, count in combos:
        if state == "submitted" and waiting_level is not None and level != waiting_level:
            continue  # waiting at another level: in that level's queue
        kind_ok = f.kind is None or kind == f.kind
        state_ok = f.state == "all" or state == f.state
        if kind_ok:
            state_counts[state] = state_counts.get(state, 0) + count
        if kind_ok and state_ok:
            kind_counts[kind] = kind_counts.get(kind, 0) + count
            total += count
    state_counts["all"] = sum(state_counts.values())
    return state_counts, {k: kind_counts[k] for k in KINDS if k in kind_counts}, total


def shared_evidence_for(rows: list[QueueItem]) -> set[tuple[int, int]]:
    """(unit, criterion) pairs on this page whose evidence files also appear in another unit."""
    pairs = {(r.unit_id, r.criterion_id) for r in rows if r.criterion_id}
    if not pairs:
        return set()
    other = aliased(Evidence)
    found = db.session.execute(
        sa.select(Evidence.unit_id, Evidence.criterion_id).distinct()
        .where(sa.tuple_(Evidence.unit_id, Evidence.criterion_id).in_(pairs), Evidence.sha256.is_not(None))
        .where(sa.exists().where(other.sha256 == Evidence.sha256, other.unit_id != Evidence.unit_id))
    ).all()
    return {tuple(pair) for pair in found}


def open_count(campaign: Campaign | None, user=None) -> int:
    """What waits for review — in a chain of several levels, at the levels ``user`` acts at."""
    if campaign is None:
        return 0
    clauses = [QueueItem.campaign_id == campaign.id, QueueItem.state == "submitted"]
    if chain.is_multilevel(campaign):
        levels = chain.acting_levels(user, campaign)
        if not levels:
            return 0
        clauses.append(QueueItem.level.in_([level.position for level in levels]))
    return db.session.scalar(sa.select(sa.func.count()).select_from(QueueItem).where(*clauses)) or 0


def unit_gaps(campaign: Campaign) -> list[tuple[Unit, object, object, int]]:
    """Per unit: Σ self-scores and Σ approved scores of its decided score lines, and how many —
    the largest cut first, units with the same gap in Vietnamese order of their names."""
    rows = db.session.execute(
        sa.select(Unit, sa.func.sum(QueueItem.self_score), sa.func.sum(QueueItem.approved_score), sa.func.count())
        .join(QueueItem, QueueItem.unit_id == Unit.id)
        .where(QueueItem.campaign_id == campaign.id, QueueItem.state == "approved",
               QueueItem.subject_type == "score_line")
        .group_by(Unit.id)
    ).all()
    return sorted(rows, key=lambda r: (r[2] - r[1], vi_key(r[0].short_name)))


def overdue_limit(days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)


def shared_evidence_units(rows: list[Evidence]) -> dict[int, list[str]]:
    """For each file of an item: the other units that hold a file with the same SHA-256."""
    hashes = {e.sha256 for e in rows if e.sha256}
    if not hashes:
        return {}
    unit_id = rows[0].unit_id
    found = db.session.execute(
        sa.select(Evidence.sha256, Unit.short_name).distinct().join(Unit, Unit.id == Evidence.unit_id)
        .where(Evidence.sha256.in_(hashes), Evidence.unit_id != unit_id)).all()
    by_hash: dict[str, list[str]] = {}
    for sha, name in found:
        by_hash.setdefault(sha, []).append(name)
    return {e.id: vi_sorted(by_hash[e.sha256]) for e in rows if e.sha256 in by_hash}
