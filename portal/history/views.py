"""Earlier years, read only: a unit's history page (totals, ranks, classifications and awards across
the years, with a small chart) and a unit's scorecard of any year with its evidence.

Nothing here writes and no page has a form that changes anything: the editing pages (the
workspace, the review queue) stay on the current campaign, and the services refuse every change to
an earlier year (``portal.workflow.ensure_campaign_open_for_changes``).
Unit officers see their own unit only (another unit is "not found"); reviewers, administrators and
council members see every unit."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.access import Action, decide
from portal.campaign.services import campaign_for, campaigns_for
from portal.collation import vi_sorted
from portal.extensions import db
from portal.history.chart import total_chart
from portal.history.services import unit_history
from portal.models import Evidence, Role, Unit, UnitKind
from portal.orgs.services import predecessors
from portal.scoreboard.services import read_state
from portal.workflow import is_earlier_year
from portal.workspace.services import build_scorecard

bp = Blueprint("history", __name__)
RANK_ALWAYS = (Role.REVIEWER, Role.ADMIN)  # as on the scoreboard: others see ranks once a year's board is published


def get_unit_or_404(code: str) -> Unit:
    """The unit whose history is asked for; a unit officer may only ask for their own unit and the
    ended units it took over (its predecessors, along the chain of successors)."""
    unit = db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is None or not unit.is_ranked:
        abort(404)
    if current_user.role is Role.UNIT_OFFICER and unit.id != current_user.unit_id \
            and unit.id not in {p.id for p in predecessors(current_user.unit)}:
        abort(404)  # officers must not learn which other units exist
    return unit


def _ranks_shown(campaign) -> bool:
    return current_user.role in RANK_ALWAYS or read_state(campaign).published


@bp.get("/")
@login_required
def index():
    """Officers go straight to their unit's history; everyone else chooses a unit."""
    if current_user.role is Role.UNIT_OFFICER:
        return redirect(url_for(".unit", code=current_user.unit.code))
    units = db.session.execute(db.select(Unit).where(Unit.kind != UnitKind.PROVINCIAL_BOARD)).scalars().all()
    return render_template("history/index.html", units=vi_sorted(units, key=lambda u: u.name),
                           campaigns=campaigns_for(current_user))


@bp.get("/units/<code>")
@login_required
def unit(code: str):
    unit = get_unit_or_404(code)
    visible = {c.id for c in campaigns_for(current_user)}
    records = [r for r in unit_history(unit) if r.campaign is None or r.campaign.id in visible]
    ranks = {r.year: _ranks_shown(r.campaign) for r in records if r.campaign is not None}
    return render_template("history/unit.html", unit=unit, records=records, ranks=ranks, chart=total_chart(records))


@bp.get("/units/<code>/<int:year>")
@login_required
def scorecard(code: str, year: int):
    """The unit's scorecard of ``year`` as it stands (final once the year is closed), read only."""
    unit = get_unit_or_404(code)
    campaign = campaign_for(current_user, year)
    if campaign is None:
        abort(404)
    card = build_scorecard(unit, campaign)
    evidence: dict[int, list[Evidence]] = {}
    for row in db.session.execute(db.select(Evidence).where(
            Evidence.campaign_id == campaign.id, Evidence.unit_id == unit.id).order_by(Evidence.id)).scalars():
        evidence.setdefault(row.criterion_id, []).append(row)
    files_open = decide(current_user, Action.VIEW, unit) is None  # the council reads the record, not the files
    return render_template("history/scorecard.html", unit=unit, campaign=campaign, card=card, evidence=evidence,
                           files_open=files_open, earlier=is_earlier_year(campaign),
                           years=campaigns_for(current_user))
