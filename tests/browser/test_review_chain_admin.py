"""An administrator sets up the review chain of the year in the browser: the sample chain, a level
added and moved up, a level's members edited; once a unit has sent a score for review the page says
why the chain is fixed and offers no change."""
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, ScoreState
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in
from tests.helpers import line_of


def test_admin_sets_up_the_review_chain_then_it_locks(page, campaign, units):
    admin = factories.gen_user(role=Role.ADMIN, full_name="Lê Văn Cường")
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Võ Minh Châu"):
        factories.gen_user(role=Role.REVIEWER, full_name=name)
    factories.gen_user(role=Role.ADMIN, full_name="Đặng Quốc Huy")
    for name in ("Phạm Thị Dung", "Bùi Văn Khoa"):
        factories.gen_user(role=Role.COUNCIL, full_name=name)
    db.session.commit()

    sign_in(page, admin.username)
    open_admin(page, "Phong trào thi đua")
    row = page.locator("#campaign-2025")
    expect(row).to_contain_text("Chuỗi xét duyệt: 1 cấp: mọi cán bộ thẩm định và quản trị viên")
    row.get_by_role("link", name="Chuỗi xét duyệt", exact=True).click()
    expect(page.locator("#implicit-chain")).to_contain_text("mọi cán bộ thẩm định và quản trị viên đều xét duyệt")
    screenshot(page, "review-chain-empty")

    page.get_by_role("button", name="Dùng chuỗi mẫu 3 cấp").click()
    expect(page.locator("#flashes")).to_contain_text("Đã tạo chuỗi mẫu 3 cấp")
    rows = page.locator("#chain-levels tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Chuyên viên thẩm định")
    expect(rows.nth(0)).to_contain_text("Nguyễn Văn An")
    expect(rows.nth(1)).to_contain_text("Cả bảng điểm của đơn vị")
    expect(rows.nth(2)).to_contain_text("Phạm Thị Dung")

    form = page.locator("#new-level")
    form.get_by_label("Tên cấp").fill("Phó Trưởng Ban")
    form.get_by_label("Lê Văn Cường").check()
    form.get_by_role("button", name="Thêm cấp").click()
    expect(page.locator("#flashes")).to_contain_text("Đã thêm cấp “Phó Trưởng Ban”")
    expect(rows.nth(1)).to_contain_text("Phó Trưởng Ban")  # after the item-by-item level, before the scorecard
    rows.nth(1).get_by_role("button", name="Chuyển “Phó Trưởng Ban” lên").click()  # htmx: the table alone
    expect(rows.nth(0)).to_contain_text("Phó Trưởng Ban")
    screenshot(page, "review-chain-sample")

    rows.nth(2).get_by_role("link", name="Chỉnh sửa").click()
    page.get_by_label("Đặng Quốc Huy").check()
    screenshot(page, "review-chain-edit")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#flashes")).to_contain_text("Đã lưu cấp “Lãnh đạo Ban”")
    expect(rows.nth(2)).to_contain_text("Đặng Quốc Huy")

    line = line_of(units[0], "1.2")
    line.state = ScoreState.SUBMITTED
    db.session.commit()
    page.reload()
    expect(page.locator("#chain-locked")).to_have_text(
        "Đã có 1 mục được gửi thẩm định; chuỗi xét duyệt không thể thay đổi nữa.")
    expect(page.locator("#new-level").get_by_role("button", name="Thêm cấp")).to_be_disabled()
    expect(page.locator("#chain-levels").get_by_role("link", name="Chỉnh sửa")).to_have_count(0)
    screenshot(page, "review-chain-locked")
    assert page.console_errors == []


def test_the_campaign_pages_show_the_chain(page, campaign):
    admin = factories.gen_user(role=Role.ADMIN, full_name="Lê Văn Cường")
    factories.gen_user(role=Role.REVIEWER)
    factories.gen_user(role=Role.COUNCIL)
    db.session.commit()
    sign_in(page, admin.username)
    page.goto(f"/admin/campaigns/{campaign.id}/levels")
    page.get_by_role("button", name="Dùng chuỗi mẫu 3 cấp").click()
    open_admin(page, "Phong trào thi đua")
    expect(page.locator("#campaign-2025")).to_contain_text(
        "3 cấp: Chuyên viên thẩm định → Lãnh đạo Ban → Hội đồng thi đua, khen thưởng")
    screenshot(page, "review-chain-campaigns")
    page.locator("#campaign-2025").get_by_role("link", name="Chỉnh sửa").click()
    expect(page.locator("#review-chain")).to_contain_text("3 cấp: Chuyên viên thẩm định")
    page.locator("#review-chain").get_by_role("link", name="Sửa chuỗi xét duyệt").click()
    expect(page.locator("h1")).to_contain_text("Chuỗi xét duyệt")
    assert page.console_errors == []
