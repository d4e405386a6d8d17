"""The audit trail is append-only and chained; tampering with a stored event is found."""
import pytest
import sqlalchemy as sa

from portal.audit.services import GENESIS, content_hash, verify_chain
from portal.extensions import db
from portal.models import AuditEvent, Role
from portal.review import services
from tests import factories
from tests.helpers import Appender


@pytest.fixture
def decided(submitted):
    reviewer = factories.gen_user(role=Role.REVIEWER)
    services.approve_score(submitted[0], reviewer)
    services.adjust_score(submitted[1], reviewer, "5", "Chưa đủ minh chứng")
    services.return_item(submitted[2], reviewer, "Bổ sung báo cáo")
    db.session.commit()
    return submitted


def test_events_are_chained(decided):
    events = db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert len(events) >= 7  # 4 submissions + 3 decisions
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:]):
        assert event.prev_hash == previous.hash
        assert event.hash == content_hash(event)
    result = verify_chain()
    assert result.ok and result.checked == len(events)


@pytest.mark.parametrize("column,value", [
    ("after", '{"approved_score": "12.00"}'),
    ("actor_name", '"Người khác"'),
    ("address", '"10.9.9.9"'),
])
def test_editing_one_stored_event_is_found(decided, runner, column, value):
    target = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "adjust")).scalar_one()
    raw = value if column == "after" else value.strip('"')
    db.session.execute(sa.text(f"UPDATE audit_event SET {column} = :value WHERE id = :id"),
                       {"value": raw, "id": target.id})
    db.session.commit()
    db.session.expire_all()
    result = verify_chain()
    assert not result.ok and result.broken_id == target.id and result.reason == "content"
    cli = runner.invoke(args=["audit", "verify"])
    assert cli.exit_code == 1 and f"#{target.id}" in cli.output


def test_deleting_an_event_breaks_the_link(decided, runner):
    events = db.session.execute(sa.select(AuditEvent.id).order_by(AuditEvent.id)).scalars().all()
    db.session.execute(sa.text("DELETE FROM audit_event WHERE id = :id"), {"id": events[2]})
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.broken_id == events[3] and result.reason == "link"


def test_removing_the_newest_event_is_found(decided):
    newest = db.session.execute(sa.select(sa.func.max(AuditEvent.id))).scalar()
    db.session.execute(sa.text("DELETE FROM audit_event WHERE id = :id"), {"id": newest})
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.reason == "head"


def test_verify_command_on_an_intact_chain(decided, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "toàn vẹn" in result.output


@pytest.mark.parametrize("role,status", [(Role.ADMIN, 200), (Role.REVIEWER, 403), (Role.UNIT_OFFICER, 403),
                                         (Role.COUNCIL, 403)])
def test_audit_page_is_for_admins(client, login_as, decided, role, status):
    login_as(role)
    assert client.get("/admin/audit/").status_code == status


def test_audit_page_filters_and_verifies(client, login_as, decided):
    login_as(Role.ADMIN)
    page = client.get("/admin/audit/?action=adjust").get_data(as_text=True)
    assert "Chưa đủ minh chứng" in page and "Bổ sung báo cáo" not in page
    page = client.get("/admin/audit/?verify=1").get_data(as_text=True)
    assert "toàn vẹn" in page




def test_verify_while_the_portal_writes_raises_no_false_alarm(app, runner):
    from portal.audit.services import append

    for n in range(50):
        append("test.write", "unit", n)
    db.session.commit()
    results = []
    with Appender(app) as writer:
        for _ in range(25):
            results.append(verify_chain())
    assert writer.count > 0
    alarms = [r for r in results if not r.ok]
    assert alarms == [], alarms
    assert all(r.first_id is not None and r.checked == r.last_id - r.first_id + 1 for r in results)
    assert max(r.checked for r in results) > 50  # it did see events appended meanwhile
    # … and tampering is still found
    newest = db.session.execute(sa.select(sa.func.max(AuditEvent.id))).scalar()
    db.session.execute(sa.text("UPDATE audit_event SET actor_name = 'x' WHERE id = :id"), {"id": newest - 3})
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.broken_id == newest - 3 and result.reason == "content"


def test_verify_command_says_which_events_it_verified(app, runner):
    from portal.audit.services import append

    first = append("test.write", "unit", 1)
    for n in range(4):
        last = append("test.write", "unit", n)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert f"#{first.id}–#{last.id}" in result.output and "5" in result.output


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1944-12-31&to=2101-01-01", "from=²",
                                   "to=2025-02-31"])
def test_audit_date_filters_out_of_range_are_ignored_not_a_server_error(client, login_as, decided, query):
    login_as(Role.ADMIN)
    response = client.get(f"/admin/audit/?{query}")
    assert response.status_code == 200 and "Chưa đủ minh chứng" in response.get_data(as_text=True)
