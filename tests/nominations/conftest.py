import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AwardType, Nomination, NominationState, Role, ScoreState, Unit
from portal.workspace.services import ensure_workspace
from tests import factories, samples
from tests.workspace.conftest import line_of, units  # noqa: F401  (fixture)


def award(code: str) -> AwardType:
    return db.session.execute(sa.select(AwardType).where(AwardType.code == code)).scalar_one()


def approve_all(unit, campaign, fraction=Decimal(1)):
    """Give the unit approved scores on every item (fraction of each maximum)."""
    card_lines = ensure_workspace(unit, campaign)
    from portal.models import Criterion, CriterionKind, ScoreLine

    lines = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, Criterion.kind == CriterionKind.ITEM)).scalars().all()
    for line in lines:
        line.self_score = line.approved_score = (line.criterion.max_points * fraction).quantize(Decimal("0.25"))
        line.state = ScoreState.APPROVED
    db.session.flush()
    return card_lines


@pytest.fixture
def officer(units):
    return factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0])


def pdf_upload(name="to-trinh.pdf"):
    return (io.BytesIO(samples.pdf(name)), name)
