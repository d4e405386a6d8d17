"""The administrator's read-only page of reminder runs, and where reminder notifications lead."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import ReminderRun, Role
from portal.reminders import services
from tests import factories

URL = "/admin/reminders/"


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_only_administrators_see_the_runs(client, login_as, campaign, role):
    login_as(role)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_the_page_before_any_run_says_how_to_schedule(client, login_as, campaign):
    login_as(Role.ADMIN)
    page = client.get(URL).get_data(as_text=True)
    assert "Lệnh nhắc hạn chưa chạy lần nào" in page and "flask --app wsgi reminders send" in page
    assert "Chưa cấu hình máy chủ SMTP" in page and "7, 3, 1" in page


def test_the_last_runs_show_when_and_how_many_and_a_get_changes_nothing(client, login_as, campaign, units):
    factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0])
    campaign.registration_deadline = clock.today() + timedelta(days=3)
    db.session.commit()
    services.run()
    login_as(Role.ADMIN)
    page = client.get(URL).get_data(as_text=True)
    assert 'id="reminder-runs"' in page
    row = page.split('id="reminder-runs"')[1].split("</tr>")[1]
    assert '<td class="num">1</td>' in row  # one unit reminder
    assert db.session.scalar(db.select(db.func.count()).select_from(ReminderRun)) == 1


def test_a_reminder_notification_leads_to_the_page_where_it_is_done(client, login_as, campaign, units):
    campaign.registration_deadline = clock.today() + timedelta(days=1)
    db.session.commit()
    officer = login_as(Role.UNIT_OFFICER, units[0])
    services.run()
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Hạn đăng ký thi đua" in page and 'href="/unit/pledges"' in page
    assert officer.unit_id == units[0].id


def test_the_reminder_reads_in_the_readers_language(client, login_as, campaign, units):
    campaign.reporting_deadline = clock.today() + timedelta(days=2)
    campaign.registration_deadline = clock.today() - timedelta(days=1)
    db.session.commit()
    login_as(Role.UNIT_OFFICER, units[0])
    services.run()
    client.post("/language/en")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Reporting deadline" in page and "not self-scored" in page and "required evidence missing" in page
    assert 'href="/unit/scores"' in page
