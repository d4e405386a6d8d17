"""An officer nominates the unit with its dossier → a reviewer forwards → council members vote →
the administrator closes the vote and records the decision → the award is on the ceremony screen."""
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Nomination, NominationState, Role, Unit
from portal.ceremony import services as scoreboard
from tests import factories, samples
from tests.browser.pages import screenshot
from tests.browser.pages import sign_in
from tests.helpers import approve_all, award


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
        page.get_by_label("Hình thức khen thưởng").select_option(value=str(award("GK-BTCTU-TT").id))
        page.get_by_role("button", name="Lập đề nghị").click()
        expect(page.locator("h1")).to_contain_text("Lập đề nghị khen thưởng")
        page.get_by_label("Tóm tắt thành tích").fill("Hoàn thành xuất sắc nhiệm vụ năm 2025; tham mưu tổ chức thành công đại hội.")
        page.get_by_role("button", name="Lưu dự thảo").click()
        expect(page.locator("h1")).to_contain_text("Giấy khen")
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

        # the letter proposes what passed, never what the council rejected
        rejected = Nomination(campaign_id=campaign.id, unit_id=unit.id, award_type=award("GK-BTCTU-CN"),
                              nominee_name="Người Không Được Thông Qua", achievements="x", created_by_id=officer.id,
                              state=NominationState.REJECTED)
        db.session.add(rejected)
        db.session.commit()
        page.goto("/nominations/letter?level=sector")
        expect(page.locator(".document__table")).to_contain_text("Ban Tổ chức Thành ủy Biên Hòa")
        expect(page.locator(".document__table")).not_to_contain_text("Người Không Được Thông Qua")
        screenshot(page, "nomination-letter-1366")

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


def test_an_invalid_years_value_keeps_every_other_field(browser, live_server, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    db.session.commit()
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = ctx.new_page()
    try:
        sign_in(page, officer.username)
        page.goto(f"/nominations/new?award_type={award('GK-BTCTU-CN').id}")
        typed = {"Họ và tên": "Nguyễn Thị Hoa", "Chức vụ": "Phó Trưởng ban Tổ chức",
                 "Tóm tắt thành tích": "Tham mưu tổ chức thành công đại hội đảng bộ các cấp."}
        for name, value in typed.items():
            page.get_by_label(name, exact=True).fill(value)
        page.get_by_label("Số năm công tác trong ngành").fill("ab")
        page.get_by_role("button", name="Lưu dự thảo").click()
        expect(page.locator("#service_years-error")).not_to_be_empty()
        for name, value in typed.items():
            expect(page.get_by_label(name, exact=True)).to_have_value(value)
        expect(page.get_by_label("Số năm công tác trong ngành")).to_have_value("ab")
        expect(page.get_by_label("Hình thức khen thưởng")).to_have_value(str(award("GK-BTCTU-CN").id))
        screenshot(page, "nomination-invalid-years-1366")
        page.get_by_label("Số năm công tác trong ngành").fill("12")
        page.get_by_role("button", name="Lưu dự thảo").click()
        expect(page.locator("h1")).to_contain_text("Giấy khen")
        expect(page.get_by_label("Họ và tên", exact=True)).to_have_value("Nguyễn Thị Hoa")
        expect(page.get_by_label("Số năm công tác trong ngành")).to_have_value("12")
    finally:
        ctx.close()
