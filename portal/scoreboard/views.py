"""The live scoreboard: overall and per cluster; a poll that answers 204 while nothing changed and
otherwise serves the table rendered once per version, audience, language and view from the shared
cache.  The ceremony's control page lives in ``portal.ceremony``."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, session
from flask_login import current_user, login_required
from markupsafe import Markup

from portal import live
from portal.access import unauthenticated
from portal.campaign.years import chosen_campaign_or_404, year_arg
from portal.extensions import db
from portal.i18n import select_locale
from portal.models import CampaignState, Cluster, Role
from portal.models.session import hash_token
from portal.parsing import parse_int, positive_int
from portal.scoreboard import services
from portal.scoreboard.export import scoreboard_workbook
from portal.scoreboard.present import classification_text, present

bp = Blueprint("scoreboard", __name__)
LIVE_ROLES = (Role.REVIEWER, Role.ADMIN)

# The ceremony screen and the snapshot show classifications the same way as the table.
bp.add_app_template_filter(classification_text, "standing_classification")
bp.add_app_template_test(services.is_complete, "complete_standing")


def scoreboard_open() -> bool:
    """Whether the navigation offers the scoreboard: always to reviewers and administrators, to
    everyone else once it is published (one small read, only when the menu is drawn)."""
    if not current_user.is_authenticated:
        return False
    if current_user.role in LIVE_ROLES:
        return True
    board = services.current_board()
    return board is not None and board[1]


@bp.app_context_processor
def _navigation():
    return {"scoreboard_open": scoreboard_open}


def _context():
    campaign = chosen_campaign_or_404()  # ?year= shows an earlier year's board (read only, like every board)
    state = services.read_state(campaign)
    live_view = current_user.role in LIVE_ROLES
    if not live_view and not state.published:
        # Someone who typed the address: the whole site around an explanation, not a bare error.
        abort(current_app.make_response((render_template("scoreboard/unpublished.html", campaign=campaign), 403)))
    return campaign, state, live_view


def _view_arg() -> str:
    """"overall" or an existing cluster's id (anything else would fill the cache with junk views)."""
    cluster_id = positive_int(request.args.get("view"))
    if cluster_id is None:
        return "overall"
    exists = db.session.execute(db.select(Cluster.id).where(Cluster.id == cluster_id)).scalar()
    return str(cluster_id) if exists else "overall"


def _version_arg() -> int | None:
    try:
        return parse_int(request.args.get("v"), minimum=0)
    except ValueError:
        return None


def _live(campaign, view: str, live_view: bool, version: int, state=None):
    """The live table (with its poll) for this view and version: rendered once, then from the cache.
    Nothing in it depends on the viewer; the page marks the officer's own unit (portal.js)."""
    variant = services.variant(live_view, select_locale(), view)  # the same key as the poll's lookup

    def build(rows, movement):
        shown = rows if view == "overall" else [r for r in rows if str(r["cluster_id"]) == view]
        if view != "overall":
            shown = sorted(shown, key=lambda r: r["cluster_rank"])  # stable: the rank's names stay in order
        table = Markup(render_template("scoreboard/_table.html", rows=present(shown, view), movement=movement,
                                       view=view))
        return render_template("scoreboard/_live.html", view=view, version=version, table=table, year=campaign.year,
                               result=services.official_result(campaign))  # approving or unlocking bumps the version

    entry = services.rendered(campaign, variant, version, build,
                              lambda: services.visible_rows(campaign, live_view, state))
    db.session.commit()  # the rendered table is kept for every worker (a cache fill, not a change)
    return entry


@bp.get("/")
@login_required
def page():
    # The version first, then the state: a freeze or unfreeze committed in between moves the version
    # on, so these bytes are stored under a version that is already old (never served as current).
    version = live.current(live.SCOREBOARD)
    campaign, state, live_view = _context()
    clusters = Cluster.in_order(db.session.execute(db.select(Cluster)).scalars().all())
    view = _view_arg()
    return render_template("scoreboard/page.html", campaign=campaign, state=state, clusters=clusters, view=view,
                           live=Markup(_live(campaign, view, live_view, version, state).html), live_view=live_view)


@bp.get("/table")
def table():
    """The poll: 204 while the version the page shows is current — answered with one read (the counter
    joined with the live session and the account's role), without loading the user; after a change,
    the stored bytes for (view, language, version) after two more plain reads."""
    token = session.get("_user_id")
    version = live.current_for_session(live.SCOREBOARD, token)
    if version is None:  # no live session: ended, expired or never signed in
        return unauthenticated()
    if _version_arg() == version:
        return "", 204
    board = services.board_for(hash_token(token), year_arg())  # no year: a page from before the switch existed
    if board is None:
        abort(404)
    if board[2] is None:  # the account was disabled since the session check
        return unauthenticated()
    role = Role(board[2])  # read with the board: no user load
    if role is Role.UNIT_OFFICER and board[3] == CampaignState.DRAFT.value:
        abort(404)
    live_view = role in LIVE_ROLES
    if not live_view and not board[1]:
        abort(403)
    view = _view_arg()
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    body = services.cached_body(board[0], services.variant(live_view, select_locale(), view), version, compressed)
    if body is None:  # first request for this version: render it (once, for every worker)
        campaign, state, live_view = _context()
        entry = _live(campaign, view, live_view, version, state)
        body = entry.html_gzip if compressed else entry.html
    response = current_app.make_response(body)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    return response


@bp.get("/export.xlsx")
@login_required
def export():
    campaign, state, live_view = _context()
    data = scoreboard_workbook(campaign.name, services.visible_rows(campaign, live_view, state))
    response = current_app.make_response(data)
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="bang-xep-hang-{campaign.year}.xlsx"'
    return response
