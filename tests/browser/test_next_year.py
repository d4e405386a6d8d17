"""The next year, end to end in a browser and without the command line: the administrator copies 2025 to
2026, gives an item its own deadline, makes 2026 current and opens it; the scheduled reminder run finds
what the unit still lacks; the unit's officer sees 2026, the item's own deadline and the reminder."""
from datetime import timedelta

from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import Campaign, CampaignState, Criterion, Role
from portal.reminders import services as reminders
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in


def test_the_board_sets_up_2026_and_an_officer_is_reminded_of_its_item_deadline(page, campaign, units, officers):
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    due = clock.today() + timedelta(days=3)

    sign_in(page, admin.username)
    open_admin(page, "Phong trào thi đua")
    page.get_by_label("Sao chép từ năm").select_option(label="2025")
    page.get_by_label("Năm mới").fill("2026")
    page.get_by_role("button", name="Sao chép", exact=True).click()
    expect(page.locator("h1")).to_contain_text("2026")
    new = db.session.execute(db.select(Campaign).where(Campaign.year == 2026)).scalar_one()
    item = db.session.execute(db.select(Criterion).where(Criterion.campaign_id == new.id,
                                                         Criterion.code == "1.1")).scalar_one()

    page.get_by_role("link", name="Tiêu chí", exact=True).click()
    page.locator(f"#criterion-{item.id}").get_by_role("link", name="Chỉnh sửa").click()
    page.get_by_label("Hạn báo cáo riêng").fill(due.isoformat())
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(f"#criterion-{item.id}")).to_contain_text(fmt_date(due))

    open_admin(page, "Phong trào thi đua")
    page.locator("#campaign-2026").get_by_role("button", name="Đặt làm phong trào hiện hành").click()
    page.locator("#campaign-2026").get_by_role("link", name="Chỉnh sửa").click()
    page.get_by_role("button", name="Mở phong trào").click()
    expect(page.locator("#flashes")).to_contain_text("Đang diễn ra")
    db.session.expire_all()
    assert db.session.get(Campaign, new.id).state is CampaignState.OPEN

    report = reminders.run()  # what `flask reminders send` does from cron
    assert report.campaign.id == new.id

    page.context.clear_cookies()
    sign_in(page, officers[0].username)
    expect(page.locator("main")).to_contain_text("2026")
    page.get_by_role("link", name="Thông báo").click()
    reminder = page.locator(".notification--reminder")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text(fmt_date(due))
    expect(reminder).to_contain_text("1.1")
    screenshot(page, "next-year-officer-reminder-1366")
    page.get_by_role("link", name="Tự chấm điểm").click()
    own = page.locator("article.score-row", has_text="1.1")
    expect(own).to_contain_text(f"Hạn riêng {fmt_date(due)}")
    screenshot(page, "next-year-officer-scores-1366")
    assert page.console_errors == []
