"""The ceremony screen, reached through a display link (no account): it shows the ceremony and
nothing else, follows the reveal within one poll, and stops working when the link is revoked."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal import live
from portal.ceremony.stages import stage_for
from portal.extensions import db
from portal.models import Campaign
from portal.scoreboard import services

bp = Blueprint("ceremony", __name__)


def _link_and_campaign(token: str):
    link = services.display_link_for(token)
    if link is None:
        abort(404)
    campaign = db.session.get(Campaign, link.campaign_id)
    if campaign is None:
        abort(404)
    return link, campaign


def stage_context(campaign) -> dict:
    state = services.state_for(campaign)
    rows = services.visible_rows(campaign, live_view=False)
    frozen = state.frozen_at is not None
    from portal.nominations.services import awarded

    stage = stage_for(rows, state.reveal_step, frozen)
    return {"campaign": campaign, "stage": stage, "frozen": frozen, "version": live.current(live.SCOREBOARD),
            "awards": awarded(campaign) if stage.kind == "awards" else []}


@bp.get("/<token>")
def screen(token: str):
    _link, campaign = _link_and_campaign(token)
    return render_template("ceremony/screen.html", token=token, **stage_context(campaign))


@bp.get("/<token>/stage")
def stage(token: str):
    """The screen's poll: 204 while nothing changed (a revoked link gets 404 at once)."""
    _link, campaign = _link_and_campaign(token)
    version = live.current(live.SCOREBOARD)
    if request.args.get("v", type=int) == version:
        return "", 204
    return render_template("ceremony/_stage.html", token=token, **stage_context(campaign))


