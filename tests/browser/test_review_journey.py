"""A submission travels to the reviewer's live queue, is returned, fixed, resubmitted and approved."""
import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, ScoreState, Unit
from tests import factories
from tests.browser.pages import screenshot
from tests.browser.pages import sign_in
from portal.workspace.services import ensure_workspace
from tests.helpers import line_of


def test_submit_return_resubmit_approve(browser, live_server, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit, full_name="Hoàng Thị Biên")
    reviewer = factories.gen_user(role=Role.REVIEWER, full_name="Trần Thị Thẩm")
    ensure_workspace(unit, campaign)
    db.session.commit()
    line = line_of(unit, "3.3")  # no evidence required

    def context():
        ctx = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768}, locale="vi-VN")
        page = ctx.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return ctx, page

    officer_ctx, unit_page = context()
    reviewer_ctx, review_page = context()
    try:
        sign_in(review_page, reviewer.username)
        review_page.goto("/review/")
        expect(review_page.locator("#queue-results")).to_contain_text("Chưa có nội dung nào")
        badge = review_page.locator("#queue-badge")
        expect(badge).to_have_text("0")

        # the officer scores and submits
        sign_in(unit_page, officer.username)
        unit_page.goto(f"/unit/score-lines/{line.id}")
        unit_page.locator(f"#score-{line.id}-self_score").fill("2,5")
        unit_page.locator(f"#score-{line.id}-explanation").fill("Thành lập 3 chi bộ ở doanh nghiệp ngoài nhà nước.")
        unit_page.get_by_role("button", name="Gửi thẩm định").click()
        expect(unit_page.locator(f"#score-{line.id}")).to_contain_text("Đã gửi")

        # the reviewer's queue and badge follow without a reload
        row = review_page.locator(f"#queue-row-score_line-{line.id}")
        expect(row).to_be_visible(timeout=10_000)
        expect(badge).to_have_text("1", timeout=10_000)
        row.get_by_role("link").click()
        detail = review_page.locator("#queue-detail")
        expect(detail).to_contain_text("Thành lập 3 chi bộ")
        expect(review_page.locator("#detail-title")).to_be_focused()  # the keyboard user goes on in the detail
        assert review_page.url.endswith("/review/")  # opened in place
        detail.get_by_text("Trả lại để bổ sung").click()
        detail.get_by_role("button", name="Trả lại đơn vị").click()
        expect(detail).to_contain_text("nội dung đơn vị cần sửa")  # a comment is required
        detail.get_by_label("Đơn vị cần sửa đổi, bổ sung nội dung gì?").fill("Đề nghị bổ sung quyết định thành lập chi bộ.")
        detail.get_by_role("button", name="Trả lại đơn vị").click()
        expect(detail.locator(".badge").first).to_have_text("Trả lại để bổ sung")
        screenshot(review_page, "review-queue-1366")

        # the officer sees the comment, fixes and resubmits
        unit_page.goto("/unit/")
        expect(unit_page.locator("main")).to_contain_text("Đề nghị bổ sung quyết định thành lập chi bộ.")
        expect(unit_page.locator("#notification-badge")).to_have_text("1")
        unit_page.goto(f"/unit/score-lines/{line.id}")
        unit_page.locator(f"#score-{line.id}-self_score").fill("2")
        unit_page.get_by_role("button", name="Gửi thẩm định").click()
        expect(unit_page.locator(f"#score-{line.id}")).to_contain_text("Đã gửi")

        # the reviewer sees what changed and approves
        expect(row.locator(".flag--info")).to_be_visible(timeout=10_000)  # "resubmitted"
        row.get_by_role("link").click()
        expect(detail).to_contain_text("Thay đổi so với lần gửi trước")
        expect(detail.locator(".diff")).to_contain_text("2,5")
        detail.get_by_role("button", name=re.compile("Phê duyệt 2 điểm")).focus()
        review_page.keyboard.press("Enter")
        expect(detail.locator(".badge").first).to_have_text("Đã phê duyệt")
        expect(review_page.locator("#detail-message")).to_be_focused()
        review_page.wait_for_timeout(1500)  # a poll of the rows must not take the focus away
        assert review_page.evaluate("document.activeElement !== document.body")
        assert review_page.evaluate("document.activeElement.id") == "detail-message"
        screenshot(review_page, "review-approved-focus-1366")
        db.session.expire_all()
        assert line_of(unit, "3.3").state is ScoreState.APPROVED
        assert review_page.errors == [] and unit_page.errors == []
    finally:
        officer_ctx.close()
        reviewer_ctx.close()
