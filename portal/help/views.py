"""A short help page per role: what to do now, the deadlines, whom to ask."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from portal.campaign.services import campaign_for
from portal.help import services

bp = Blueprint("help", __name__)


@bp.get("/")
@login_required
def page():
    campaign = campaign_for(current_user)
    steps = services.steps_for(current_user.role, campaign) if campaign is not None else []
    return render_template("help/page.html", campaign=campaign, steps=steps,
                           contact=current_app.config.get("HELP_CONTACT", ""),
                           administrators=services.administrators())
