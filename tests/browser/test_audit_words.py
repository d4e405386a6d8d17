"""The item history and the audit trail in a browser, in Vietnamese and English: sentences, names, paging."""
from playwright.sync_api import expect

from portal.audit.services import append
from portal.extensions import db
from tests.audit.test_trail_words import story, trail  # noqa: F401 — fixtures
from tests.browser.pages import screenshot, sign_in


def _switch_to_english(page):
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_item_history_in_both_languages(page, story):  # noqa: F811
    line, officer, _reviewer = story
    sign_in(page, officer.username)
    page.goto(f"/unit/score-lines/{line.id}")
    history = page.locator("#history")
    expect(history).to_contain_text("Hoàng Thị Biên gửi thẩm định, điểm tự chấm 3,75")
    expect(history).to_contain_text("Nguyễn Văn An phê duyệt 3,5 điểm (tự chấm 3,75): «Thiếu một minh chứng»")
    history.scroll_into_view_if_needed()
    screenshot(page, "audit-item-history-vi")
    history.screenshot(path=str(screenshot(page, "audit-item-history-vi").with_name("audit-item-history-box-vi.png")))
    _switch_to_english(page)
    expect(history).to_contain_text("Nguyễn Văn An returned it for changes: “Bổ sung biên bản hội nghị”")
    history.screenshot(path=str(screenshot(page, "audit-item-history-en").with_name("audit-item-history-box-en.png")))
    assert not page.console_errors


def test_audit_trail_in_both_languages(page, trail, campaign):  # noqa: F811
    admin = trail
    for n in range(55):
        append("reveal", "scoreboard", campaign.id, admin, after={"step": n % 5})
    db.session.commit()
    sign_in(page, admin.username)
    page.goto("/admin/audit/")
    table = page.locator(".table--audit")
    expect(table.locator("tbody tr")).to_have_count(50)
    expect(page.locator(".pager")).to_contain_text("Trang 1/")
    screenshot(page, "audit-trail-page1-vi")
    page.get_by_role("link", name="Sau →").or_(page.get_by_role("link", name="Tiếp theo →")).first.click()
    expect(page.locator(".pager")).to_contain_text("Trang 2/")
    expect(table).to_contain_text("Phong trào thi đua năm 2025")
    screenshot(page, "audit-trail-page2-vi")
    page.get_by_label("Thao tác").select_option(label="Đã phê duyệt và điều chỉnh điểm")
    page.get_by_role("button", name="Lọc").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("phê duyệt 3,5 điểm (tự chấm 3,75)")
    page.get_by_role("link", name="Kiểm tra chuỗi nhật ký").click()
    expect(page.locator(".alert--success")).to_be_visible()
    _switch_to_english(page)
    page.goto("/admin/audit/?page=2")
    expect(table).to_contain_text("Campaign 2025")
    screenshot(page, "audit-trail-page2-en")
    assert not page.console_errors
