"""Reopening a closed campaign: the administrator only, with a reason, audited; afterwards a save
works again.  And "final" shows on the scoreboard, the ceremony screen and the documents while closed."""
import pytest
import sqlalchemy as sa

from portal import live
from portal.access import Denied
from portal.ceremony import services as ceremony
from portal.extensions import db
from portal.locking import reopen_campaign
from portal.models import AuditEvent, Campaign, CampaignState, Role
from portal.workflow import WorkflowError
from tests import factories
from tests.helpers import HX, line_of, submit

FINAL = "Kết quả chính thức (đã khóa)"


def close(campaign):
    campaign = db.session.get(Campaign, campaign.id)
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    return campaign


def state_of(campaign):
    db.session.expire_all()
    return db.session.get(Campaign, campaign.id).state


def reopen_events():
    return db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "reopen")).scalars().all()


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.UNIT_OFFICER, Role.COUNCIL])
def test_only_an_administrator_may_reopen(client, login_as, units, campaign, role):
    close(campaign)
    login_as(role, unit=units[0] if role is Role.UNIT_OFFICER else None)
    response = client.post("/scoreboard/control/reopen", data={"reason": "Sai sót điểm"})
    assert response.status_code == 403
    assert state_of(campaign) is CampaignState.CLOSED and reopen_events() == []
    with pytest.raises(Denied):
        reopen_campaign(db.session.get(Campaign, campaign.id), factories.gen_user(role=role, unit=units[0]), "Lý do")
    db.session.rollback()
    assert state_of(campaign) is CampaignState.CLOSED


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_reopening_needs_a_reason_shown_beside_the_field(client, login_as, campaign, reason):
    close(campaign)
    login_as(Role.ADMIN)
    response = client.post("/scoreboard/control/reopen", data={"reason": reason})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reason-error"' in page and ("lý do" in page.split('id="reason-error"')[1][:200].lower()
                                             or "1000" in page.split('id="reason-error"')[1][:200])
    if reason.strip():
        assert reason in page  # the input is kept
    assert state_of(campaign) is CampaignState.CLOSED and reopen_events() == []


def test_the_service_refuses_without_a_reason_or_when_not_closed(campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    with pytest.raises(WorkflowError) as caught:
        reopen_campaign(db.session.get(Campaign, campaign.id), admin, "Lý do")
    assert "đã kết thúc" in caught.value.message
    close(campaign)
    with pytest.raises(WorkflowError) as caught:
        reopen_campaign(db.session.get(Campaign, campaign.id), admin, " ")
    assert caught.value.field == "reason"
    db.session.rollback()
    assert state_of(campaign) is CampaignState.CLOSED


def test_reopening_is_audited_with_the_reason_and_a_save_works_again(client, login_as, units, campaign):
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0])
    db.session.commit()
    line = submit(line_of(units[0], "1.1"), officer)
    close(campaign)
    version = live.current(live.SCOREBOARD)
    admin = login_as(Role.ADMIN)
    page = client.get("/scoreboard/control").get_data(as_text=True)
    assert 'name="reason"' in page and FINAL in page
    response = client.post("/scoreboard/control/reopen", data={"reason": "Đơn vị BH khiếu nại điểm mục 1.1"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Đã mở lại phong trào thi đua" in response.get_data(as_text=True)
    assert state_of(campaign) is CampaignState.SCORING
    [event] = reopen_events()
    assert event.actor_id == admin.id and event.subject_type == "campaign" and event.subject_id == campaign.id
    assert event.from_state == "closed" and event.to_state == "scoring"
    assert event.after == {"reason": "Đơn vị BH khiếu nại điểm mục 1.1"}
    assert live.current(live.SCOREBOARD) > version  # cached tables and ceremony screens follow
    assert 'name="reason"' not in client.get("/scoreboard/control").get_data(as_text=True)

    # Back in scoring the reviewer's decision is saved again (the unit's own editing needs an open campaign).
    login_as(Role.REVIEWER)
    response = client.post(f"/review/score-lines/{line.id}/approve", headers=HX, data={"version": str(line.version)})
    assert response.status_code == 200
    db.session.expire_all()
    assert line_of(units[0], "1.1").approved_score is not None


def test_a_closed_campaign_shows_final_on_the_scoreboard_the_screen_and_the_documents(client, login_as, campaign):
    admin = login_as(Role.ADMIN)
    ceremony.set_published(campaign, admin, True)
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    db.session.commit()
    pages = ["/scoreboard/", f"/display/{token}", "/nominations/award-list", "/nominations/letter?level=province"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert FINAL not in response.get_data(as_text=True), url
    close(campaign)
    for url in pages:
        assert FINAL in client.get(url).get_data(as_text=True), url
