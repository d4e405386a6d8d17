"""The live scoreboard: overall and per cluster; a poll that answers 204 while nothing changed and
otherwise serves the table rendered once per version from the shared cache."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup

from portal import live
from portal.campaign.services import current_campaign
from portal.extensions import db
from portal.models import Cluster, Role
from portal.scoreboard import services

bp = Blueprint("scoreboard", __name__)
LIVE_ROLES = (Role.REVIEWER, Role.ADMIN)


def _context():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    state = services.state_for(campaign)
    live_view = current_user.role in LIVE_ROLES
    if not live_view and not state.published:
        abort(403)
    return campaign, state, live_view


def _view_arg(clusters) -> str:
    view = request.args.get("view", "overall")
    if view != "overall" and not any(str(c.id) == view for c in clusters):
        view = "overall"
    return view


def _table(campaign, view: str, live_view: bool, version: int) -> Markup:
    """The cached table for this view, with the signed-in officer's own unit marked."""
    variant = f"{'live' if live_view else 'public'}:{view}"

    def build(rows, movement):
        shown = rows if view == "overall" else sorted(
            [r for r in rows if str(r["cluster_id"]) == view], key=lambda r: (r["cluster_rank"], r["code"]))
        return render_template("scoreboard/_table.html", rows=shown, movement=movement, view=view,
                               groups=rows[0]["groups"] if rows else [])

    entry = services.rendered(campaign, variant, version, build, lambda: services.visible_rows(campaign, live_view))
    html = entry.html
    if current_user.unit_id:
        marker = f'data-unit="{current_user.unit_id}"'
        html = html.replace(f"<tr {marker}", f'<tr class="row--own" {marker}', 1)
    return Markup(html)


@bp.get("/")
@login_required
def page():
    campaign, state, live_view = _context()
    clusters = db.session.execute(db.select(Cluster).order_by(Cluster.code)).scalars().all()
    view = _view_arg(clusters)
    version = live.current(live.SCOREBOARD)
    return render_template("scoreboard/page.html", campaign=campaign, state=state, clusters=clusters, view=view,
                           version=version, table=_table(campaign, view, live_view, version), live_view=live_view)


@bp.get("/table")
@login_required
def table():
    """The poll: 204 while the version the page shows is current; else the cached table."""
    version = live.current(live.SCOREBOARD)
    if request.args.get("v", type=int) == version:
        return "", 204
    campaign, _state, live_view = _context()
    clusters = db.session.execute(db.select(Cluster).order_by(Cluster.code)).scalars().all()
    view = _view_arg(clusters)
    return render_template("scoreboard/_live.html", view=view, version=version,
                           table=_table(campaign, view, live_view, version))


