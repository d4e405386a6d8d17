"""A unit's workspace rows: never created by a page view; created by insert-or-ignore, so two first
requests at the same moment both succeed (no duplicate-key 500 on PostgreSQL)."""
import pytest

from portal.extensions import db
from portal.models import Commitment, Criterion, CriterionKind, Registration, Role, ScoreLine, Unit
from portal.workspace.services import LEAF_KINDS, ensure_workspace
from tests import factories
from tests.review.parallel import at_once, signed_in_client

TRIALS = 20


def _row_counts(unit_id):
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model).where(model.unit_id == unit_id))
                 for model in (Registration, Commitment, ScoreLine))


def _expected(campaign):
    leaves = db.session.execute(db.select(Criterion.kind).where(
        Criterion.campaign_id == campaign.id, Criterion.kind.in_(LEAF_KINDS))).scalars().all()
    return 1, sum(1 for kind in leaves if kind is CriterionKind.ITEM), len(leaves)


def _without_workspace(unit_id):
    db.session.execute(db.delete(ScoreLine).where(ScoreLine.unit_id == unit_id))
    db.session.execute(db.delete(Commitment).where(Commitment.unit_id == unit_id))
    db.session.execute(db.delete(Registration).where(Registration.unit_id == unit_id))
    db.session.commit()


@pytest.mark.parametrize("url", ["/unit/", "/unit/pledges", "/unit/scores"])
def test_page_views_write_nothing(app, campaign, url):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    _without_workspace(unit.id)
    response = signed_in_client(app, officer).get(url)
    assert response.status_code == 200
    assert "Chuẩn bị không gian làm việc" in response.get_data(as_text=True)
    assert _row_counts(unit.id) == (0, 0, 0)


def test_simultaneous_first_requests_create_the_workspace_once(app, campaign):
    units = db.session.execute(db.select(Unit).where(Unit.cluster_id.is_not(None)).order_by(Unit.code)).scalars().all()
    expected = _expected(campaign)
    for trial in range(TRIALS):
        unit = units[trial % len(units)]
        officers = [factories.gen_user(role=Role.UNIT_OFFICER, unit=unit) for _ in range(2)]
        _without_workspace(unit.id)  # the first requests find nothing
        clients = [signed_in_client(app, officer) for officer in officers]
        unit_id = unit.id
        db.session.commit()
        responses = at_once(*[(lambda c=c: c.post("/unit/setup")) for c in clients])
        assert [r.status_code for r in responses] == [303, 303], [r.get_data(as_text=True)[:300] for r in responses]
        assert _row_counts(unit_id) == expected, trial
        pages = at_once(*[(lambda c=c: c.get("/unit/")) for c in clients])
        assert [p.status_code for p in pages] == [200, 200]


def test_ensure_workspace_keeps_what_exists_and_adds_what_is_missing(app, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    ensure_workspace(unit, campaign)
    db.session.commit()
    line = db.session.execute(db.select(ScoreLine).where(ScoreLine.unit_id == unit.id)).scalars().first()
    line.explanation = "Đã có nội dung"
    removed = db.session.execute(db.select(ScoreLine).where(ScoreLine.unit_id == unit.id, ScoreLine.id != line.id)
                                 ).scalars().first()
    db.session.delete(removed)
    db.session.commit()
    ensure_workspace(unit, campaign)
    db.session.commit()
    assert _row_counts(unit.id) == _expected(campaign)
    assert db.session.get(ScoreLine, line.id).explanation == "Đã có nội dung"
