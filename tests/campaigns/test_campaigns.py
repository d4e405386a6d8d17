"""Campaign administration: list, copy to a new year, settings, states, and what officers see."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.campaign import services
from portal.campaign.services import AWARD_TYPE_COPIED, CRITERION_COPIED, campaign_for, shift_years
from portal.extensions import db
from portal.models import AuditEvent, AwardType, Campaign, CampaignState, Criterion, Role, TieBreak
from tests import factories
from tests.helpers import fresh


def by_year(year):
    return db.session.execute(db.select(Campaign).where(Campaign.year == year)).scalar_one_or_none()


def counts(campaign_id):
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Criterion).where(Criterion.campaign_id == campaign_id)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AwardType).where(AwardType.campaign_id == campaign_id)))


def snapshot(campaign):
    return [(c.id, *(getattr(c, f) for f in CRITERION_COPIED), c.parent_id) for c in campaign.criteria], \
           [(a.id, *(getattr(a, f) for f in AWARD_TYPE_COPIED), a.required_documents) for a in campaign.award_types]


ROUTES = [("get", "/admin/campaigns/"), ("post", "/admin/campaigns/copy"), ("get", "/admin/campaigns/{id}/edit"),
          ("post", "/admin/campaigns/{id}/edit"), ("post", "/admin/campaigns/{id}/current"),
          ("post", "/admin/campaigns/{id}/open"), ("post", "/admin/campaigns/{id}/start_scoring"),
          ("post", "/admin/campaigns/{id}/close")]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_campaign_pages_refuse_every_non_admin_role(client, login_as, campaign, role):
    login_as(role)
    for method, url in ROUTES:
        response = getattr(client, method)(url.format(id=campaign.id), data={"year": "2026", "source": campaign.id})
        assert response.status_code == 403, (method, url)
    assert by_year(2026) is None


def test_campaign_list_shows_every_year_state_and_current(client, login_as, campaign):
    db.session.add(Campaign(year=2024, name="Phong trào 2024", state=CampaignState.CLOSED,
                            registration_deadline=date(2024, 3, 31), reporting_deadline=date(2024, 11, 30),
                            review_end=date(2024, 12, 15)))
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get("/admin/campaigns/").get_data(as_text=True)
    assert 'id="campaign-2025"' in page and 'id="campaign-2024"' in page
    assert "hiện hành" in page.split('id="campaign-2025"')[1].split("</tr>")[0]


def test_set_as_current_moves_the_marker(client, login_as, campaign):
    admin = login_as(Role.ADMIN)
    client.post("/admin/campaigns/copy", data={"source": campaign.id, "year": "2026"})
    new = by_year(2026)
    response = client.post(f"/admin/campaigns/{new.id}/current")
    assert response.status_code == 303
    assert fresh(new).is_current and not fresh(campaign).is_current
    assert services.current_campaign().year == 2026
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "campaign_set_current", AuditEvent.actor_id == admin.id)) == 1


def test_copy_2025_to_2026_keeps_criteria_and_award_rules_and_leaves_2025_untouched(client, login_as, campaign):
    login_as(Role.ADMIN)
    before_counts = counts(campaign.id)
    before = snapshot(campaign)
    assert before_counts[0] > 0 and before_counts[1] > 0
    response = client.post("/admin/campaigns/copy", data={"source": campaign.id, "year": "2026"})
    assert response.status_code == 303
    db.session.expire_all()
    old, new = by_year(2025), by_year(2026)
    assert counts(old.id) == before_counts and counts(new.id) == before_counts
    assert snapshot(old) == before
    assert new.state is CampaignState.DRAFT and not new.is_current and old.is_current
    for a, b in zip(old.criteria, new.criteria):
        assert [getattr(a, f) for f in CRITERION_COPIED] == [getattr(b, f) for f in CRITERION_COPIED]
        assert (a.parent.code if a.parent else None) == (b.parent.code if b.parent else None)
        assert b.parent is None or b.parent.campaign_id == new.id
    for a, b in zip(old.award_types, new.award_types):
        assert [getattr(a, f) for f in AWARD_TYPE_COPIED] == [getattr(b, f) for f in AWARD_TYPE_COPIED]
        assert a.required_documents == b.required_documents
    for field in ("scale", "threshold_excellent", "threshold_good", "threshold_completed", "tie_break", "theme",
                  "organization_name", "organization_place"):
        assert getattr(old, field) == getattr(new, field)
    assert new.registration_deadline == shift_years(old.registration_deadline, 1)
    assert new.review_end == shift_years(old.review_end, 1)


@pytest.mark.parametrize("year, message", [("2025", "Đã có"), ("1999", "2000"), ("2101", "2000"), ("abc", "2000")])
def test_copy_refuses_a_taken_or_out_of_range_year(client, login_as, campaign, year, message):
    login_as(Role.ADMIN)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Campaign))
    response = client.post("/admin/campaigns/copy", data={"source": campaign.id, "year": year})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == total


def test_shifting_29_february_gives_28_february():
    assert shift_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert shift_years(date(2025, 3, 31), 1) == date(2026, 3, 31)
    assert shift_years(None, 1) is None


def edit_data(campaign, **changes):
    data = {"version": str(campaign.version), "name": campaign.name, "theme": campaign.theme,
            "organization_name": campaign.organization_name, "organization_place": campaign.organization_place,
            "registration_deadline": campaign.registration_deadline.isoformat(),
            "reporting_deadline": campaign.reporting_deadline.isoformat(),
            "review_end": campaign.review_end.isoformat(),
            "ceremony_date": campaign.ceremony_date.isoformat() if campaign.ceremony_date else "",
            "scale": str(campaign.scale), "threshold_completed": str(campaign.threshold_completed),
            "threshold_good": str(campaign.threshold_good), "threshold_excellent": str(campaign.threshold_excellent),
            "tie_break": campaign.tie_break.value}
    data.update(changes)
    return data


def settings(campaign):
    campaign = fresh(campaign)
    return {k: getattr(campaign, k) for k in ("name", "theme", "organization_name", "organization_place",
                                               "registration_deadline", "reporting_deadline", "review_end",
                                               "ceremony_date", "scale", "threshold_completed", "threshold_good",
                                               "threshold_excellent", "tie_break", "version")}


def test_edit_saves_every_setting_and_audits(client, login_as, campaign):
    login_as(Role.ADMIN)
    response = client.post(f"/admin/campaigns/{campaign.id}/edit", data=edit_data(
        campaign, name="Phong trào thi đua 2025 (sửa)", organization_name="Ban Tổ chức Tỉnh ủy Bình Phước",
        organization_place="Bình Phước", ceremony_date=(campaign.review_end + timedelta(days=20)).isoformat(),
        threshold_good="75,5",
        tie_break="none"))
    assert response.status_code == 303, [l for l in response.get_data(as_text=True).splitlines() if "-error\">" in l and "</p>" in l and "-error\"></p>" not in l or "flash" in l]
    saved = fresh(campaign)
    assert saved.name == "Phong trào thi đua 2025 (sửa)" and saved.organization_place == "Bình Phước"
    assert saved.ceremony_date == campaign.review_end + timedelta(days=20) and saved.threshold_good == Decimal("75.5")
    assert saved.tie_break is TieBreak.NONE and saved.version == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "campaign_edited")) == 1


BAD_VALUES = [
    ({"reporting_deadline": ("registration_deadline", -1)}, "reporting_deadline", "trước hạn đăng ký"),
    ({"review_end": ("reporting_deadline", -1)}, "review_end", "trước hạn báo cáo"),
    ({"ceremony_date": ("review_end", -1)}, "ceremony_date", "trước ngày kết thúc thẩm định"),
    ({"threshold_completed": "-1"}, "threshold_completed", "dưới 0"),
    ({"threshold_completed": "80"}, "threshold_completed", "Hoàn thành nhiệm vụ"),
    ({"threshold_good": "95"}, "threshold_good", "tốt"),
    ({"threshold_excellent": "101"}, "threshold_excellent", "thang điểm"),
    ({"scale": "90", "threshold_excellent": "85"}, "scale", "100"),
    ({"tie_break": "coin"}, "tie_break", "quy tắc"),
    ({"name": ""}, "name", ""),
    ({"registration_deadline": "31/02/2025"}, "registration_deadline", ""),
]


@pytest.mark.parametrize("changes, field, message", BAD_VALUES)
def test_edit_refuses_a_bad_value_keeps_the_input_and_changes_nothing(client, login_as, campaign, changes, field,
                                                                      message):
    login_as(Role.ADMIN)
    before = settings(campaign)
    changes = {k: (getattr(campaign, v[0]) + timedelta(days=v[1])).isoformat() if isinstance(v, tuple) else v
               for k, v in changes.items()}
    data = edit_data(campaign, theme="Chủ đề mới vẫn được giữ", **changes)
    response = client.post(f"/admin/campaigns/{campaign.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert error.strip() and message in error
    assert "Chủ đề mới vẫn được giữ" in page
    assert settings(campaign) == before


def test_edit_with_a_stale_version_is_a_conflict_and_keeps_the_input(client, login_as, campaign):
    login_as(Role.ADMIN)
    campaign.name = "Đổi bởi người khác"
    db.session.commit()  # version moves to 2
    before = settings(campaign)
    response = client.post(f"/admin/campaigns/{campaign.id}/edit",
                           data=edit_data(campaign, version="1", theme="Nội dung đang gõ"))
    assert response.status_code == 409
    assert "Nội dung đang gõ" in response.get_data(as_text=True)
    assert settings(campaign) == before


def test_transitions_follow_draft_open_scoring_closed(client, login_as, campaign):
    login_as(Role.ADMIN)
    client.post("/admin/campaigns/copy", data={"source": campaign.id, "year": "2026"})
    new = by_year(2026)
    page = client.get(f"/admin/campaigns/{new.id}/edit").get_data(as_text=True)
    assert "Các đơn vị thấy" in page and f"/admin/campaigns/{new.id}/open" in page
    assert f"/{new.id}/close" not in page
    from portal import live

    for action, state in (("open", CampaignState.OPEN), ("start_scoring", CampaignState.SCORING),
                          ("close", CampaignState.CLOSED)):
        shown = live.current(live.SCOREBOARD)
        assert client.post(f"/admin/campaigns/{new.id}/{action}").status_code == 303
        assert fresh(new).state is state
        db.session.rollback()
        assert live.current(live.SCOREBOARD) > shown  # open screens follow (a closed campaign shows "final")
    actions = db.session.execute(sa.select(AuditEvent.action).where(AuditEvent.subject_type == "campaign",
                                                                    AuditEvent.subject_id == new.id)).scalars().all()
    assert {"campaign_open", "campaign_start_scoring", "campaign_close"} <= set(actions)


def test_opening_a_campaign_prepares_every_officers_workspace(client, login_as, campaign, units, officers):
    from portal.models import Registration, ScoreLine

    login_as(Role.ADMIN)
    client.post("/admin/campaigns/copy", data={"source": campaign.id, "year": "2026"})
    new = by_year(2026)

    def workspaces():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(Registration.campaign_id == new.id)),
                db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine).where(ScoreLine.campaign_id == new.id)))

    assert workspaces() == (0, 0)  # a draft is prepared for nobody
    assert client.post(f"/admin/campaigns/{new.id}/open").status_code == 303
    db.session.expire_all()
    items = db.session.scalar(sa.select(sa.func.count()).select_from(Criterion).where(
        Criterion.campaign_id == new.id, Criterion.parent_id.is_not(None)))
    officer_units = {o.unit_id for o in officers}
    assert workspaces() == (len(officer_units), len(officer_units) * items)


@pytest.mark.parametrize("state, action", [(CampaignState.DRAFT, "close"), (CampaignState.DRAFT, "start_scoring"),
                                           (CampaignState.OPEN, "open"), (CampaignState.CLOSED, "close"),
                                           (CampaignState.SCORING, "open")])
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(client, login_as, campaign, state, action):
    campaign.state = state
    db.session.commit()
    login_as(Role.ADMIN)
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = client.post(f"/admin/campaigns/{campaign.id}/{action}", follow_redirects=True)
    assert "không thực hiện được" in response.get_data(as_text=True)
    assert fresh(campaign).state is state
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_an_unknown_transition_is_not_found(client, login_as, campaign):
    login_as(Role.ADMIN)
    assert client.post(f"/admin/campaigns/{campaign.id}/reopen").status_code == 404


def test_officer_does_not_see_a_draft_campaign(client, login_as, campaign, units):
    campaign.state = CampaignState.DRAFT
    db.session.commit()
    officer = login_as(Role.UNIT_OFFICER, unit=units[0])
    assert campaign_for(officer) is None
    for url in ("/unit/", "/unit/pledges", "/nominations/"):
        assert client.get(url).status_code == 404, url
    reviewer = factories.gen_user(role=Role.REVIEWER)
    assert campaign_for(reviewer).id == campaign.id
    campaign.state = CampaignState.OPEN
    db.session.commit()
    assert client.get("/unit/pledges").status_code == 200


def test_officer_home_and_reference_ignore_a_draft_campaign(client, login_as, campaign, units):
    campaign.state = CampaignState.DRAFT
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=units[0])
    home = client.get("/").get_data(as_text=True)
    assert campaign.name not in home
    assert client.get("/reference/criteria").status_code == 200
    assert client.get("/reference/award-types").status_code == 200
    login_as(Role.REVIEWER)
    assert campaign.name in client.get("/").get_data(as_text=True)


def test_a_copy_that_fails_midway_leaves_nothing_behind(client, login_as, campaign, monkeypatch):
    login_as(Role.ADMIN)
    criteria_before = db.session.scalar(sa.select(sa.func.count()).select_from(Criterion))

    def refuse(*args, **kwargs):
        raise services.WorkflowError("refused for the test")

    monkeypatch.setattr(services, "_audit", refuse)  # runs after every row of the copy was added
    response = client.post("/admin/campaigns/copy", data={"source": campaign.id, "year": "2026"})
    assert response.status_code == 409
    db.session.expire_all()
    assert by_year(2026) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Criterion)) == criteria_before
