import pytest

from portal.extensions import db
from portal.models import Commitment, Criterion, Role, ScoreLine, Unit
from portal.workspace.services import ensure_workspace
from tests import factories


@pytest.fixture
def units(campaign):
    """Two real units of the 2025 data, each with its workspace rows."""
    unit_a = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    unit_b = db.session.execute(db.select(Unit).where(Unit.code == "LK")).scalar_one()
    for unit in (unit_a, unit_b):
        ensure_workspace(unit, campaign)
    db.session.commit()
    return unit_a, unit_b


@pytest.fixture
def officer(login_as, units):
    return login_as(Role.UNIT_OFFICER, unit=units[0])


def line_of(unit, code) -> ScoreLine:
    return db.session.execute(
        db.select(ScoreLine).join(Criterion).where(ScoreLine.unit_id == unit.id, Criterion.code == code)
    ).scalar_one()


def commitment_of(unit, code) -> Commitment:
    return db.session.execute(
        db.select(Commitment).join(Criterion).where(Commitment.unit_id == unit.id, Criterion.code == code)
    ).scalar_one()


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


HX = {"HX-Request": "true"}
