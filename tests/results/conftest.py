"""Fixtures of the final result's tests: a campaign whose every unit is fully reviewed (ready), a
ranking level with its members, and the state a refused action must leave untouched."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import live
from portal.extensions import db
from portal.models import (
    AuditEvent,
    FinalResult,
    LevelScope,
    ResultCorrection,
    ReviewLevel,
    Role,
    ScoreLine,
    ScoreState,
)
from portal.scoreboard.ranking import compute_standings
from tests import factories
from tests.scoreboard.helpers import set_lines


def complete_all(campaign) -> None:
    """Every ranked unit's scorecard fully reviewed (each scored item approved, with 0 but the first)."""
    for index, standing in enumerate(compute_standings(campaign).units):
        set_lines(standing.unit, campaign, {"1.1": (min(index, 8), ScoreState.APPROVED)},
                  everything_else=ScoreState.APPROVED)


@pytest.fixture
def ready(campaign):
    complete_all(campaign)
    return campaign


@pytest.fixture
def admin(app):
    user = factories.gen_user(role=Role.ADMIN, full_name="Trần Quản Trị")
    db.session.commit()
    return user


def add_level(campaign, position: int, scope: LevelScope, members=(), name=None) -> ReviewLevel:
    level = ReviewLevel(campaign_id=campaign.id, position=position, scope=scope,
                        name=name or {LevelScope.ITEM: "Chuyên viên thẩm định", LevelScope.SCORECARD: "Lãnh đạo Ban",
                                      LevelScope.RANKING: "Hội đồng thi đua, khen thưởng"}[scope])
    level.members = list(members)
    db.session.add(level)
    db.session.commit()
    return level


def result_state():
    """Everything an approval or an unlocking writes (a refused one must leave it as it was)."""
    db.session.expire_all()
    return (
        [(r.id, r.locked, r.approved_at, r.approved_by_id, r.decision_number, r.decision_date, r.version)
         for r in db.session.execute(sa.select(FinalResult)).scalars()],
        db.session.execute(sa.select(ResultCorrection.id, ResultCorrection.reason)).all(),
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        live.current(live.SCOREBOARD),
    )


def lines_state():
    db.session.expire_all()
    return db.session.execute(sa.select(ScoreLine.id, ScoreLine.self_score, ScoreLine.approved_score, ScoreLine.state,
                                        ScoreLine.explanation, ScoreLine.version).order_by(ScoreLine.id)).all()


def the_result() -> FinalResult | None:
    db.session.expire_all()
    return db.session.execute(sa.select(FinalResult)).scalar_one_or_none()
