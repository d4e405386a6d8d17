"""The ceremony's administration: publication, freeze, the staged reveal and display links.

Only these write services create the scoreboard's state row, by insert-or-ignore (two first
writes at once never collide); reading it (``portal.scoreboard.services.read_state``) never writes."""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from portal import live
from portal.access import Action, ensure
from portal.audit.services import append
from portal.ceremony.stages import AwardPage, award_pages, reveal_stages
from portal.extensions import db
from portal.models import Campaign, DisplayLink, ScoreboardState, User, utcnow
from portal.nominations.services import awarded
from portal.scoreboard.services import incomplete_units, standings_rows
from portal.workflow import WorkflowError

# Insert-or-ignore in one statement (SQLite and PostgreSQL alike).
_ENSURE_STATE = sa.text(
    "INSERT INTO scoreboard_state (campaign_id, published, reveal_step) VALUES (:c, :no, 0) "
    "ON CONFLICT (campaign_id) DO NOTHING")


def state_for_update(campaign: Campaign) -> ScoreboardState:
    """The campaign's state row, created if missing, locked for this transaction where the database can."""
    with db.session.no_autoflush:
        db.session.execute(_ENSURE_STATE, {"c": campaign.id, "no": False})
    return db.session.get(ScoreboardState, campaign.id, with_for_update=True, populate_existing=True)


def _changed(action: str, campaign: Campaign, admin: User, after: dict) -> None:
    append(action, "scoreboard", campaign.id, admin, after=after)
    live.bump(live.SCOREBOARD)


def set_published(campaign: Campaign, admin: User, published: bool) -> None:
    ensure(admin, Action.ADMINISTER)
    state_for_update(campaign).published = published
    _changed("publish" if published else "unpublish", campaign, admin, {"published": published})


def freeze(campaign: Campaign, admin: User) -> list[dict]:
    """Keeps the standings of this moment for the public and the ceremony; returns the units not yet
    fully reviewed (frozen as "not yet classifiable"), for the administrator's warning."""
    ensure(admin, Action.ADMINISTER)
    state = state_for_update(campaign)
    if state.frozen_at is not None:
        raise WorkflowError(_("The scoreboard is already frozen."))
    state.frozen_standings = standings_rows(campaign)
    state.frozen_at = utcnow()
    state.reveal_step = 0
    incomplete = incomplete_units(state.frozen_standings)
    _changed("freeze", campaign, admin, {"units": len(state.frozen_standings), "incomplete": len(incomplete)})
    return incomplete


def unfreeze(campaign: Campaign, admin: User) -> None:
    ensure(admin, Action.ADMINISTER)
    state = state_for_update(campaign)
    state.frozen_at, state.frozen_standings, state.reveal_step = None, None, 0
    _changed("unfreeze", campaign, admin, {})


def step_reveal(campaign: Campaign, admin: User, delta: int) -> list[dict]:
    """Moves the reveal; returns the frozen units not yet fully reviewed (never revealed as classified)."""
    ensure(admin, Action.ADMINISTER)
    state = state_for_update(campaign)
    if state.frozen_at is None:
        raise WorkflowError(_("Freeze the scoreboard before the reveal."))
    last = reveal_stages(state.frozen_standings, len(award_screen_pages(campaign)))
    state.reveal_step = max(0, min(state.reveal_step + delta, last))
    _changed("reveal", campaign, admin, {"step": state.reveal_step})
    return incomplete_units(state.frozen_standings)


def award_screen_pages(campaign: Campaign) -> list[AwardPage]:
    """The awards stage's pages: the campaign's award list (decisions recorded), a few nominees a page."""
    return award_pages(awarded(campaign))


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


def display_links(campaign: Campaign) -> list[DisplayLink]:
    return db.session.execute(sa.select(DisplayLink).where(DisplayLink.campaign_id == campaign.id)
                              .order_by(DisplayLink.created_at.desc())).scalars().all()
