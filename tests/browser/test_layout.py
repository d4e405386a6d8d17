"""Layout (#11): the self-scoring page's collapsed groups and index, the queue's "select all on this page",
the nominations list's whole-row link, and an officer on a phone (390×844) who reads the dashboard and
saves a score."""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import AwardType, Criterion, CriterionKind, Nomination, NominationState, Role, ScoreLine, ScoreState
from tests import factories
from tests.browser.pages import ARTIFACTS, screenshot, sign_in
from tests.helpers import line_of, submit


def _lines_of_group(unit, group_code):
    group = db.session.execute(sa.select(Criterion).where(Criterion.code == group_code,
                                                          Criterion.parent_id.is_(None))).scalar_one()
    return db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, Criterion.parent_id == group.id)).scalars().all()


def _switch_to_english(page):
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()


def test_self_scoring_opens_only_the_groups_that_need_the_officer_and_its_index_opens_the_others(page, units):
    unit = units[0]
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    for line in _lines_of_group(unit, "1") + _lines_of_group(unit, "3"):  # nothing left to do in groups 1 and 3
        line.state, line.self_score = ScoreState.SUBMITTED, Decimal(1)
    returned = _lines_of_group(unit, "3")[0]
    returned.state, returned.review_comment = ScoreState.RETURNED, "Bổ sung báo cáo có số, ký hiệu."
    db.session.commit()

    sign_in(page, officer.username)
    page.goto("/unit/scores")
    groups = page.locator("details.score-group")
    group_1, group_3 = groups.nth(0), groups.nth(2)
    expect(group_1).not_to_have_attribute("open", "")  # all sent: collapsed
    expect(group_3).to_have_attribute("open", "")      # one returned line: open
    expect(groups.nth(1)).to_have_attribute("open", "")  # drafts without a score: open
    index = page.locator("nav.page-index")
    expect(index.locator("tbody tr").nth(0)).to_contain_text("đã gửi hết")
    expect(index.locator("tbody tr").nth(2)).to_contain_text("1 tiêu chí")
    # the returned line shows its facts as on its own page (one partial): maximum, deadline, evidence, state
    row = page.locator(f"#score-row-{returned.id}")
    expect(row.locator(".item-facts")).to_contain_text("Điểm tối đa")
    expect(row.locator(".item-facts")).to_contain_text("Trả lại để bổ sung")

    first_line = _lines_of_group(unit, "1")[0]
    expect(page.locator(f"#score-row-{first_line.id}")).to_be_hidden()
    index.get_by_role("link").first.click()  # the index opens a collapsed group
    expect(group_1).to_have_attribute("open", "")
    expect(page.locator(f"#score-row-{first_line.id}")).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "layout-scores-1366-vi")
    page.evaluate("document.querySelectorAll('details.score-group').forEach(d => d.open = true)")
    assert height + 500 < page.evaluate("document.documentElement.scrollHeight")  # collapsing shortens the page
    for size in ({"width": 1280, "height": 720}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        page.goto("/unit/scores")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        screenshot(page, f"layout-scores-{size['width']}-vi")
    page.set_viewport_size({"width": 1366, "height": 768})
    _switch_to_english(page)
    page.goto("/unit/scores")
    expect(page.locator("nav.page-index")).to_contain_text("Needs you")
    screenshot(page, "layout-scores-1366-en")
    page.goto(f"/unit/score-lines/{returned.id}")
    expect(page.locator(".item-facts")).to_contain_text("Maximum")
    screenshot(page, "layout-item-1366-en")
    assert page.console_errors == []


def test_select_all_on_this_page_ticks_the_pages_rows_follows_the_poll_and_approves_them(browser, page, units):
    officers = [factories.gen_user(role=Role.UNIT_OFFICER, unit=unit) for unit in units]
    reviewer = factories.gen_user(role=Role.REVIEWER)
    lines = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id.in_([u.id for u in units]), Criterion.kind == CriterionKind.ITEM,
        Criterion.evidence_required.is_(False)).order_by(ScoreLine.id)).scalars().all()
    lines += db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id.in_([u.id for u in units]), Criterion.kind == CriterionKind.ITEM,
        Criterion.evidence_required.is_(True)).order_by(ScoreLine.id)).scalars().all()
    for line in lines[:27]:
        submit(line, officers[0] if line.unit_id == units[0].id else officers[1], score="1")

    sign_in(page, reviewer.username)
    page.goto("/review/")
    all_on_page = page.get_by_label("Chọn tất cả các mục trên trang này")
    count = page.locator("[data-selected-count]")
    expect(count).to_have_text("Chưa chọn mục nào")
    rows = page.locator('#queue-results input[name="line"]')
    expect(rows).to_have_count(25)
    all_on_page.check()
    expect(count).to_have_text("Đã chọn 25 mục")
    rows.nth(3).uncheck()
    expect(count).to_have_text("Đã chọn 24 mục")
    assert page.evaluate("document.querySelector('[data-select-page]').indeterminate") is True

    # a new submission lands while the reviewer selects: the poll replaces the rows, the choice stays
    extra = lines[27]
    submit(extra, officers[0] if extra.unit_id == units[0].id else officers[1], score="1")
    expect(page.locator("#queue-results .tabs__count").first).to_have_text("28", timeout=10_000)
    expect(count).to_have_text("Đã chọn 24 mục")
    assert page.evaluate("document.querySelector('[data-select-page]').indeterminate") is True
    screenshot(page, "layout-queue-select-1366-vi")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Phê duyệt các mục đã chọn").click()
    expect(rows).to_have_count(4, timeout=10_000)  # 28 − 24 approved: one page now
    db.session.expire_all()
    approved = db.session.scalar(sa.select(sa.func.count()).select_from(ScoreLine).where(
        ScoreLine.state == ScoreState.APPROVED))
    assert approved == 24
    expect(count).to_have_text("Chưa chọn mục nào")
    page.set_viewport_size({"width": 1280, "height": 720})
    screenshot(page, "layout-queue-after-1280-vi")
    _switch_to_english(page)
    page.goto("/review/")
    expect(page.get_by_label("Select all items on this page")).to_be_visible()
    screenshot(page, "layout-queue-1280-en")
    assert page.console_errors == []


