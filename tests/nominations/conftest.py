import io
from decimal import Decimal

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AwardType, Criterion, CriterionKind, ScoreLine, ScoreState
from portal.workspace.services import ensure_workspace
from tests import samples
from tests.workspace.conftest import units  # noqa: F401  (fixture)


def award(code: str) -> AwardType:
    return db.session.execute(sa.select(AwardType).where(AwardType.code == code)).scalar_one()


def approve_all(unit, campaign, fraction=Decimal(1)):
    """Give the unit approved scores on every item (fraction of each maximum)."""
    card_lines = ensure_workspace(unit, campaign)
    lines = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, Criterion.kind == CriterionKind.ITEM)).scalars().all()
    for line in lines:
        line.self_score = line.approved_score = (line.criterion.max_points * fraction).quantize(Decimal("0.25"))
        line.state = ScoreState.APPROVED
    db.session.flush()
    return card_lines


def pdf_upload(name="to-trinh.pdf"):
    return (io.BytesIO(samples.pdf(name)), name)
