"""The help page: one per role, written from the current campaign and the settings."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import Role
from tests.conftest import make_test_app
from tests.factories import PASSWORD, gen_user


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reaches_search_and_help(client, login_as, campaign, role):
    login_as(role)
    assert client.get("/help/").status_code == 200
    assert client.get("/search/?q=bien+hoa").status_code == 200


@pytest.mark.parametrize("path", ["/help/", "/search/"])
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_each_role_reads_its_own_steps_with_the_campaign_dates(client, login_as, campaign):
    campaign.organization_name = "Ban Tổ chức Tỉnh ủy Thử Nghiệm"
    db.session.commit()
    expected = {
        Role.UNIT_OFFICER: ("Đăng ký thi đua của đơn vị", campaign.registration_deadline),
        Role.REVIEWER: ("hàng đợi phê duyệt", campaign.review_end),
        Role.COUNCIL: ("biểu quyết", campaign.ceremony_date or campaign.review_end),
        Role.ADMIN: ("mở phong trào", campaign.registration_deadline),
    }
    pages = {}
    for role, (words, day) in expected.items():
        login_as(role)
        html = client.get("/help/").get_data(as_text=True)
        assert words in html and fmt_date(day) in html, role
        assert "Ban Tổ chức Tỉnh ủy Thử Nghiệm" in html
        pages[role] = html
    assert "hàng đợi phê duyệt" not in pages[Role.UNIT_OFFICER]
    assert "Đăng ký thi đua của đơn vị" not in pages[Role.REVIEWER]


def test_the_current_step_follows_today(client, login_as, campaign):
    login_as(Role.UNIT_OFFICER)
    html = client.get("/help/").get_data(as_text=True)
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Đăng ký thi đua của đơn vị" in current
    campaign.registration_deadline = clock.today() - timedelta(days=1)
    db.session.commit()
    html = client.get("/help/").get_data(as_text=True)
    current = html.split('aria-current="step"')[1].split("</li>")[0]
    assert "Báo cáo kết quả từng tiêu chí" in current
    assert "(đã qua)" in html


def test_whom_to_ask_comes_from_the_setting_and_the_administrators(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path, HELP_CONTACT="Phòng Thi đua — 0251 000 111")
    with app.app_context():
        from tests.conftest import empty_tables

        empty_tables()
        try:
            gen_user(role=Role.ADMIN, username="quantri", full_name="Lê Văn Quản", email="quan@example.vn")
            reader = gen_user(role=Role.REVIEWER, username="doc")
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"username": reader.username, "password": PASSWORD})
            html = client.get("/help/").get_data(as_text=True)
            assert "Phòng Thi đua — 0251 000 111" in html
            assert "Lê Văn Quản" in html and "mailto:quan@example.vn" in html
            assert "Chưa có phong trào thi đua hiện hành" in html
        finally:
            db.session.remove()
            empty_tables()


def test_the_header_links_to_help_in_english_too(client, login_as, campaign):
    login_as(Role.REVIEWER)
    client.post("/language/en")
    html = client.get("/help/").get_data(as_text=True)
    assert ">Help<" in html and "Help for reviewer" in html


def test_the_administrators_steps_follow_the_campaign_state(client, login_as, campaign):
    from portal.models import CampaignState

    login_as(Role.ADMIN)
    current = client.get("/help/").get_data(as_text=True).split('aria-current="step"')[1].split("</li>")[0]
    assert "Chuyển phong trào sang giai đoạn chấm điểm" in current  # open already: the opening is done
    assert "· đã xong" in client.get("/help/").get_data(as_text=True)
    campaign.state = CampaignState.DRAFT
    db.session.commit()
    current = client.get("/help/").get_data(as_text=True).split('aria-current="step"')[1].split("</li>")[0]
    assert "rồi mở phong trào" in current
