"""The ceremony: the administrator's control page (publication, freeze, reveal, display links, the
one-file snapshot) and the ceremony screen, reached through a display link (no account), which
shows the ceremony and nothing else, follows the reveal within one poll and stops working when the
link is revoked."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from portal import live
from portal.access import roles_required
from portal.actions import perform
from portal.campaign.services import current_campaign_or_404
from portal.ceremony import services
from portal.ceremony.forms import ReopenForm
from portal.ceremony.stages import reveal_stages, stage_for, unit_name
from portal.extensions import db
from portal.labels import label
from portal.locking import reopen_campaign
from portal.models import AwardLevel, Campaign, CampaignState, DisplayLink, Role
from portal.parsing import parse_int, positive_int
from portal.scoreboard.services import incomplete_units, official_result, read_state, visible_rows

# Registered without a prefix: the screen lives under /display, the control page beside the scoreboard.
bp = Blueprint("ceremony", __name__)
admin_only = roles_required(Role.ADMIN)
REVEAL_MOVES = {"next": 1, "back": -1, "reset": -10**6}

# The award page's subtitle: the level of the award and whom it goes to, as the hall hears it.
AWARD_LEVELS = {AwardLevel.SECTOR: _l("Sector-level award"), AwardLevel.PROVINCE: _l("Provincial-level award"),
                AwardLevel.CENTRAL: _l("Central-level award")}


@bp.app_template_filter("ceremony_unit_name")
def ceremony_unit_name(row: dict) -> str:
    return unit_name(row)


@bp.app_template_filter("award_heading")
def award_heading(award) -> str:
    return f"{AWARD_LEVELS[award.level]} · {label(award.nominee)}"


def _link_and_campaign(token: str):
    link = services.display_link_for(token)
    if link is None:
        abort(404)
    campaign = db.session.get(Campaign, link.campaign_id)
    if campaign is None:
        abort(404)
    return link, campaign


def stage_context(campaign) -> dict:
    state = read_state(campaign)
    rows = visible_rows(campaign, live_view=False, state=state)
    frozen = state.frozen_at is not None
    stage = stage_for(rows, state.reveal_step, frozen, services.award_screen_pages(campaign) if frozen else None)
    return {"campaign": campaign, "stage": stage, "frozen": frozen, "version": live.current(live.SCOREBOARD),
            "result": official_result(campaign)}


@bp.get("/display/<token>")
def screen(token: str):
    _link, campaign = _link_and_campaign(token)
    return render_template("ceremony/screen.html", token=token, **stage_context(campaign))


@bp.get("/display/<token>/stage")
def stage(token: str):
    """The screen's poll: 204 while nothing changed (a revoked link gets 404 at once)."""
    _link, campaign = _link_and_campaign(token)
    version = live.current(live.SCOREBOARD)
    try:
        shown = parse_int(request.args.get("v"), minimum=0)
    except ValueError:
        shown = None
    if shown == version:
        return "", 204
    return render_template("ceremony/_stage.html", token=token, **stage_context(campaign))


# --- the administrator's control page -----------------------------------------------------------

@bp.get("/scoreboard/control")
@admin_only
def control():
    """Reads only: a campaign whose scoreboard was never touched shows the defaults."""
    return _control_page(current_campaign_or_404(), ReopenForm())


def _control_page(campaign, reopen_form: ReopenForm, status: int = 200):
    state = read_state(campaign)
    rows = state.frozen_standings if state.frozen_at is not None else visible_rows(campaign, True, state)
    awards = services.award_screen_pages(campaign)
    stages = reveal_stages(state.frozen_standings, len(awards)) if state.frozen_standings else 0
    stage = stage_for(state.frozen_standings or [], state.reveal_step, state.frozen_at is not None, awards)
    return render_template("ceremony/control.html", campaign=campaign, state=state,
                           links=services.display_links(campaign), stages=stages, stage=stage,
                           incomplete=incomplete_units(rows or []), new_link=session.pop("new_display_link", None),
                           closed=campaign.state is CampaignState.CLOSED, reopen_form=reopen_form), status


@bp.post("/scoreboard/control/reopen")
@admin_only
def reopen():
    """Reopen the closed campaign, with a reason (audited); a missing reason is shown beside the field."""
    campaign = current_campaign_or_404()
    form = ReopenForm()
    if not form.validate():
        return _control_page(campaign, form, 422)
    outcome = perform(reopen_campaign, campaign, current_user, form.reason.data)
    if not outcome.ok:
        if outcome.refusal.field == "reason":
            form.reason.errors = [outcome.message]
            return _control_page(campaign, form, outcome.status)
        flash(outcome.message, "error")
        return redirect(url_for(".control"), code=303)
    flash(_("The campaign was reopened for scoring; its results can change again until it is closed."), "success")
    return redirect(url_for(".control"), code=303)


def _answer(outcome, success: str | None = None):
    """Back to the control page with the refusal, or the success; freeze and reveal return the units
    not fully reviewed, which the administrator is warned about by name."""
    if not outcome.ok:
        flash(outcome.message, "error")
    elif success:
        flash(success, "success")
    elif isinstance(outcome.value, list) and outcome.value:
        flash(_("Not fully reviewed yet, so shown as not yet classifiable with a provisional rank: %(units)s",
                units=", ".join(u["short_name"] for u in outcome.value)), "warning")
    return redirect(url_for(".control"), code=303)


@bp.post("/scoreboard/control/publish")
@admin_only
def publish():
    published = request.form.get("published") == "1"
    return _answer(perform(services.set_published, current_campaign_or_404(), current_user, published))


@bp.post("/scoreboard/control/freeze")
@admin_only
def freeze():
    return _answer(perform(services.freeze, current_campaign_or_404(), current_user))


@bp.post("/scoreboard/control/unfreeze")
@admin_only
def unfreeze():
    return _answer(perform(services.unfreeze, current_campaign_or_404(), current_user))


@bp.post("/scoreboard/control/reveal/<direction>")
@admin_only
def reveal(direction: str):
    delta = REVEAL_MOVES.get(direction)
    if delta is None:
        abort(404)
    return _answer(perform(services.step_reveal, current_campaign_or_404(), current_user, delta))


@bp.post("/scoreboard/control/links")
@admin_only
def create_link():
    outcome = perform(services.create_display_link, current_campaign_or_404(), current_user,
                      request.form.get("label", ""))
    if outcome.ok:
        session["new_display_link"] = url_for(".screen", token=outcome.value, _external=True)  # shown once
    return _answer(outcome)


@bp.post("/scoreboard/control/links/<link_id>/revoke")
@admin_only
def revoke_link(link_id: str):
    number = positive_int(link_id)
    link = db.session.get(DisplayLink, number) if number is not None else None
    if link is None:
        abort(404)
    return _answer(perform(services.revoke_display_link, link, current_user), _("The display link no longer works."))


@bp.get("/scoreboard/control/snapshot.html")
@admin_only
def snapshot():
    """One self-contained HTML file of the ceremony as it stands, for a hall without network."""
    campaign = current_campaign_or_404()
    css = (Path(current_app.static_folder) / "css" / "ceremony.css").read_text(encoding="utf-8")
    html = render_template("ceremony/snapshot.html", css=Markup(css), token=None, **stage_context(campaign))
    response = current_app.make_response(html)
    response.headers["Content-Disposition"] = f'attachment; filename="bang-xep-hang-{campaign.year}.html"'
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response
