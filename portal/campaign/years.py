"""The year switch: which campaign a page shows.

The year travels in the URL (``?year=2024``), not in the session: a link to an earlier year's
scoreboard or scorecard is shareable and bookmarkable, the back button works, two tabs can show two
years, and no page the user did not ask about changes year behind their back.  Without ``year`` a
page shows the current campaign, exactly as before."""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user

from portal.campaign import services
from portal.models import Campaign
from portal.parsing import positive_int

bp = Blueprint("years", __name__)


def year_arg() -> int | None:
    """The ``year`` the URL asks for; None for "the current campaign"; a malformed one is 404."""
    raw = request.args.get("year")
    if raw is None or raw == "":
        return None
    year = positive_int(raw, maximum=services.LAST_YEAR)
    if year is None:
        abort(404)
    return year


def chosen_campaign_or_404() -> Campaign:
    """The campaign of ``?year=`` as the signed-in user may see it, else the current one;
    404 for a year with no campaign (or a draft, for a unit officer)."""
    campaign = services.campaign_for(current_user, year_arg())
    if campaign is None:
        abort(404)
    return campaign


def year_args(campaign: Campaign | None) -> dict:
    """URL arguments that keep the page on ``campaign``: nothing for the current campaign."""
    if campaign is None or campaign.is_current or campaign.id == getattr(services.current_campaign(), "id", None):
        return {}
    return {"year": campaign.year}


@bp.app_context_processor
def _year_switch():
    return {"switchable_campaigns": lambda: services.campaigns_for(current_user), "year_args": year_args,
            "is_earlier_year": services.is_earlier_year, "current_campaign": services.current_campaign,
            "organization": services.organization, "portal_organization": services.portal_organization}
