"""An administrator prepares next year's campaign in the browser: copy, edit a date, open it."""
from datetime import timedelta

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Campaign, CampaignState, Role
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in


def test_admin_copies_2025_to_2026_edits_a_date_and_opens_it(page, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    sign_in(page, admin.username)
    page.get_by_role("link", name="Quản trị").click()
    expect(page.locator("#admin-areas")).to_contain_text("Hiện hành: 2025")
    screenshot(page, "admin-hub-1366")
    open_admin(page, "Phong trào thi đua")
    expect(page.locator("#campaign-2025")).to_contain_text("hiện hành")
    page.get_by_label("Sao chép từ năm").select_option(label="2025")
    page.get_by_label("Năm mới").fill("2026")
    screenshot(page, "campaigns-list")
    page.get_by_role("button", name="Sao chép", exact=True).click()
    expect(page.locator("h1")).to_contain_text("2026")
    expect(page.get_by_text("Dự thảo").first).to_be_visible()
    new = db.session.execute(db.select(Campaign).where(Campaign.year == 2026)).scalar_one()
    later = new.registration_deadline - timedelta(days=10)
    page.get_by_label("Hạn chót đăng ký thi đua").fill(later.isoformat())
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#flashes")).to_contain_text("Đã lưu")
    screenshot(page, "campaign-edit")
    expect(page.get_by_text("Các đơn vị thấy phong trào")).to_be_visible()
    page.get_by_role("button", name="Mở phong trào").click()
    expect(page.locator("#flashes")).to_contain_text("Đang diễn ra")
    screenshot(page, "campaign-opened")
    db.session.expire_all()
    saved = db.session.get(Campaign, new.id)
    assert saved.state is CampaignState.OPEN and saved.registration_deadline == later
    assert page.console_errors == []
