"""Units and clusters in the browser: the administrator creates a unit, moves it to another cluster and
ends another unit with a successor; the scoreboard marks the ended unit, its officer reads but
changes nothing, and the successor's officer opens its record."""
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, Unit
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in


def unit(code):
    db.session.expire_all()
    return db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one_or_none()


def sign_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def test_admin_creates_moves_and_ends_units_and_the_ended_units_officer_reads_only(page, campaign):
    admin = factories.gen_user(role=Role.ADMIN, full_name="Nguyễn Văn Quản")
    lk, bh = unit("LK"), unit("BH")
    for u in (lk, bh):
        ensure_workspace(u, campaign)
    lk_officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=lk, full_name="Trần Thị Khánh")
    bh_officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=bh, full_name="Lê Văn Hòa")
    db.session.commit()

    sign_in(page, admin.username)
    open_admin(page, "Đơn vị và cụm thi đua")
    expect(page.locator("h1")).to_have_text("Đơn vị")
    page.get_by_role("link", name="Đơn vị mới").click()
    page.get_by_label("Mã").fill("BP")
    page.get_by_label("Tên", exact=True).fill("Ban Tổ chức Đảng ủy phường Bình Phước")
    page.get_by_label("Tên ngắn").fill("Bình Phước")
    page.get_by_label("Loại", exact=True).select_option(value="district_committee")
    page.get_by_label("Cụm thi đua", exact=True).select_option(label="Cụm thi đua số 1 (CUM-1)")
    page.get_by_label("Hoạt động từ").fill("2025-07-01")
    page.get_by_role("button", name="Tạo đơn vị").click()
    expect(page.locator("#flashes")).to_contain_text("Đã tạo đơn vị Ban Tổ chức Đảng ủy phường Bình Phước")
    expect(page.locator("#unit-BP")).to_contain_text("Cụm thi đua số 1")

    # move it to another cluster
    page.get_by_role("link", name="Ban Tổ chức Đảng ủy phường Bình Phước").click()
    page.get_by_label("Cụm thi đua", exact=True).select_option(label="Cụm thi đua số 2 (CUM-2)")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#flashes")).to_contain_text("Đã lưu")
    assert unit("BP").cluster.code == "CUM-2"

    # end Long Khánh on 30 June 2025, Biên Hòa taking over
    page.goto(f"/admin/units/{lk.id}")
    page.get_by_label("Ngày làm việc cuối cùng").fill("2025-06-30")
    page.get_by_label("Đơn vị kế thừa (tiếp nhận nhiệm vụ)").select_option(label="Ban Tổ chức Thành ủy Biên Hòa (BH)")
    screenshot(page, "units-form-1366")
    page.get_by_role("button", name="Kết thúc hoạt động của đơn vị").click()
    expect(page.locator("#flashes")).to_contain_text("đã kết thúc hoạt động")
    expect(page.locator("#end-unit")).to_contain_text("Ban Tổ chức Thành ủy Biên Hòa")
    saved = unit("LK")
    assert saved.valid_to.isoformat() == "2025-06-30" and saved.successor.code == "BH"

    page.get_by_role("link", name="Đơn vị", exact=True).click()
    expect(page.locator("#unit-LK")).to_contain_text("đã kết thúc hoạt động ngày 30/06/2025")
    screenshot(page, "units-list-1366")
    page.get_by_role("link", name="Cụm, khối thi đua", exact=True).click()
    expect(page.locator("#cluster-list")).to_contain_text("Cụm thi đua số 2")
    screenshot(page, "units-clusters-1366")
    page.get_by_role("link", name="Cụm thi đua số 2").click()
    expect(page.locator("#member-BP")).to_be_visible()
    expect(page.locator("#member-LK")).to_contain_text("đã kết thúc hoạt động ngày 30/06/2025")
    screenshot(page, "units-cluster-members-1366")

    page.get_by_role("link", name="Bảng xếp hạng").click()
    expect(page.locator(f'tr[data-unit="{lk.id}"]')).to_contain_text("đã kết thúc hoạt động ngày 30/06/2025")
    screenshot(page, "units-scoreboard-ended-1366")
    sign_out(page)

    # Long Khánh's officer signs in and reads, changes nothing
    sign_in(page, lk_officer.username)
    expect(page.locator("#read-only-unit")).to_contain_text("Đơn vị của bạn đã kết thúc hoạt động ngày 30/06/2025")
    page.get_by_label("Điều hướng chính").get_by_role("link", name="Tự chấm điểm").click()
    expect(page.locator("#read-only-unit")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu dự thảo")).to_have_count(0)
    screenshot(page, "units-ended-officer-1366")
    sign_out(page)

    # Biên Hòa's officer opens Long Khánh's record
    sign_in(page, bh_officer.username)
    page.locator("#predecessors").get_by_role("link", name="Ban Tổ chức Thành ủy Long Khánh").click()
    expect(page.locator("h1")).to_contain_text("Hồ sơ của Ban Tổ chức Thành ủy Long Khánh")
    expect(page.get_by_text("Chỉ xem")).to_be_visible()
    screenshot(page, "units-successor-record-1366")
    assert page.console_errors == []
