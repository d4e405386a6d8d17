"""Issue #12 item 5: approving the ranking as the campaign's final result, and unlocking it."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock, live
from portal.extensions import db
from portal.models import AuditEvent, Campaign, CampaignState, LevelScope, Role, ScoreState
from portal.results import services
from tests import factories
from tests.results.conftest import add_level, complete_all, result_state, the_result
from tests.scoreboard.helpers import set_lines, unit

URL = "/results/"


def approve(client, version=0, year=None, **data):
    form = {"decision_number": "", "decision_date": "", "confirm": "y", "version": str(version), **data}
    return client.post(URL + "approve" + (f"?year={year}" if year else ""), data=form)


def unlock(client, version, reason="Sửa điểm tiêu chí 1.1 của một đơn vị theo khiếu nại", year=None):
    return client.post(URL + "unlock" + (f"?year={year}" if year else ""), data={"reason": reason, "version": str(version)})


def page(client, year=None) -> str:
    response = client.get(URL + (f"?year={year}" if year else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- while units are not fully reviewed ----------------------------------------------------------------

def test_an_incomplete_ranking_lists_its_units_and_cannot_be_approved(client, login_as, campaign):
    complete_all(campaign)
    set_lines(unit("LK"), campaign, {"1.1": (None, ScoreState.SUBMITTED)})
    set_lines(unit("BH"), campaign, {"B.1": (None, ScoreState.SUBMITTED)})  # a bonus claim waiting
    login_as(Role.ADMIN)
    body = page(client)
    incomplete = body.split('id="incomplete-units"')[1].split("</section>")[0]
    assert "2 đơn vị chưa được thẩm định đủ" in incomplete or "chưa được thẩm định đủ" in incomplete
    assert unit("LK").short_name in incomplete and unit("BH").short_name in incomplete
    assert unit("LT").short_name not in incomplete
    assert 'action="/results/approve' not in body
    before = result_state()
    response = approve(client)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "chưa thể phê duyệt" in text.lower() and unit("LK").short_name in text and unit("BH").short_name in text
    assert result_state() == before


# --- the approval ------------------------------------------------------------------------------------------

def test_the_ready_ranking_is_approved_locked_audited_and_shown(client, login_as, ready):
    admin = login_as(Role.ADMIN)
    body = page(client)
    assert 'id="incomplete-units"' not in body and 'action="/results/approve' in body
    assert "Phê duyệt kết quả xếp hạng" in body
    counter = live.current(live.SCOREBOARD)
    day = clock.today() - timedelta(days=2)
    response = approve(client, decision_number="  45-QĐ/HĐTĐKT ", decision_date=day.strftime("%d/%m/%Y"))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    result = the_result()
    assert result.locked and result.approved_by_id == admin.id and result.decision_number == "45-QĐ/HĐTĐKT"
    assert result.decision_date == day and result.version == 1
    assert live.current(live.SCOREBOARD) == counter + 1  # the scoreboard's cached tables are refreshed
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "result_approved")).scalar_one()
    assert event.subject_type == "final_result" and event.subject_id == result.id and event.actor_id == admin.id
    body = page(client)
    official = body.split('id="official-result"')[1].split("</section>")[0]
    assert "Kết quả chính thức" in official and admin.full_name in official and "45-QĐ/HĐTĐKT" in official
    assert day.strftime("%d/%m/%Y") in official
    assert 'action="/results/approve' not in body
    ranking = body.split('id="result-ranking"')[1].split("</table>")[0]
    assert ranking.count("<tr data-unit=") == len(services.page_state(ready).standings)
    assert "Không hoàn thành nhiệm vụ" in ranking or "Hoàn thành" in ranking  # classified, not "not yet"
    # the audit trail tells it as a sentence
    trail = client.get("/admin/audit/").get_data(as_text=True)
    assert "phê duyệt kết quả xếp hạng" in trail.lower() or "phê duyệt kết quả chính thức" in trail.lower()


def test_an_approval_without_decision_is_fine(client, login_as, ready):
    login_as(Role.ADMIN)
    assert approve(client).status_code == 303
    result = the_result()
    assert result.locked and result.decision_number == "" and result.decision_date is None


BAD = [
    ({"decision_number": "x" * 101}, "decision_number", "Tối đa 100 ký tự"),
    ({"decision_date": "31/02/2025"}, "decision_date", "ngày"),
    ({"decision_date": "hôm qua"}, "decision_date", "ngày"),
    ({"decision_date": (clock.today() + timedelta(days=1)).isoformat()}, "decision_date", "tương lai"),
    ({"decision_date": "2024-12-31"}, "decision_date", "2025"),
    ({"confirm": ""}, "confirm", "Đánh dấu"),
    ({"version": "abc"}, None, "Tải lại trang"),
    ({"decision_number": "45\x00QĐ"}, "decision_number", "ký tự điều khiển"),
]


@pytest.mark.parametrize("data,field,message", BAD, ids=[b[1] or "version" for b in BAD])
def test_bad_input_is_refused_beside_the_field_and_changes_nothing(client, login_as, ready, data, field, message):
    login_as(Role.ADMIN)
    before = result_state()
    response = approve(client, **data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message.lower() in text.lower(), text[:200]
    if field and field != "confirm":
        assert message.lower() in text.split(f'id="{field}-error"')[1].split("</p>")[0].lower()
    assert result_state() == before


def test_an_approved_result_is_not_approved_again(client, login_as, ready):
    login_as(Role.ADMIN)
    assert approve(client).status_code == 303
    before = result_state()
    response = approve(client, version=the_result().version)
    assert response.status_code == 409 and "đã được phê duyệt" in response.get_data(as_text=True)
    assert result_state() == before


def test_a_page_shown_before_someone_else_approved_gets_the_conflict(client, login_as, ready):
    login_as(Role.ADMIN)
    assert approve(client).status_code == 303
    before = result_state()
    response = approve(client, version=0)  # the form of a page shown before the approval
    assert response.status_code == 409 and "Người khác đã phê duyệt hoặc mở khóa" in response.get_data(as_text=True)
    assert result_state() == before


def test_a_closed_campaign_is_not_approved(client, login_as, ready):
    login_as(Role.ADMIN)
    ready.state = CampaignState.CLOSED
    db.session.commit()
    before = result_state()
    response = approve(client)
    assert response.status_code == 409 and "đã kết thúc" in response.get_data(as_text=True)
    assert result_state() == before


def test_an_earlier_year_is_not_approved(client, login_as, ready):
    newer = factories.gen_campaign(year=2026, name="Phong trào thi đua năm 2026")
    ready.is_current = False
    db.session.commit()
    login_as(Role.ADMIN)
    body = page(client, year=2025)
    assert "Phong trào thi đua năm 2025" in body
    before = result_state()
    response = approve(client, year=2025)
    assert response.status_code == 409 and "năm trước" in response.get_data(as_text=True)
    assert result_state() == before
    assert newer.id


# --- unlocking and approving again ------------------------------------------------------------------------

def test_unlock_needs_a_reason_and_is_audited_and_approving_again_relocks_the_same_row(client, login_as, ready):
    admin = login_as(Role.ADMIN)
    assert approve(client, decision_number="45-QĐ").status_code == 303
    first = the_result()
    first_id, first_at = first.id, first.approved_at
    before = result_state()
    response = unlock(client, first.version, reason="   ")
    assert response.status_code == 422 and "Nêu lý do mở khóa" in response.get_data(as_text=True)
    assert result_state() == before
    response = unlock(client, first.version)
    assert response.status_code == 303
    result = the_result()
    assert not result.locked and len(result.corrections) == 1
    correction = result.corrections[0]
    assert correction.unlocked_by_id == admin.id and correction.reason.startswith("Sửa điểm tiêu chí 1.1")
    assert db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "result_unlocked")).scalar_one().after[
        "reason"] == correction.reason
    body = page(client)
    assert 'id="unlocked-result"' in body and "chưa phải kết quả chính thức" in body
    assert f"bởi {admin.full_name}, lý do: Sửa điểm tiêu chí 1.1" in body
    assert 'action="/results/approve' in body  # every unit is still complete: it can be approved again
    # unlocking what is not locked is refused
    before = result_state()
    response = unlock(client, result.version)
    assert response.status_code == 409 and result_state() == before
    other = login_as(Role.ADMIN)
    assert approve(client, version=result.version, decision_number="46-QĐ").status_code == 303
    again = the_result()
    assert again.id == first_id and again.locked and again.approved_by_id == other.id
    assert again.decision_number == "46-QĐ" and again.approved_at >= first_at and len(again.corrections) == 1
    official = page(client).split('id="official-result"')[1].split("</section>")[0]
    assert "Điều chỉnh ngày" in official and "lý do: Sửa điểm tiêu chí 1.1" in official


def test_a_stale_unlock_is_a_conflict(client, login_as, ready):
    login_as(Role.ADMIN)
    assert approve(client).status_code == 303
    before = result_state()
    response = unlock(client, version=0)
    assert response.status_code == 409 and "Người khác đã phê duyệt hoặc mở khóa" in response.get_data(as_text=True)
    assert result_state() == before


def test_a_closed_campaign_is_not_unlocked(client, login_as, ready):
    login_as(Role.ADMIN)
    assert approve(client).status_code == 303
    ready.state = CampaignState.CLOSED
    db.session.commit()
    before = result_state()
    response = unlock(client, the_result().version)
    assert response.status_code == 409 and "đã kết thúc" in response.get_data(as_text=True)
    assert result_state() == before


def test_the_ranking_level_members_approve(client, login_as, ready):
    council = login_as(Role.COUNCIL)
    add_level(ready, 1, LevelScope.ITEM)
    add_level(ready, 2, LevelScope.RANKING, members=[council])
    body = page(client)
    assert 'action="/results/approve' in body
    assert 'action="/results/unlock' not in body
    assert approve(client).status_code == 303
    assert the_result().approved_by_id == council.id
    assert 'action="/results/unlock' not in page(client)  # only administrators unlock


def test_someone_who_may_not_approve_sees_who_approves(client, login_as, ready):
    add_level(ready, 1, LevelScope.RANKING)
    login_as(Role.REVIEWER)
    body = page(client)
    assert 'action="/results/approve' not in body and "Hội đồng thi đua, khen thưởng" in body


def test_state_figure_for_the_hub(client, login_as, campaign):
    assert "chưa được thẩm định đủ" in _figure(client, login_as)
    complete_all(campaign)
    assert "Sẵn sàng phê duyệt" in _figure(client, login_as)
    assert approve(client).status_code == 303
    assert "Đã phê duyệt ngày" in _figure(client, login_as)
    assert unlock(client, the_result().version).status_code == 303
    assert "Đã mở khóa để điều chỉnh" in _figure(client, login_as)


def _figure(client, login_as) -> str:
    login_as(Role.ADMIN)
    body = client.get("/admin/").get_data(as_text=True)
    return body.split('href="/results/"')[1].split("</li>")[0]


def test_may_approve_rules(app, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    reviewer = factories.gen_user(role=Role.REVIEWER)
    member = factories.gen_user(role=Role.REVIEWER)
    council = factories.gen_user(role=Role.COUNCIL)
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit("BH"))
    db.session.commit()
    # no RANKING level: administrators only
    assert [services.may_approve(u, campaign) for u in (admin, reviewer, member, council, officer)] == \
        [True, False, False, False, False]
    add_level(campaign, 1, LevelScope.ITEM, members=[reviewer])
    add_level(campaign, 2, LevelScope.RANKING, members=[member, council])
    assert [services.may_approve(u, campaign) for u in (admin, reviewer, member, council, officer)] == \
        [True, False, True, True, False]
    other = db.session.get(Campaign, factories.gen_campaign(year=2026, is_current=False).id)
    db.session.commit()
    assert not services.may_approve(member, other) and services.may_approve(admin, other)
    member.active = False
    assert not services.may_approve(member, campaign)
