"""Reference data every signed-in user may read: units and clusters, the criteria tree, award types."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.campaign.services import campaign_for
from portal.collation import vi_sorted
from portal.extensions import db
from portal.models import AwardType, Cluster, Criterion, Unit

bp = Blueprint("reference", __name__)


@bp.get("/units")
@login_required
def units():
    clusters = Cluster.in_order(db.session.execute(
        db.select(Cluster).options(selectinload(Cluster.units))).scalars().all())
    members = {c.id: vi_sorted(c.units, key=lambda u: u.name) for c in clusters}
    unclustered = vi_sorted(db.session.execute(
        db.select(Unit).where(Unit.cluster_id.is_(None))).scalars().all(), key=lambda u: u.name)
    return render_template("reference/units.html", clusters=clusters, members=members, unclustered=unclustered)


@bp.get("/criteria")
@login_required
def criteria():
    campaign = campaign_for(current_user)
    groups = []
    if campaign is not None:
        groups = db.session.execute(
            db.select(Criterion)
            .where(Criterion.campaign_id == campaign.id, Criterion.parent_id.is_(None))
            .options(selectinload(Criterion.children))
            .order_by(Criterion.position)
        ).scalars().all()
    return render_template("reference/criteria.html", campaign=campaign, groups=groups)


@bp.get("/award-types")
@login_required
def award_types():
    campaign = campaign_for(current_user)
    items = []
    if campaign is not None:
        items = db.session.execute(
            db.select(AwardType).where(AwardType.campaign_id == campaign.id).order_by(AwardType.position)
        ).scalars().all()
    return render_template("reference/award_types.html", campaign=campaign, award_types=items)
