"""A campaign's review chain for the tests of what reads it (scoreboard, digest, benchmark-sized
queues): the 2025 demo's three levels, or any other list of (name, scope, members)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Criterion, CriterionKind, LevelScope, ReviewLevel, Role, ScoreLine
from portal import chain
from tests import factories
from tests.helpers import submit

SPECIALISTS, BOARD, COUNCIL = "Chuyên viên thẩm định", "Lãnh đạo Ban", "Hội đồng thi đua, khen thưởng"


def make_chain(campaign, levels: list[tuple[str, LevelScope, list]]) -> list[ReviewLevel]:
    rows = []
    for position, (name, scope, members) in enumerate(levels, start=1):
        row = ReviewLevel(campaign_id=campaign.id, position=position, name=name, scope=scope)
        row.members = list(members)
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    chain.forget()
    return rows


def three_levels(campaign):
    """Specialists item by item → the board leadership per unit scorecard → the council's ranking;
    (specialist, board leader, council chair)."""
    specialist = factories.gen_user(role=Role.REVIEWER, full_name="Trần Văn Định")
    leader = factories.gen_user(role=Role.REVIEWER, full_name="Lê Thị Lãnh")
    chair = factories.gen_user(role=Role.COUNCIL, full_name="Phạm Văn Chủ")
    db.session.commit()
    make_chain(campaign, [(SPECIALISTS, LevelScope.ITEM, [specialist]), (BOARD, LevelScope.SCORECARD, [leader]),
                          (COUNCIL, LevelScope.RANKING, [chair])])
    return specialist, leader, chair


def scored_lines(unit) -> list[ScoreLine]:
    """The unit's lines of the scored items (not bonus or deduction), in the criteria's order."""
    groups = sa.select(Criterion.id).where(Criterion.kind == CriterionKind.GROUP)
    return db.session.execute(sa.select(ScoreLine).join(Criterion, Criterion.id == ScoreLine.criterion_id)
                              .where(ScoreLine.unit_id == unit.id, Criterion.parent_id.in_(groups))
                              .order_by(Criterion.position)).scalars().all()


def submit_all(unit, officer) -> Decimal:
    """Submit every scored item with half its maximum; the sum of the self scores."""
    total = Decimal(0)
    for line in scored_lines(unit):
        score = (line.criterion.max_points / 2).quantize(Decimal("0.25"))
        submit(line, officer, score=str(score))
        total += score
    return total
