"""Helpers for the browser tests: signing in through the form, and screenshots to look at."""
from __future__ import annotations

from pathlib import Path

from tests import factories

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page, username: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def screenshot(page, name: str) -> Path:
    """A full-page PNG in test-artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_admin(page, area: str) -> None:
    """An administration page the way an administrator reaches it: Quản trị, then the area's card."""
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Quản trị").click()
    page.locator("#admin-areas").get_by_role("link", name=area, exact=True).click()


def person_page(browser, base_url: str):
    """A browser context of its own (one person at their screen) and its page; the page's script
    errors are kept in ``page.errors`` and confirmation dialogs are accepted."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    return ctx, page


def submit_score(page, line_id: int, score: str, explanation: str) -> None:
    """The officer scores a line on its own page and submits it for review."""
    page.goto(f"/unit/score-lines/{line_id}")
    page.locator(f"#score-{line_id}-self_score").fill(score)
    page.locator(f"#score-{line_id}-explanation").fill(explanation)
    page.get_by_role("button", name="Gửi thẩm định").click()
