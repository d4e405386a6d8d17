"""The final result in the browser: the administrator finds it on the hub, sees the units not fully
reviewed, approves the ranking once they are, the scoreboard shows the official band, an officer's
change of a score is refused, and an unlocking with a reason shows as a correction."""
from playwright.sync_api import expect

from portal import clock
from portal.ceremony import services as ceremony
from portal.extensions import db
from portal.models import Role, ScoreState
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in
from tests.helpers import line_of
from tests.results.conftest import complete_all
from tests.scoreboard.helpers import set_lines, unit


def test_approve_lock_refuse_unlock_and_approve_again(page, campaign):
    complete_all(campaign)
    set_lines(unit("LK"), campaign, {"1.1": (None, ScoreState.SUBMITTED)})
    admin = factories.gen_user(role=Role.ADMIN, full_name="Trần Quản Trị")
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit("BH"), full_name="Hoàng Thị Biên")
    db.session.commit()

    sign_in(page, admin.username)
    open_admin(page, "Kết quả chính thức")
    expect(page.locator("#incomplete-units")).to_contain_text(unit("LK").short_name)
    expect(page.get_by_role("button", name="Phê duyệt kết quả xếp hạng")).to_have_count(0)
    screenshot(page, "results-incomplete-1366")

    set_lines(unit("LK"), campaign, {"1.1": (5, ScoreState.APPROVED)})
    page.reload()
    expect(page.locator("#incomplete-units")).to_have_count(0)
    page.get_by_label("Số quyết định (không bắt buộc)").fill("45-QĐ/HĐTĐKT")
    page.get_by_role("button", name="Phê duyệt kết quả xếp hạng").click()
    expect(page.locator("#confirm-error")).to_contain_text("Đánh dấu ô xác nhận")  # not ticked: refused
    screenshot(page, "results-ready-1366")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Phê duyệt kết quả xếp hạng").click()
    expect(page.locator("#official-result")).to_contain_text("45-QĐ/HĐTĐKT")
    expect(page.locator("#official-result")).to_contain_text("Trần Quản Trị")

    page.goto("/scoreboard/")
    expect(page.locator("[data-official-result]")).to_contain_text("Kết quả chính thức — phê duyệt ngày")
    expect(page.locator("[data-official-result]")).to_contain_text("Quyết định số 45-QĐ/HĐTĐKT")
    screenshot(page, "results-scoreboard-band-1366")

    page.goto("/results/")
    page.get_by_text("Mở khóa kết quả để điều chỉnh").click()
    page.get_by_label("Lý do mở khóa").fill("Sửa điểm mục 1.1 của Long Khánh theo khiếu nại")
    page.get_by_role("button", name="Mở khóa kết quả", exact=True).click()
    expect(page.locator("#unlocked-result")).to_contain_text("Sửa điểm mục 1.1 của Long Khánh")
    page.get_by_label("Số quyết định (không bắt buộc)").fill("46-QĐ/HĐTĐKT")
    page.get_by_label("Ngày quyết định (không bắt buộc)").fill(clock.today().isoformat())
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Phê duyệt kết quả xếp hạng").click()
    expect(page.locator("#official-result")).to_contain_text("Điều chỉnh ngày")
    expect(page.locator("#official-result")).to_contain_text(clock.today().strftime("%d/%m/%Y"))
    screenshot(page, "results-approved-correction-1366")
    page.goto("/scoreboard/")
    expect(page.locator("[data-official-result]")).to_contain_text("lý do: Sửa điểm mục 1.1 của Long Khánh")
    screenshot(page, "results-scoreboard-band-correction-1366")
    token = ceremony.create_display_link(campaign, admin, "Hội trường")
    db.session.commit()
    page.goto(f"/display/{token}")
    expect(page.locator("[data-official-result]")).to_contain_text("Kết quả chính thức — phê duyệt ngày")
    screenshot(page, "results-ceremony-band-1366")

    page.context.clear_cookies()
    sign_in(page, officer.username)
    claim = line_of(unit("BH"), "B.1")
    page.goto(f"/unit/score-lines/{claim.id}")
    expect(page.locator("main")).to_contain_text("Kết quả chính thức của phong trào đã được phê duyệt ngày")
    screenshot(page, "results-officer-locked-1366")
