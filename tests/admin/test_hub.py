"""The administration hub: one navigation entry for administrators, every area on one page with its figure."""
import re

import pytest

from portal.extensions import db
from portal.models import Role, Unit
from tests import factories

AREAS = ["/admin/campaigns/", "/admin/units", "/admin/users", "/admin/reference/", "/admin/reminders/", "/admin/audit/"]


def test_the_hub_lists_every_area_with_where_it_stands(client, login_as, campaign):
    login_as(Role.ADMIN)
    page = client.get("/admin/").get_data(as_text=True)
    for url in AREAS:
        assert f'href="{url}"' in page, url
    assert "Hiện hành: 2025 (" in page
    working = db.session.scalar(db.select(db.func.count(Unit.id)).where(Unit.valid_to.is_(None)))
    assert f"{working} đơn vị đang hoạt động" in page
    assert "Chưa chạy lần nào" in page  # no reminder run yet


def test_every_administration_page_marks_the_one_navigation_entry(client, login_as, campaign):
    login_as(Role.ADMIN)
    for url in ["/admin/", *AREAS]:
        page = client.get(url).get_data(as_text=True)
        assert re.search(r'<a href="/admin/" aria-current="page">Quản trị</a>', page), url
    assert 'aria-current="page">Quản trị' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_only_administrators_see_and_reach_the_hub(client, login_as, campaign, role):
    login_as(role)
    assert 'href="/admin/"' not in client.get("/reference/criteria").get_data(as_text=True)
    assert client.get("/admin/").status_code == 403


def test_everyone_but_officers_finds_notifications_in_the_navigation(client, login_as, campaign):
    for role in (Role.REVIEWER, Role.COUNCIL, Role.ADMIN):
        login_as(role)
        page = client.get("/reference/criteria").get_data(as_text=True)
        assert 'href="/notifications/"' in page, role
        assert re.search(r'id="notification-badge"[^>]*>0</span>', page), role  # a count, never "None"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, campaign):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
