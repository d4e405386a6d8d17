"""The search page: a GET form that works without JavaScript; with htmx the results follow the typing."""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user, login_required

from portal import htmx
from portal.campaign.services import campaign_for
from portal.search import services

bp = Blueprint("search", __name__)

MAX_QUERY = 200


@bp.get("/")
@login_required
def page():
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    campaign = campaign_for(current_user)
    groups = services.search(current_user, query, campaign) if query else []
    context = {"query": query, "groups": groups, "campaign": campaign,
               "too_short": bool(query) and services.too_short(query)}
    template = "search/_results.html" if htmx.wants_partial("search-results") else "search/page.html"
    response = make_response(render_template(template, **context))
    response.headers["Vary"] = htmx.HX_REQUEST
    return response
