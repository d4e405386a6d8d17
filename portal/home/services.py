"""What each role's home page shows: figures from the current campaign, each one query."""
from __future__ import annotations

from sqlalchemy import func

from portal.extensions import db
from portal.models import AwardType, Campaign, Cluster, Criterion, CriterionKind, Role, Unit, UnitKind, User


def _criteria_summary(campaign: Campaign) -> dict:
    rows = db.session.execute(
        db.select(Criterion.kind, func.count(), func.sum(func.cast(Criterion.evidence_required, db.Integer)))
        .where(Criterion.campaign_id == campaign.id)
        .group_by(Criterion.kind)
    ).all()
    counts = {kind: (count, int(required or 0)) for kind, count, required in rows}
    return {
        "groups": counts.get(CriterionKind.GROUP, (0, 0))[0],
        "scored_items": counts.get(CriterionKind.ITEM, (0, 0))[0],
        "items_needing_evidence": counts.get(CriterionKind.ITEM, (0, 0))[1],
        "bonus_items": counts.get(CriterionKind.BONUS, (0, 0))[0],
        "deduction_items": counts.get(CriterionKind.DEDUCTION, (0, 0))[0],
    }


def _ranked_units_by_cluster() -> list[tuple[Cluster, int]]:
    """Clusters with how many ranked units each, in the administrator's order (``Cluster.in_order``)."""
    return Cluster.in_order(db.session.execute(
        db.select(Cluster, func.count(Unit.id))
        .join(Unit, Unit.cluster_id == Cluster.id)
        .where(Unit.kind != UnitKind.PROVINCIAL_BOARD)
        .group_by(Cluster.id)
    ).all(), cluster=lambda row: row[0])


def _my_levels(user: User, campaign: Campaign) -> list[tuple]:
    """In a review chain of several levels: the levels the reviewer acts at, each with what waits there."""
    from portal.models import QueueItem
    from portal import chain

    if not chain.is_multilevel(campaign):
        return []
    levels = chain.acting_levels(user, campaign)
    waiting = dict(db.session.execute(
        db.select(QueueItem.level, func.count()).where(
            QueueItem.campaign_id == campaign.id, QueueItem.state == "submitted",
            QueueItem.level.in_([level.position for level in levels])).group_by(QueueItem.level)).all()) if levels else {}
    return [(level, waiting.get(level.position, 0)) for level in levels]


def role_overview(user: User, campaign: Campaign | None) -> dict:
    if campaign is None:
        return {}
    overview: dict = {"criteria": _criteria_summary(campaign)}
    if user.role in (Role.REVIEWER, Role.ADMIN):
        overview["clusters"] = _ranked_units_by_cluster()
        overview["my_levels"] = _my_levels(user, campaign)
    if user.role in (Role.COUNCIL, Role.ADMIN):
        overview["award_types"] = db.session.execute(
            db.select(AwardType).where(AwardType.campaign_id == campaign.id).order_by(AwardType.position)
        ).scalars().all()
    if user.role is Role.ADMIN:
        overview["users_by_role"] = dict(db.session.execute(
            db.select(User.role, func.count()).where(User.active.is_(True)).group_by(User.role)
        ).all())
    return overview
