"""The scoreboard as people see it: live or frozen standings as plain rows, and the render cache
keyed by everything the bytes depend on (audience, language, view) and the data's version.

Reading never writes: a campaign without a state row reads as unpublished, not frozen, step 0.
The row is created by the ceremony's write services (``portal.ceremony.services``)."""
from __future__ import annotations

import gzip
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa

from portal.collation import vi_sorted
from portal.extensions import db
from portal.models import Campaign, Cluster, FinalResult, RenderedScoreboard, ScoreboardState
from portal.scoreboard.progress import chain_stages
from portal.scoreboard.ranking import compute_standings

KEEP_VERSIONS = 5  # rendered tables kept per variant (older ones are deleted as new ones come)


def read_state(campaign: Campaign) -> ScoreboardState:
    """The campaign's scoreboard state; when none was written yet, the defaults (never added to the session)."""
    state = db.session.get(ScoreboardState, campaign.id)
    if state is None:
        state = ScoreboardState(campaign_id=campaign.id, published=False, frozen_at=None, frozen_standings=None,
                                reveal_step=0)
    return state


def official_result(campaign: Campaign | None) -> FinalResult | None:
    """The campaign's final result as the scoreboard and the ceremony show it: only while approved and
    locked (``portal.results`` approves and unlocks it, and bumps the scoreboard's counter each time)."""
    if campaign is None:
        return None
    return db.session.execute(sa.select(FinalResult).where(
        FinalResult.campaign_id == campaign.id, FinalResult.locked.is_(True))).scalar_one_or_none()


def is_complete(row: dict) -> bool:
    """A row's "fully reviewed" flag (see ``UnitStanding.complete``).  Rows frozen before the flag existed
    carry the counts it derives from, so they read the same way."""
    if "complete" in row:
        return bool(row["complete"])
    return row.get("total_items", 0) > 0 and row.get("approved_items", 0) >= row.get("total_items", 0)


def incomplete_units(rows: list[dict]) -> list[dict]:
    """Units not yet classifiable, in Vietnamese alphabetical order."""
    return vi_sorted([r for r in rows if not is_complete(r)], key=lambda r: r["short_name"])


def _num(value: Decimal) -> str:
    return format(value, "f")


def standings_rows(campaign: Campaign) -> list[dict]:
    """Live standings as plain values: what the tables render and what a freeze keeps.
    An incomplete unit has no classification (``None``) and ``complete`` false; in a review chain of
    several levels ``chain`` says how far its scorecard has come (else None)."""
    standings = compute_standings(campaign)
    stages = chain_stages(campaign, standings) or {}
    clusters = dict(db.session.execute(sa.select(Cluster.id, Cluster.name)).all())
    return [{
        "unit_id": s.unit.id, "code": s.unit.code, "name": s.unit.name, "short_name": s.unit.short_name,
        "cluster_id": s.unit.cluster_id, "cluster": clusters.get(s.unit.cluster_id, ""),
        "rank": s.rank, "cluster_rank": s.cluster_rank, "tied": s.tied, "cluster_tied": s.cluster_tied,
        "total": _num(s.total), "bonus": _num(s.bonus), "deductions": _num(s.deductions),
        "provisional": _num(s.provisional), "complete": s.complete,
        "classification": s.classification.value if s.complete else None,
        "groups": [{"code": g.code, "title": g.title, "approved": _num(g.approved), "maximum": _num(g.maximum)}
                   for g in s.groups],
        "approved_items": s.approved_items, "submitted_items": s.submitted_items, "total_items": s.total_items,
        "ended": s.ended, "ended_on": s.unit.valid_to.isoformat() if s.ended else None,
        "chain": stages.get(s.unit.id),
    } for s in standings.units]


def visible_rows(campaign: Campaign, live_view: bool, state: ScoreboardState | None = None) -> list[dict]:
    """Reviewers and admins see live figures; everyone else the frozen ones while frozen."""
    state = state if state is not None else read_state(campaign)
    if not live_view and state.frozen_at is not None and state.frozen_standings is not None:
        return state.frozen_standings
    return standings_rows(campaign)


# The cached answer's whole cost is these two reads, so they are plain SQL on the session's connection.
_CURRENT_BOARD = sa.text(
    "SELECT c.id, COALESCE(s.published, :no) FROM campaign c LEFT JOIN scoreboard_state s ON s.campaign_id = c.id "
    "ORDER BY c.is_current DESC, c.year DESC LIMIT 1")
