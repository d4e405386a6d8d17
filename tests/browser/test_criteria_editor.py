"""An administrator edits the criteria of the year in the browser; an officer of a unit working on the
item sees the notification and the item's own deadline on the scores page."""
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from portal.extensions import db
from portal.formatting import fmt_date
from portal.models import Criterion, Role, ScoreState
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in
from tests.helpers import line_of


def crit(code):
    return db.session.execute(db.select(Criterion).where(Criterion.code == code)).scalar_one()


def test_admin_edits_an_item_deadline_and_the_officer_sees_it(page, campaign, units, officers):
    bh, _lk = units
    line = line_of(bh, "1.2")
    line.self_score, line.state, line.explanation = Decimal(10), ScoreState.SUBMITTED, "Đã tổ chức đại hội"
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    item, busy = crit("1.1"), crit("1.2")
    new_day = campaign.reporting_deadline - timedelta(days=14)

    sign_in(page, admin.username)
    open_admin(page, "Phong trào thi đua")
    page.locator("#campaign-2025").get_by_role("link", name="Tiêu chí", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Tiêu chí")
    expect(page.locator(".criteria-summary")).to_contain_text("100 / 100")
    screenshot(page, "criteria-tree")

    page.locator(f"#criterion-{item.id}").get_by_role("link", name="Chỉnh sửa").click()
    page.get_by_label("Hạn báo cáo riêng").fill(new_day.isoformat())
    screenshot(page, "criteria-edit-form")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#flashes")).to_contain_text("Đã lưu tiêu chí 1.1")
    day = fmt_date(new_day)
    expect(page.locator(f"#criterion-{item.id}")).to_contain_text(day)

    # a new item in group 1 makes its items add up to 22 of 20: the tree says so beside the group
    page.get_by_role("link", name="Thêm tiêu chí vào nhóm 1").click()
    expect(page.get_by_label("Nhóm", exact=True)).to_have_value(str(crit("1").id))
    page.get_by_label("Mã").fill("1.3")
    page.get_by_label("Tên").fill("Sơ kết giữa nhiệm kỳ")
    page.get_by_label("Điểm tối đa").fill("2")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#flashes")).to_contain_text("Đã thêm tiêu chí 1.3")
    expect(page.locator(f"#criterion-{crit('1').id}")).to_contain_text("là 22, không bằng điểm")
    expect(page.locator(".criteria-summary")).to_contain_text("chưa khớp")
    screenshot(page, "criteria-tree-warning")

    # lowering a maximum below a score already given is refused, naming the unit and its score
    page.locator(f"#criterion-{busy.id}").get_by_role("link", name="Chỉnh sửa").click()
    page.get_by_label("Điểm tối đa").fill("8")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#refusal")).to_contain_text(bh.name)
    expect(page.locator("#refusal")).to_contain_text("tự chấm 10")
    expect(page.get_by_label("Điểm tối đa")).to_have_value("8")
    screenshot(page, "criteria-edit-refused")
    assert page.console_errors == ["Failed to load resource: the server responded with a status of 409 (CONFLICT)"]
    page.console_errors.clear()  # that 409 was the refusal itself

    # moving an item down with htmx redraws the tree in place
    page.goto(f"/admin/campaigns/{campaign.id}/criteria")
    page.get_by_role("button", name="Chuyển 1.1 xuống").click()
    expect(page.locator("#criteria-tree tbody").first.locator("tr").nth(1)).to_contain_text("1.2")
    assert page.console_errors == []

    page.context.clear_cookies()
    sign_in(page, officers[0].username)
    page.goto("/notifications/")
    expect(page.locator(".notification-list")).to_contain_text(f"Tiêu chí 1.1 đã được quản trị viên thay đổi: hạn báo cáo nay là {day}")
    screenshot(page, "criteria-officer-notification")
    page.goto("/unit/scores")
    own = page.locator("article.score-row", has_text="Xây dựng, triển khai Chương trình công tác năm 2025")
    expect(own).to_contain_text(f"Hạn riêng {day}")
    screenshot(page, "criteria-officer-scores")
    db.session.expire_all()
    assert crit("1.1").deadline == new_day and crit("1.2").max_points == Decimal(12)