def test_the_whole_row_of_a_nomination_opens_it_and_the_name_is_still_the_one_link(page, units):
    reviewer = factories.gen_user(role=Role.REVIEWER)
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[1])
    award = db.session.execute(sa.select(AwardType)).scalars().first()
    nomination = Nomination(campaign_id=award.campaign_id, unit_id=units[1].id, award_type_id=award.id,
                            nominee_name="Trịnh Văn Sơn", created_by_id=officer.id, state=NominationState.SUBMITTED)
    awards = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == award.campaign_id)).scalars().all()
    for i, (kind, name) in enumerate([(awards[0], "Ban Tổ chức Huyện ủy Thống Nhất"), (awards[1], "Nguyễn Hữu Phước")]):
        db.session.add(Nomination(campaign_id=award.campaign_id, unit_id=units[i].id, award_type_id=kind.id,
                                  nominee_name=name, created_by_id=officer.id, state=NominationState.AWARDED,
                                  decision_number=f"12{i}-QĐ/BTCTU", decision_date=date(2026, 11, 29),
                                  decision_signer="Trưởng Ban Tổ chức Tỉnh ủy"))
    db.session.add(nomination)
    db.session.commit()

    sign_in(page, reviewer.username)
    page.goto("/nominations/")
    row = page.locator("table.table--rowlink tbody tr", has_text="Trịnh Văn Sơn")
    expect(row.get_by_role("link")).to_have_count(1)  # one link per row for keyboards and screen readers
    screenshot(page, "layout-nominations-1366-vi")
    cell = row.locator("td").first.bounding_box()  # the unit's cell, not the name: the link covers it
    page.mouse.click(cell["x"] + cell["width"] / 2, cell["y"] + cell["height"] / 2)
    page.wait_for_url(f"**/nominations/{nomination.id}")
    page.go_back()
    row.get_by_role("link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/nominations/{nomination.id}")

    # the award list: every award's table has the same columns, so they line up down the page
    page.goto("/nominations/award-list")
    tables = page.locator("table.document__table")
    expect(tables).to_have_count(2)
    columns = [[round(th.bounding_box()["x"]) for th in table.locator("th").all()] for table in tables.all()]
    assert columns[0] == columns[1]
    screenshot(page, "layout-award-list-1366-vi")
    assert page.console_errors == []


def test_an_officer_on_a_phone_reads_the_dashboard_and_saves_a_score(browser, live_server, units):
    unit = units[0]
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    line = line_of(unit, "3.3")  # no evidence required
    db.session.commit()  # end the read: the portal writes to the same database
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, officer.username)
        page.goto("/unit/")
        # nothing wider than the phone: the page never scrolls sideways (wide tables scroll in their card)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        nav = page.get_by_role("navigation", name="Điều hướng chính")
        assert nav.bounding_box()["height"] < 60  # one compact row, not four
        expect(nav.get_by_role("link", name="Tự chấm điểm")).to_be_attached()
        screenshot(page, "layout-phone-dashboard-vi")

        nav.get_by_role("link", name="Tự chấm điểm").click()
        page.wait_for_url("**/unit/scores")
        score = page.locator(f"#score-{line.id}-self_score")
        score.scroll_into_view_if_needed()
        field = score.bounding_box()
        assert field["x"] >= 0 and field["x"] + field["width"] <= 390
        score.fill("2,5")
        page.locator(f"#score-{line.id}-explanation").fill("Thành lập 3 chi bộ ở doanh nghiệp ngoài nhà nước.")
        page.locator(f"#score-{line.id}-save").click()
        expect(page.locator(f"#score-{line.id}")).to_contain_text("Đã lưu")
        db.session.expire_all()
        assert line_of(unit, "3.3").self_score == Decimal("2.5")
        db.session.commit()
        page.locator(f"#score-{line.id}").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "layout-phone-score-saved-vi.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "layout-phone-scores-vi")

        page.goto(f"/unit/score-lines/{line.id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "layout-phone-item-vi")
        _switch_to_english(page)
        page.goto("/unit/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "layout-phone-dashboard-en")
        assert errors == []
    finally:
        context.close()