# The board of one year (the poll names the year its page shows) — or, for a poll that names none,
# the current campaign's — with the campaign's state (unit officers never see a draft) and the role
# of the account whose live session asks (None if it is not active).
_BOARD_COLUMNS = (
    "SELECT c.id, COALESCE(s.published, :no), (SELECT a.role FROM user_session u JOIN user_account a "
    "ON a.id = u.user_id WHERE u.token_hash = :token_hash AND a.active), c.state "
    "FROM campaign c LEFT JOIN scoreboard_state s ON s.campaign_id = c.id ")
_BOARD_FOR = {
    True: sa.text(_BOARD_COLUMNS + "WHERE c.year = :year"),
    False: sa.text(_BOARD_COLUMNS + "ORDER BY c.is_current DESC, c.year DESC LIMIT 1"),
}
_CACHED = {
    True: sa.text("SELECT html_gzip FROM rendered_scoreboard WHERE campaign_id = :c AND variant = :v AND version = :n"),
    False: sa.text("SELECT html FROM rendered_scoreboard WHERE campaign_id = :c AND variant = :v AND version = :n"),
}


def current_board() -> tuple[int, bool] | None:
    """(current campaign id, published?) in one read."""
    row = db.session.connection().execute(_CURRENT_BOARD, {"no": False}).first()
    return (row[0], bool(row[1])) if row else None


def board_for(token_hash: str, year: int | None) -> tuple[int, bool, str | None, str] | None:
    """(campaign id of ``year`` — the current campaign's when None —, published?, the asking account's
    role, the campaign's state) in one read: a poll that answers with data needs no user load.
    The year, not "the current campaign", because the cached bytes belong to one campaign: a page
    showing 2024 must never receive 2025's table, and a page opened before the administrator made
    another year current keeps its own."""
    row = db.session.connection().execute(
        _BOARD_FOR[year is not None], {"no": False, "token_hash": token_hash, "year": year}).first()
    return (row[0], bool(row[1]), row[2], row[3]) if row else None


def cached_body(campaign_id: int, variant: str, version: int, compressed: bool) -> str | bytes | None:
    """Just the one column an answer needs (the html or its gzip copy), or None if not rendered yet."""
    return db.session.connection().execute(
        _CACHED[compressed], {"c": campaign_id, "v": variant, "n": version}).scalar()


def rendered(campaign: Campaign, variant: str, version: int, build: Callable[[list[dict], dict], str],
             rows: Callable[[], list[dict]]) -> RenderedScoreboard:
    """The table for (variant, version): from the cache, or rendered now and stored for every worker."""
    cached = db.session.execute(sa.select(RenderedScoreboard).where(
        RenderedScoreboard.campaign_id == campaign.id, RenderedScoreboard.variant == variant,
        RenderedScoreboard.version == version)).scalar_one_or_none()
    if cached is not None:
        return cached
    previous = db.session.execute(sa.select(RenderedScoreboard.ranks).where(
        RenderedScoreboard.campaign_id == campaign.id, RenderedScoreboard.variant == variant,
        RenderedScoreboard.version < version).order_by(RenderedScoreboard.version.desc()).limit(1)).scalar()
    data = rows()
    movement = {}
    if previous:
        for row in data:
            before = previous.get(str(row["unit_id"]))
            movement[row["unit_id"]] = 0 if before is None else before - row["rank"]
    html = build(data, movement)
    entry = RenderedScoreboard(campaign_id=campaign.id, variant=variant, version=version, html=html,
                               html_gzip=gzip.compress(html.encode("utf-8"), compresslevel=6),
                               ranks={str(r["unit_id"]): r["rank"] for r in data})
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except sa.exc.IntegrityError:  # another worker rendered the same version first
        return db.session.execute(sa.select(RenderedScoreboard).where(
            RenderedScoreboard.campaign_id == campaign.id, RenderedScoreboard.variant == variant,
            RenderedScoreboard.version == version)).scalar_one()
    db.session.execute(sa.delete(RenderedScoreboard).where(
        RenderedScoreboard.campaign_id == campaign.id, RenderedScoreboard.variant == variant,
        RenderedScoreboard.version < version - KEEP_VERSIONS))
    return entry



def variant(live_view: bool, lang: str, view: str) -> str:
    """What a rendered table depends on besides the campaign (its own column of the key) and the
    version: the figures (live or public), the language (headers, labels, the decimal separator) and
    the view.  The viewer's own unit is marked
    in the browser (portal.js), outside the cached bytes."""
    return f"{'live' if live_view else 'public'}:{lang}:{view}"
