"""The scoreboard follows an approval without a reload; the ceremony screen follows the reveal."""
import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, Unit
from portal.review import services as review
from portal.ceremony import services as scoreboard
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_sign_in import sign_in
from tests.review.conftest import submit
from tests.workspace.conftest import line_of


def test_the_scoreboard_updates_when_a_reviewer_approves(browser, live_server, campaign):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "XL")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    watcher = factories.gen_user(role=Role.ADMIN)
    reviewer = factories.gen_user(role=Role.REVIEWER)
    ensure_workspace(unit, campaign)
    db.session.commit()
    line = submit(line_of(unit, "1.2"), officer, score="11")

    watch_ctx = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768}, locale="vi-VN")
    review_ctx = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 768}, locale="vi-VN")
    try:
        board = watch_ctx.new_page()
        sign_in(board, watcher.username)
        board.goto("/scoreboard/")
        row = board.locator(f'tr[data-unit="{unit.id}"]')
        expect(row.locator(".total-cell")).to_have_text("0")
        board.evaluate("window.__marker = 'still the same page'")

        reviewer_page = review_ctx.new_page()
        sign_in(reviewer_page, reviewer.username)
        reviewer_page.goto(f"/review/items/score_line/{line.id}")
        reviewer_page.get_by_role("button", name=re.compile("Phê duyệt 11 điểm")).click()
        expect(reviewer_page.locator("#queue-detail .badge").first).to_have_text("Đã phê duyệt")

        expect(row.locator(".total-cell")).to_have_text("11", timeout=10_000)
        expect(row.locator(".rank")).to_have_text("1")
        assert board.evaluate("window.__marker") == "still the same page"  # no reload
        screenshot(board, "scoreboard-1366")
    finally:
        watch_ctx.close()
        review_ctx.close()


def test_the_ceremony_screen_follows_the_reveal(browser, live_server, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    token = scoreboard.create_display_link(campaign, admin, "Hội trường")
    scoreboard.freeze(campaign, admin)
    db.session.commit()
    for size in ((1920, 1080), (1280, 720)):
        ctx = browser.new_context(base_url=live_server, viewport={"width": size[0], "height": size[1]})
        try:
            screen = ctx.new_page()
            screen.goto(f"/display/{token}")
            expect(screen.locator("#stage")).to_have_class(re.compile("stage--title"))
            screenshot(screen, f"ceremony-title-{size[0]}")
            scoreboard.step_reveal(campaign, admin, 1)
            db.session.commit()
            expect(screen.locator("#stage")).to_have_class(re.compile("stage--ranks"), timeout=8_000)
            expect(screen.locator(".board__row[data-unit]")).to_have_count(1)
            scoreboard.step_reveal(campaign, admin, 100)
            db.session.commit()
            expect(screen.locator("#stage")).to_have_class(re.compile("stage--awards"), timeout=8_000)
            scoreboard.step_reveal(campaign, admin, -1000)
            scoreboard.unfreeze(campaign, admin)
            db.session.commit()
            expect(screen.locator("#stage")).to_have_class(re.compile("stage--live"), timeout=8_000)
            screenshot(screen, f"ceremony-live-{size[0]}")
            scoreboard.freeze(campaign, admin)
            db.session.commit()
        finally:
            ctx.close()


def test_an_officer_sees_the_own_unit_highlighted(page, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    unit = db.session.execute(db.select(Unit).where(Unit.code == "LK")).scalar_one()
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    scoreboard.set_published(campaign, admin, True)
    db.session.commit()
    sign_in(page, officer.username)
    page.goto("/scoreboard/")
    expect(page.locator(f'tr[data-unit="{unit.id}"]')).to_have_class(re.compile("row--own"))
    expect(page.locator("tr.row--own")).to_have_count(1)
