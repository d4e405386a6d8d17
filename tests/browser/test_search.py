"""Search in the browser: the header box (a plain GET form), results as you type, with and without
diacritics, a document symbol; an officer of another unit finds nothing of it. And the help page."""
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Comment, Evidence, Nomination, Role, Unit
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.helpers import award, line_of


def _records(campaign):
    units = {u.code: u for u in db.session.execute(sa.select(Unit).where(Unit.code.in_(["BH", "LK"]))).scalars()}
    bh_officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units["BH"], full_name="Hoàng Thị Biên")
    lk_officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units["LK"], full_name="Trần Văn Đức")
    for unit, officer, symbol, title in (
            (units["BH"], bh_officer, "125-KH/BTCTU", "Kế hoạch kiểm tra công tác tổ chức xây dựng Đảng năm 2025"),
            (units["LK"], lk_officer, "88-BC/BTCTU", "Báo cáo kết quả đánh giá chất lượng đảng viên")):
        line = line_of(unit, "1.1")
        db.session.add_all([
            Evidence(campaign_id=campaign.id, unit_id=unit.id, criterion_id=line.criterion_id, doc_number=symbol,
                     doc_issuer="Ban Tổ chức", title=title, uploaded_by_id=officer.id),
            Comment(subject_type="score_line", subject_id=line.id, unit_id=unit.id, author_id=officer.id,
                    body=f"Đã bổ sung văn bản {symbol} theo yêu cầu"),
        ])
    db.session.add(Nomination(campaign_id=campaign.id, unit_id=units["BH"].id, award_type=award("GK-BTCTU-CN"),
                              nominee_name="Nguyễn Thị Hường", nominee_position="Phó Trưởng ban",
                              achievements="x", created_by_id=bh_officer.id))
    reviewer = factories.gen_user(role=Role.REVIEWER, full_name="Lê Minh Châu")
    factories.gen_user(role=Role.ADMIN, full_name="Phạm Quốc Bảo", email="thidua@example.vn")
    db.session.commit()
    return reviewer, bh_officer, lk_officer


def test_a_reviewer_searches_with_and_without_diacritics(page, campaign):
    reviewer, _bh, _lk = _records(campaign)
    sign_in(page, reviewer.username)
    box = page.get_by_role("search").get_by_label("Tìm kiếm")
    box.fill("bien hoa")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=bien\+hoa$"))
    results = page.locator("#search-results")
    expect(results.locator("#search-unit")).to_contain_text("Đơn vị")
    expect(results.get_by_role("link", name="Ban Tổ chức Thành ủy Biên Hòa")).to_be_visible()
    # as you type, on the search page: a symbol, then a name with diacritics
    query = page.locator("#search-q")
    query.fill("125-KH/BTCTU")
    expect(results.get_by_role("link", name=re.compile("Kế hoạch kiểm tra"))).to_be_visible()
    expect(results.locator("#search-comment")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=125-KH%2FBTCTU"))
    query.fill("Hường")
    expect(results.get_by_role("link", name="Nguyễn Thị Hường")).to_be_visible()
    query.fill("huong")
    expect(results.get_by_role("link", name="Nguyễn Thị Hường")).to_be_visible()
    query.fill("chat luong dang vien")
    expect(results.locator("#search-evidence")).to_be_visible()
    expect(results.locator("#search-criterion")).to_be_visible()
    screenshot(page, "search-reviewer-vi")
    results.get_by_role("link", name="Báo cáo kết quả đánh giá chất lượng đảng viên").click()
    expect(page).to_have_url(re.compile(r"/review/items/score_line/\d+$"))
    page.go_back()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Search", level=1)).to_be_visible()
    expect(page.locator("#search-results #search-evidence")).to_contain_text("Evidence")
    screenshot(page, "search-reviewer-en")
    assert page.console_errors == []


def test_an_officer_finds_nothing_of_another_unit(page, campaign):
    _reviewer, _bh, lk_officer = _records(campaign)
    sign_in(page, lk_officer.username)
    box = page.get_by_role("search").get_by_label("Tìm kiếm")
    box.fill("125-KH/BTCTU")
    box.press("Enter")
    results = page.locator("#search-results")
    expect(results).to_contain_text("Không tìm thấy kết quả")
    for query, shown in (("bien hoa", "Biên Hòa"), ("Biên Hòa", "Biên Hòa"), ("huong", "Hường"), ("Hường", "Hường"),
                         ("kiem tra cong tac", "Kế hoạch kiểm tra")):
        with page.expect_response(lambda response: "/search/?q=" in response.url):
            page.locator("#search-q").fill(query)
        # criteria are everyone's (a criterion's title may hold the word); nothing of Biên Hòa's record is
        for kind in ("unit", "evidence", "nomination", "comment"):
            expect(results.locator(f"#search-{kind}")).to_have_count(0)
        expect(results).not_to_contain_text(shown)
    page.locator("#search-q").fill("88-bc")
    expect(results.get_by_role("link", name="Báo cáo kết quả đánh giá chất lượng đảng viên")).to_be_visible()
    expect(results).not_to_contain_text("Biên Hòa")
    for selector in (".site-header__inner", ".main-nav__list"):
        assert page.locator(selector).bounding_box()["height"] < 70, selector
    screenshot(page, "search-officer-vi")
    assert page.console_errors == []


def test_the_help_page_per_role(page, campaign):
    reviewer, bh_officer, _lk = _records(campaign)
    sign_in(page, bh_officer.username)
    page.get_by_role("link", name="Hướng dẫn", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hướng dẫn cho cán bộ đơn vị")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Đăng ký thi đua của đơn vị")
    expect(page.locator("#help-contact").locator("..")).to_contain_text("Phạm Quốc Bảo")
    screenshot(page, "help-officer-vi")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help for unit officer")
    screenshot(page, "help-officer-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, reviewer.username)
    page.get_by_role("link", name="Hướng dẫn", exact=True).click()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Tiếp nhận hoặc trả lại")
    screenshot(page, "help-reviewer-vi")
    page.get_by_role("button", name="Đăng xuất").click()
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    sign_in(page, admin.username)
    page.get_by_role("link", name="Hướng dẫn", exact=True).click()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Chuyển phong trào sang giai đoạn chấm điểm")
    # the header and the navigation each keep one line at 1366 px, with the search box and Help
    for selector in (".site-header__inner", ".main-nav__list"):
        assert page.locator(selector).bounding_box()["height"] < 70, selector
    screenshot(page, "help-admin-vi")
    page.get_by_role("button", name="English").click()
    for selector in (".site-header__inner", ".main-nav__list"):
        assert page.locator(selector).bounding_box()["height"] < 70, selector
    screenshot(page, "help-admin-en")
