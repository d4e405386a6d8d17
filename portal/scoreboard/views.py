"""The live scoreboard: overall and per cluster; a poll that answers 204 while nothing changed and
otherwise serves the table rendered once per version from the shared cache."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from portal import live
from portal.campaign.services import current_campaign
from portal.extensions import db
from portal.access import roles_required, unauthenticated
from portal.ceremony.stages import stage_for
from portal.models import Cluster, DisplayLink, Role
from portal.scoreboard import services
from portal.scoreboard.present import present
from portal.workflow import WorkflowError

bp = Blueprint("scoreboard", __name__)
LIVE_ROLES = (Role.REVIEWER, Role.ADMIN)


def _context():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    state = services.state_for(campaign)
    live_view = current_user.role in LIVE_ROLES
    if not live_view and not state.published:
        from portal.errors import render_error

        abort(current_app.make_response(render_error(403, _("The scoreboard has not been published yet."))))
    return campaign, state, live_view


def _view_arg() -> str:
    """"overall" or an existing cluster's id (anything else would fill the cache with junk views)."""
    view = request.args.get("view", "overall")
    if view == "overall" or not view.isdigit() or len(view) > 9:
        return "overall"
    exists = db.session.execute(db.select(Cluster.id).where(Cluster.id == int(view))).scalar()
    return view if exists else "overall"


def _live(campaign, view: str, live_view: bool, version: int):
    """The live table (with its poll) for this view and version: rendered once, then from the cache.
    Nothing in it depends on the viewer; the page marks the officer's own unit (portal.js)."""
    variant = f"{'live' if live_view else 'public'}:{view}"  # the same key as the poll's lookup

    def build(rows, movement):
        shown = rows if view == "overall" else sorted(
            [r for r in rows if str(r["cluster_id"]) == view], key=lambda r: (r["cluster_rank"], r["code"]))
        table = Markup(render_template("scoreboard/_table.html", rows=present(shown, view), movement=movement,
                                       view=view))
        return render_template("scoreboard/_live.html", view=view, version=version, table=table)

    return services.rendered(campaign, variant, version, build, lambda: services.visible_rows(campaign, live_view))


@bp.get("/")
@login_required
def page():
    campaign, state, live_view = _context()
    clusters = db.session.execute(db.select(Cluster).order_by(Cluster.code)).scalars().all()
    view = _view_arg()
    version = live.current(live.SCOREBOARD)
    return render_template("scoreboard/page.html", campaign=campaign, state=state, clusters=clusters, view=view,
                           live=Markup(_live(campaign, view, live_view, version).html), live_view=live_view)


@bp.get("/table")
def table():
    """The poll: 204 while the version the page shows is current — answered with one read (the counter
    joined with the live session), without loading the user; anything else goes through the full checks."""
    version = live.current_for_session(live.SCOREBOARD, session.get("_user_id"))
    if version is None:  # no live session: ended, expired or never signed in
        return unauthenticated()
    if request.args.get("v", type=int) == version:
        return "", 204
    if not current_user.is_authenticated:
        return unauthenticated()
    board = services.current_board()
    if board is None:
        abort(404)
    live_view = current_user.role in LIVE_ROLES
    if not live_view and not board[1]:
        abort(403)
    view = _view_arg()
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    body = services.cached_body(board[0], f"{'live' if live_view else 'public'}:{view}", version, compressed)
    if body is None:  # first request for this version: render it (once, for every worker)
        campaign, _state, live_view = _context()
        entry = _live(campaign, view, live_view, version)
        body = entry.html_gzip if compressed else entry.html
    response = current_app.make_response(body)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Vary"] = "Accept-Encoding"
    return response




# --- the administrator's control page: publish, freeze, reveal, display links, snapshot ----------

admin_only = roles_required(Role.ADMIN)


def _admin_campaign():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/control")
@admin_only
def control():
    campaign = _admin_campaign()
    state = services.state_for(campaign)
    links = db.session.execute(db.select(DisplayLink).where(DisplayLink.campaign_id == campaign.id)
                               .order_by(DisplayLink.created_at.desc())).scalars().all()
    stages = services.reveal_stages(state.frozen_standings) if state.frozen_standings else 0
    stage = stage_for(state.frozen_standings or [], state.reveal_step, state.frozen_at is not None)
    db.session.commit()
    return render_template("scoreboard/control.html", campaign=campaign, state=state, links=links, stages=stages,
                           stage=stage, new_link=session.pop("new_display_link", None))


def _control_action(action):
    campaign = _admin_campaign()
    try:
        action(campaign)
        db.session.commit()
    except WorkflowError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for(".control"), code=303)


@bp.post("/control/publish")
@admin_only
def publish():
    return _control_action(lambda c: services.set_published(c, current_user, request.form.get("published") == "1"))


@bp.post("/control/freeze")
@admin_only
def freeze():
    return _control_action(lambda c: services.freeze(c, current_user))


@bp.post("/control/unfreeze")
@admin_only
def unfreeze():
    return _control_action(lambda c: services.unfreeze(c, current_user))


@bp.post("/control/reveal/<direction>")
@admin_only
def reveal(direction: str):
    delta = {"next": 1, "back": -1, "reset": -10**6}.get(direction)
    if delta is None:
        abort(404)
    return _control_action(lambda c: services.step_reveal(c, current_user, delta))


@bp.post("/control/links")
@admin_only
def create_link():
    campaign = _admin_campaign()
    token = services.create_display_link(campaign, current_user, request.form.get("label", ""))
    db.session.commit()
    session["new_display_link"] = url_for("ceremony.screen", token=token, _external=True)  # shown once
    return redirect(url_for(".control"), code=303)


@bp.post("/control/links/<int:link_id>/revoke")
@admin_only
def revoke_link(link_id: int):
    link = db.get_or_404(DisplayLink, link_id)
    services.revoke_display_link(link, current_user)
    db.session.commit()
    flash(_("The display link no longer works."), "success")
    return redirect(url_for(".control"), code=303)


@bp.get("/control/snapshot.html")
@admin_only
def snapshot():
    """One self-contained HTML file of the ceremony as it stands, for a hall without network."""
    from pathlib import Path

    from portal.ceremony.views import stage_context

    campaign = _admin_campaign()
    css = (Path(current_app.static_folder) / "css" / "ceremony.css").read_text(encoding="utf-8")
    html = render_template("ceremony/snapshot.html", css=Markup(css), token=None, **stage_context(campaign))
    response = current_app.make_response(html)
    response.headers["Content-Disposition"] = f'attachment; filename="bang-xep-hang-{campaign.year}.html"'
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


@bp.get("/export.xlsx")
@login_required
def export():
    from portal.scoreboard.export import scoreboard_workbook

    campaign, _state, live_view = _context()
    data = scoreboard_workbook(campaign.name, services.visible_rows(campaign, live_view))
    response = current_app.make_response(data)
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="bang-xep-hang-{campaign.year}.xlsx"'
    return response
