from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from portal.auth.forms import EmptyForm
from portal.auth.views import _safe_next
from portal.campaign.services import campaign_for
from portal.home.services import role_overview
from portal.models import Role

bp = Blueprint("home", __name__)

HOME_TEMPLATES = {
    Role.REVIEWER: "home/reviewer.html",
    Role.COUNCIL: "home/council.html",
    Role.ADMIN: "home/admin.html",
}


@bp.get("/")
@login_required
def index():
    if current_user.role is Role.UNIT_OFFICER:
        return redirect(url_for("workspace.dashboard"))  # the officer's home is the unit's workspace
    campaign = campaign_for(current_user)
    overview = role_overview(current_user, campaign)
    return render_template(HOME_TEMPLATES[current_user.role], campaign=campaign, **overview)


@bp.get("/healthz")
def healthz():
    """For load balancers and benchmarks: the framework's minimum, no session, no database."""
    return "ok", 200, {"Content-Type": "text/plain", "Cache-Control": "no-store"}


@bp.post("/language/<lang>")
def set_language(lang: str):
    """Switch the interface language; works signed in or not (the sign-in page has the switch)."""
    if EmptyForm().validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"), code=303)


