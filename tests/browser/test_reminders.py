"""Deadline reminders in the browser: the scheduled command runs, the officer sees what is missing
in the notifications, follows it to the pledges; the administrator sees the run."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import Role, Unit
from portal.reminders import services
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.helpers import commitment_of


def test_an_officer_sees_the_reminder_and_the_admin_the_run(page, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    ensure_workspace(unit, campaign)
    campaign.registration_deadline = clock.today() + timedelta(days=3)
    for code in ("1.1", "1.2", "2.1", "2.2", "2.3"):
        commitment_of(unit, code).target_text = "Hoàn thành đúng tiến độ, chất lượng"
    admin = factories.gen_user(role=Role.ADMIN, full_name="Quản trị viên")
    db.session.commit()
    services.run()  # what `flask reminders send` does from cron

    sign_in(page, officer.username)
    expect(page.locator("#notification-badge")).to_have_text("1")
    page.get_by_role("link", name="Thông báo").click()
    reminder = page.locator(".notification--reminder")
    expect(reminder).to_contain_text("Hạn đăng ký thi đua")
    expect(reminder).to_contain_text("bản đăng ký thi đua chưa được gửi")
    expect(reminder).to_contain_text("3.1 Thực hiện Kết luận 21-KL/TW")
    expect(reminder).not_to_contain_text("1.1 Xây dựng")
    screenshot(page, "reminders-officer-notification-1366")
    reminder.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/unit/pledges$"))

    page.context.clear_cookies()
    sign_in(page, admin.username)
    page.goto("/admin/reminders/")
    expect(page.locator("#reminder-runs tbody tr")).to_have_count(1)
    screenshot(page, "reminders-admin-runs-1366")
    assert page.console_errors == []
