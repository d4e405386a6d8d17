"""Two approvers at the same moment: one approves, the other gets the conflict message and nothing
of theirs is saved — for the first approval (the row's insert) and for an approval again after an
unlocking (the row's version)."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, FinalResult, LevelScope, Role
from tests import factories
from tests.results.conftest import add_level, the_result
from tests.review.parallel import at_once, signed_in_client

CONFLICT = "Người khác đã phê duyệt hoặc mở khóa"


def _approvers(app, ready):
    admin = factories.gen_user(role=Role.ADMIN, full_name="Trần Quản Trị")
    chair = factories.gen_user(role=Role.COUNCIL, full_name="Lê Chủ Tịch")
    db.session.commit()
    add_level(ready, 1, LevelScope.RANKING, members=[chair])
    return admin, [signed_in_client(app, admin), signed_in_client(app, chair)]


def _post(client, version, number):
    def call():
        return client.post("/results/approve", data={"decision_number": number, "decision_date": "", "confirm": "y",
                                                     "version": str(version)})
    return call


def _approvals():
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "result_approved"))


def test_two_first_approvals_at_once(app, ready):
    _admin, clients = _approvers(app, ready)
    responses = at_once(_post(clients[0], 0, "1-QĐ"), _post(clients[1], 0, "2-QĐ"))
    codes = sorted(r.status_code for r in responses)
    assert codes == [303, 409], [r.get_data(as_text=True)[:500] for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert CONFLICT in loser.get_data(as_text=True)
    db.session.expire_all()
    rows = db.session.execute(sa.select(FinalResult)).scalars().all()
    assert len(rows) == 1 and rows[0].locked and rows[0].version == 1
    winner = 0 if responses[0].status_code == 303 else 1
    assert rows[0].decision_number == ("1-QĐ", "2-QĐ")[winner]
    assert _approvals() == 1


def test_two_approvals_again_after_an_unlocking(app, ready):
    admin, clients = _approvers(app, ready)
    assert clients[0].post("/results/approve", data={"confirm": "y", "version": "0"}).status_code == 303
    version = the_result().version
    assert clients[0].post("/results/unlock", data={"reason": "Điều chỉnh điểm", "version": str(version)}).status_code == 303
    version = the_result().version
    responses = at_once(_post(clients[0], version, "3-QĐ"), _post(clients[1], version, "4-QĐ"))
    codes = sorted(r.status_code for r in responses)
    assert codes == [303, 409], [r.get_data(as_text=True)[:500] for r in responses]
    assert CONFLICT in next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    result = the_result()
    winner = 0 if responses[0].status_code == 303 else 1
    assert result.locked and result.version == version + 1 and result.decision_number == ("3-QĐ", "4-QĐ")[winner]
    assert len(result.corrections) == 1
    assert _approvals() == 2
    assert admin.id
