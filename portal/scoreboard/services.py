"""The scoreboard as people see it: live or frozen standings as plain rows, the render cache keyed
by version, publication, freeze, the staged reveal and display links."""
from __future__ import annotations

import gzip
import hashlib
import secrets
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import live
from portal.access import Action, ensure
from portal.audit.services import append
from portal.extensions import db
from portal.models import Campaign, Cluster, DisplayLink, RenderedScoreboard, ScoreboardState, User, utcnow
from portal.scoreboard.ranking import compute_standings
from portal.workflow import WorkflowError

KEEP_VERSIONS = 5  # rendered tables kept per variant (older ones are deleted as new ones come)


def state_for(campaign: Campaign) -> ScoreboardState:
    state = db.session.get(ScoreboardState, campaign.id)
    if state is None:
        state = ScoreboardState(campaign_id=campaign.id, published=False, reveal_step=0)
        db.session.add(state)
        db.session.flush()
    return state


def _num(value: Decimal) -> str:
    return format(value, "f")


def standings_rows(campaign: Campaign) -> list[dict]:
    """Live standings as plain values: what the tables render and what a freeze keeps."""
    standings = compute_standings(campaign)
    clusters = dict(db.session.execute(sa.select(Cluster.id, Cluster.name)).all())
    return [{
        "unit_id": s.unit.id, "code": s.unit.code, "name": s.unit.name, "short_name": s.unit.short_name,
        "cluster_id": s.unit.cluster_id, "cluster": clusters.get(s.unit.cluster_id, ""),
        "rank": s.rank, "cluster_rank": s.cluster_rank, "tied": s.tied, "cluster_tied": s.cluster_tied,
        "total": _num(s.total), "bonus": _num(s.bonus), "deductions": _num(s.deductions),
        "provisional": _num(s.provisional), "classification": s.classification.value,
        "groups": [{"code": g.code, "title": g.title, "approved": _num(g.approved), "maximum": _num(g.maximum)}
                   for g in s.groups],
        "approved_items": s.approved_items, "submitted_items": s.submitted_items, "total_items": s.total_items,
        "ended": s.ended,
    } for s in standings.units]


def visible_rows(campaign: Campaign, live_view: bool) -> list[dict]:
    """Reviewers and admins see live figures; everyone else the frozen ones while frozen."""
    state = state_for(campaign)
    if not live_view and state.frozen_at is not None and state.frozen_standings is not None:
        return state.frozen_standings
    return standings_rows(campaign)


# The cached answer's whole cost is these two reads, so they are plain SQL on the session's connection.
_CURRENT_BOARD = sa.text(
    "SELECT c.id, COALESCE(s.published, :no) FROM campaign c LEFT JOIN scoreboard_state s ON s.campaign_id = c.id "
    "ORDER BY c.is_current DESC, c.year DESC LIMIT 1")
_CACHED = {
    True: sa.text("SELECT html_gzip FROM rendered_scoreboard WHERE campaign_id = :c AND variant = :v AND version = :n"),
    False: sa.text("SELECT html FROM rendered_scoreboard WHERE campaign_id = :c AND variant = :v AND version = :n"),
}


def current_board() -> tuple[int, bool] | None:
    """(current campaign id, published?) in one read."""
    row = db.session.connection().execute(_CURRENT_BOARD, {"no": False}).first()
    return (row[0], bool(row[1])) if row else None


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
    db.session.commit()
    return entry


# --- administration ---------------------------------------------------------------------------

def _changed(action: str, campaign: Campaign, admin: User, after: dict) -> None:
    append(action, "scoreboard", campaign.id, admin, after=after)
    live.bump(live.SCOREBOARD)


def set_published(campaign: Campaign, admin: User, published: bool) -> None:
    ensure(admin, Action.ADMINISTER)
    state_for(campaign).published = published
    _changed("publish" if published else "unpublish", campaign, admin, {"published": published})


def freeze(campaign: Campaign, admin: User) -> None:
    ensure(admin, Action.ADMINISTER)
    state = state_for(campaign)
    if state.frozen_at is not None:
        raise WorkflowError(_("The scoreboard is already frozen."))
    state.frozen_standings = standings_rows(campaign)
    state.frozen_at = utcnow()
    state.reveal_step = 0
    _changed("freeze", campaign, admin, {"units": len(state.frozen_standings)})


def unfreeze(campaign: Campaign, admin: User) -> None:
    ensure(admin, Action.ADMINISTER)
    state = state_for(campaign)
    state.frozen_at, state.frozen_standings, state.reveal_step = None, None, 0
    _changed("unfreeze", campaign, admin, {})


def reveal_stages(rows: list[dict]) -> int:
    """Steps of the reveal: one per unit (last to first), one per cluster's leader, then the awards."""
    clusters = {r["cluster_id"] for r in rows}
    return len(rows) + len(clusters) + 1


def step_reveal(campaign: Campaign, admin: User, delta: int) -> int:
    ensure(admin, Action.ADMINISTER)
    state = state_for(campaign)
    if state.frozen_at is None:
        raise WorkflowError(_("Freeze the scoreboard before the reveal."))
    state.reveal_step = max(0, min(state.reveal_step + delta, reveal_stages(state.frozen_standings)))
    _changed("reveal", campaign, admin, {"step": state.reveal_step})
    return state.reveal_step


def create_display_link(campaign: Campaign, admin: User, label: str) -> str:
    """Returns the token, which is shown once; only its hash is kept."""
    ensure(admin, Action.ADMINISTER)
    label = (label or "").strip()[:100] or _("Projector")
    token = secrets.token_urlsafe(32)
    db.session.add(DisplayLink(campaign_id=campaign.id, token_hash=token_hash(token), label=label,
                               created_by_id=admin.id))
    append("display_link", "scoreboard", campaign.id, admin, after={"label": label})
    return token


def revoke_display_link(link: DisplayLink, admin: User) -> None:
    ensure(admin, Action.ADMINISTER)
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        append("revoke_link", "scoreboard", link.campaign_id, admin, after={"label": link.label})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_link_for(token: str) -> DisplayLink | None:
    link = db.session.execute(sa.select(DisplayLink).where(DisplayLink.token_hash == token_hash(token))).scalar_one_or_none()
    return link if link is not None and link.revoked_at is None else None
