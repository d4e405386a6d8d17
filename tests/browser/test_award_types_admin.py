"""An administrator edits an award type in the browser: the threshold and the dossier documents are saved;
a bad value is shown beside its field and nothing is saved."""
from decimal import Decimal

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import AwardType, Role
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in


def test_admin_edits_an_award_type_threshold_and_documents(page, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    sign_in(page, admin.username)
    open_admin(page, "Phong trào thi đua")
    page.locator("#campaign-2025").get_by_role("link", name="Hình thức khen thưởng").click()
    expect(page.locator("h1")).to_contain_text("Hình thức khen thưởng 2025")
    expect(page.locator("#award-types")).to_contain_text("Dẫn đầu cụm thi đua")
    expect(page.locator("#award-types")).to_contain_text("Xếp hạng trong 3 đơn vị dẫn đầu cụm")
    screenshot(page, "award-types-list")

    page.get_by_role("link", name="Bằng khen của Ban Thường vụ Tỉnh ủy (tập thể)").first.click()
    expect(page.locator("#rules-in-words")).to_contain_text("Có 2 năm liên tục xếp loại Hoàn thành xuất sắc nhiệm vụ")
    threshold = page.get_by_label("Tỷ lệ phiếu đồng ý cần đạt (%)")
    threshold.fill("150")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#vote_threshold_percent-error")).to_contain_text("không quá 100")
    expect(threshold).to_have_value("150")
    screenshot(page, "award-type-error")
    award = db.session.execute(db.select(AwardType).where(AwardType.code == "BK-BTVTU-TT")).scalar_one()
    assert award.vote_threshold_percent == Decimal(70)

    threshold.fill("66,67")
    page.get_by_label("Cách tính tỷ lệ").select_option(label="trên số thành viên tham gia biểu quyết")
    page.get_by_label("Thành phần hồ sơ đề nghị").fill("Tờ trình\nBáo cáo thành tích\nBiên bản họp Hội đồng")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#flashes")).to_contain_text("Đã lưu")
    expect(page.locator("#rules-in-words")).to_contain_text("66,67 %")
    expect(page.get_by_label("Thành phần hồ sơ đề nghị")).to_have_value(
        "Tờ trình\nBáo cáo thành tích\nBiên bản họp Hội đồng")
    screenshot(page, "award-type-edit")
    db.session.expire_all()
    award = db.session.get(AwardType, award.id)
    assert award.vote_threshold_percent == Decimal("66.67")
    assert award.required_documents == ["Tờ trình", "Báo cáo thành tích", "Biên bản họp Hội đồng"]
    assert [e for e in page.console_errors if "status of 422" not in e] == []  # the refused form's answer
