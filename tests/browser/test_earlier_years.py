"""Earlier years in the browser: an officer switches the scoreboard to 2024, opens the unit's
history page (chart and table) and the read-only 2024 scorecard."""
import re
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db
from portal.models import (AwardType, Classification, Evidence, Nomination, NominationState, PastClassification,
                           Role, ScoreboardState, Unit)
from portal.workspace.services import build_scorecard
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.history.conftest import approve_year, earlier_year, exist_since


def test_an_officer_looks_back_at_2024(page, campaign):
    units = db.session.execute(sa.select(Unit).where(Unit.code.in_(["BH", "LK", "XL", "LT"]))).scalars().all()
    exist_since(*units)
    bh = next(u for u in units if u.code == "BH")
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=bh, full_name="Hoàng Thị Biên")
    c2024 = earlier_year(campaign, 2024)
    fractions = {"BH": "1", "LK": "0.75", "XL": "0.9", "LT": "0.6"}
    for unit in units:
        fraction = fractions[unit.code]
        approve_year(unit, c2024, Decimal(fraction))
        approve_year(unit, campaign, Decimal(fraction) - Decimal("0.1"))
    award = db.session.execute(sa.select(AwardType).where(AwardType.campaign_id == c2024.id)
                               .order_by(AwardType.position)).scalars().first()
    db.session.add_all([
        PastClassification(unit_id=bh.id, year=2023, classification=Classification.GOOD),
        Nomination(campaign_id=c2024.id, unit_id=bh.id, award_type_id=award.id, state=NominationState.AWARDED,
                   created_by_id=officer.id, decision_number="125-QĐ/TU"),
        ScoreboardState(campaign_id=campaign.id, published=True, reveal_step=0),
    ])
    first_item = build_scorecard(bh, c2024).rows[0]
    db.session.add(Evidence(campaign_id=c2024.id, unit_id=bh.id, criterion_id=first_item.criterion.id,
                            doc_number="45-BC/BTCTU", doc_date=clock.today(), doc_issuer="Ban Tổ chức Thành ủy",
                            title="Báo cáo kết quả công tác tổ chức xây dựng Đảng năm 2024", uploaded_by_id=officer.id))
    db.session.commit()

    sign_in(page, officer.username)
    page.goto("/scoreboard/")
    page.get_by_label("Năm").select_option("2024")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page).to_have_url(re.compile(r"/scoreboard/\?year=2024$"))
    expect(page.locator(".year-switch__notice")).to_contain_text("Bạn đang xem năm 2024")
    expect(page.locator(f'#scoreboard-live tr[data-unit="{bh.id}"] .total-cell')).to_have_text("100")
    screenshot(page, "earlier-years-scoreboard-2024-1366")

    page.get_by_role("link", name="Các năm trước").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bh.name)
    expect(page.locator("#history-chart svg")).to_be_visible()
    expect(page.locator('tr[data-year="2024"]')).to_contain_text(award.name)
    expect(page.locator('tr[data-year="2023"]')).to_contain_text("số liệu nhập")
    screenshot(page, "earlier-years-history-1366")

    page.get_by_role("link", name="Phiếu chấm điểm năm 2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phiếu chấm điểm năm 2024")
    expect(page.get_by_text("Báo cáo kết quả công tác tổ chức xây dựng Đảng năm 2024")).to_be_visible()
    expect(page.locator("main form[method='post'], main input, main textarea")).to_have_count(0)
    screenshot(page, "earlier-years-scorecard-2024-1366")
    assert page.console_errors == []


def test_a_council_member_opens_any_units_history(page, campaign):
    units = db.session.execute(sa.select(Unit).where(Unit.code.in_(["BH", "LK"]))).scalars().all()
    exist_since(*units)
    c2024 = earlier_year(campaign, 2024)
    for unit in units:
        approve_year(unit, c2024, Decimal("0.8"))
    member = factories.gen_user(role=Role.COUNCIL, full_name="Nguyễn Văn Hội")
    db.session.commit()
    sign_in(page, member.username)
    page.get_by_role("link", name="Các năm trước").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Các đơn vị qua các năm")
    screenshot(page, "earlier-years-index-council-1366")
    page.get_by_role("link", name="Ban Tổ chức Thành ủy Long Khánh").click()
    expect(page.locator('tr[data-year="2024"]')).to_contain_text("80")
    page.get_by_role("link", name="Phiếu chấm điểm năm 2024").click()
    expect(page.locator("main form[method='post'], main input, main textarea")).to_have_count(0)
    assert page.console_errors == []
