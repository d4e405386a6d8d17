"""The scoreboard follows an approval without a reload; the ceremony screen follows the reveal."""
import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, ScoreState, Unit
from portal.ceremony import services as scoreboard
from portal.scoreboard.services import read_state
from portal.workspace.services import ensure_workspace
from tests import factories
from tests.browser.pages import screenshot
from tests.browser.pages import sign_in
from tests.helpers import submit
from tests.scoreboard.helpers import set_lines
from tests.scoreboard.helpers import unit as unit_of
from tests.helpers import line_of


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


def test_the_scoreboard_in_vietnamese_then_english_then_vietnamese(browser, live_server, campaign):
    set_lines(unit_of("BH"), campaign, {"1.1": (7.5, ScoreState.APPROVED)}, everything_else=ScoreState.APPROVED)
    for code in ("LK", "LT"):
        set_lines(unit_of(code), campaign, {}, everything_else=ScoreState.SUBMITTED)
    reviewer = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    try:
        board = ctx.new_page()
        sign_in(board, reviewer.username)
        row = board.locator(f'tr[data-unit="{unit_of("BH").id}"]')
        for lang, header, total in (("vi", "Hạng", "7,5"), ("en", "Rank", "7.5"), ("vi", "Hạng", "7,5")):
            board.goto("/scoreboard/")
            board.locator(f'.lang-switch button[lang="{lang}"]').click()
            board.wait_for_url(re.compile("/scoreboard/"))
            expect(board.locator("table.scoreboard th").first).to_have_text(header)
            expect(row.locator(".total-cell")).to_have_text(total)
            screenshot(board, f"scoreboard-{lang}-1920")
        expect(board.locator(f'tr[data-unit="{unit_of("LK").id}"] .class-tag')).to_have_text("chưa đủ điều kiện xếp loại")
    finally:
        ctx.close()


def test_the_ceremony_shows_both_leaders_of_a_tied_cluster(browser, live_server, campaign):
    for code in ("BH", "LT"):  # both in Cụm 1, the same scores
        set_lines(unit_of(code), campaign, {"1.1": (8, ScoreState.APPROVED)}, everything_else=ScoreState.APPROVED)
    admin = factories.gen_user(role=Role.ADMIN)
    token = scoreboard.create_display_link(campaign, admin, "Hội trường")
    scoreboard.freeze(campaign, admin)
    scoreboard.step_reveal(campaign, admin, len(read_state(campaign).frozen_standings))  # every rank shown
    db.session.commit()
    ctx = browser.new_context(base_url=live_server, viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    try:
        screen = ctx.new_page()
        screen.goto(f"/display/{token}")
        expect(screen.locator("#stage")).to_have_class(re.compile("stage--ranks"))
        screenshot(screen, "ceremony-ranks-tied-1920")
        scoreboard.step_reveal(campaign, admin, 1)
        db.session.commit()
        expect(screen.locator("#stage")).to_have_class(re.compile("stage--leaders"), timeout=8_000)
        leader = screen.locator(".leader").first
        expect(leader.locator(".leader__unit")).to_have_count(2)
        expect(leader).to_contain_text("Biên Hòa")
        expect(leader).to_contain_text("Long Thành")
        screenshot(screen, "ceremony-leaders-tied-1920")
    finally:
        ctx.close()
