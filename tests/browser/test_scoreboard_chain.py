"""Issue #12: with a review chain of several levels the scoreboard shows how far each unit's
scorecard has come, and the column follows a decision without a reload."""
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role
from portal import chain
from portal.review import services as review
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import screenshot, sign_in
from tests.chain_helpers import BOARD, SPECIALISTS, scored_lines, submit_all, three_levels
from tests.helpers import fresh
from tests.scoreboard.helpers import unit as unit_of


def test_the_progress_column_follows_the_chain(browser, live_server, campaign):
    specialist, leader, _chair = three_levels(campaign)
    watcher = factories.gen_user(role=Role.ADMIN)
    units = {code: unit_of(code) for code in ("BH", "LK", "XL")}
    for code, unit in units.items():
        ensure_workspace(unit, campaign)
        officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
        db.session.commit()
        submit_all(unit, officer)
    for code in ("BH", "LK"):  # both passed the specialists; Biên Hòa also signed off by the board
        for line in scored_lines(units[code]):
            review.approve_score(fresh(line), specialist)
            db.session.commit()
    review.sign_off_scorecard(chain.scorecard_for(campaign.id, units["BH"].id), leader)
    db.session.commit()
    xl_lines = scored_lines(units["XL"])
    total = len(xl_lines)
    for line in xl_lines[:2]:
        review.approve_score(fresh(line), specialist)
        db.session.commit()

    ctx = browser.new_context(base_url=live_server, viewport={"width": 1440, "height": 900}, locale="vi-VN")
    try:
        board = ctx.new_page()
        sign_in(board, watcher.username)
        board.goto("/scoreboard/")
        expect(board.get_by_role("columnheader", name="Tiến độ duyệt")).to_be_visible()
        cell = lambda code: board.locator(f'tr[data-unit="{units[code].id}"] .chain-stage')  # noqa: E731
        expect(cell("BH")).to_have_text("Đã duyệt đủ các cấp")
        expect(cell("LK")).to_have_text(f"Chờ {BOARD} ký duyệt")
        expect(cell("XL")).to_have_text(f"{SPECIALISTS}: 2/{total} mục")
        board.evaluate("window.__marker = 'still the same page'")
        screenshot(board, "scoreboard-chain-1440")

        review.approve_score(fresh(xl_lines[2]), specialist)
        db.session.commit()
        expect(cell("XL")).to_have_text(f"{SPECIALISTS}: 3/{total} mục", timeout=10_000)
        assert board.evaluate("window.__marker") == "still the same page"  # no reload
        board.set_viewport_size({"width": 1024, "height": 768})
        screenshot(board, "scoreboard-chain-1024")
    finally:
        ctx.close()
