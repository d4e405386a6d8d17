"""An officer nominates the unit with its dossier → a reviewer forwards → council members vote →
the administrator closes the vote and records the decision → the award is on the ceremony screen."""
import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Classification, PastClassification, Role, Unit
from portal.ceremony import services as scoreboard
from tests import factories, samples
from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in
from tests.nominations.conftest import approve_all


def test_nomination_cycle(browser, live_server, campaign, tmp_path):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    approve_all(unit, campaign)
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    reviewer = factories.gen_user(role=Role.REVIEWER)
    members = [factories.gen_user(role=Role.COUNCIL) for _ in range(2)]
    admin = factories.gen_user(role=Role.ADMIN)
    token = scoreboard.create_display_link(campaign, admin, "Hội trường")
    db.session.commit()
    files = []
    for name in ("to-trinh.pdf", "bao-cao-thanh-tich.pdf"):
        path = tmp_path / name
        path.write_bytes(samples.pdf(name))
        files.append(path)

    ctx = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, officer.username)
        page.get_by_role("link", name="Đề nghị khen thưởng").first.click()
        from tests.nominations.conftest import award

        page.get_by_label("Hình thức khen thưởng").select_option(value=str(award("GK-BTCTU-TT").id))
        page.get_by_role("button", name="Lập đề nghị").click()
        expect(page.locator("h1")).to_contain_text("Giấy khen")
        page.get_by_label("Tóm tắt thành tích").fill("Hoàn thành xuất sắc nhiệm vụ năm 2025; tham mưu tổ chức thành công đại hội.")
        page.get_by_role("button", name="Lưu dự thảo").click()
        for document, path in zip(("Tờ trình", "Báo cáo thành tích"), files):
            page.get_by_label("Văn bản", exact=True).select_option(document)
            page.locator("#dossier-files").set_input_files(str(path))
            page.get_by_role("button", name="Tải lên").click()
            expect(page.locator("#dossier")).to_contain_text(path.name)
        expect(page.locator("#eligibility")).to_contain_text("đạt")
        screenshot(page, "nomination-1366")
        page.get_by_role("button", name="Gửi đề nghị khen thưởng").click()
        expect(page.locator(".badge").first).to_have_text("Đã gửi")

        page.get_by_role("button", name="Đăng xuất").click()
        sign_in(page, reviewer.username)
        page.goto("/review/?kind=nomination")
        page.locator(".queue-row a").first.click()
        page.get_by_role("button", name="Chuyển Hội đồng xét").click()
        expect(page.locator("#queue-detail .badge").first).to_have_text("Đã chuyển Hội đồng")

        for member in members:
            page.get_by_role("button", name="Đăng xuất").click()
            sign_in(page, member.username)
            page.goto("/nominations/council")
            page.get_by_role("button", name="Đồng ý", exact=True).click()
            expect(page.locator(".vote-form legend")).to_contain_text("Đồng ý")
        screenshot(page, "council-vote-1366")

        page.get_by_role("button", name="Đăng xuất").click()
        sign_in(page, admin.username)
        page.goto("/nominations/")
        page.locator("table a").first.click()
        page.get_by_role("button", name="Kết thúc biểu quyết").click()
        expect(page.locator(".badge").first).to_have_text("Hội đồng đã thông qua")
        page.get_by_label("Số, ký hiệu quyết định").fill("125-QĐ/BTCTU")
        page.get_by_label("Ngày quyết định").fill("2025-12-20")
        page.get_by_label("Người ký").fill("Trưởng Ban Tổ chức Tỉnh ủy")
        page.get_by_role("button", name="Ghi nhận quyết định").click()
        expect(page.locator(".badge").first).to_have_text("Đã khen thưởng")

        page.goto("/scoreboard/control")
        page.locator("form[action$='/control/freeze'] button").click()
        scoreboard.step_reveal(campaign, admin, 10_000)
        db.session.commit()
        screen = ctx.new_page()
        screen.set_viewport_size({"width": 1920, "height": 1080})
        screen.goto(f"/display/{token}")
        expect(screen.locator(".award")).to_contain_text("Ban Tổ chức Thành ủy Biên Hòa")
        screenshot(screen, "ceremony-awards-1920")
        assert errors == []
    finally:
        ctx.close()
