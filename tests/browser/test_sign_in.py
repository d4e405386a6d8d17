"""Each role signs in through the browser and lands on its own home page."""
import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, Unit
from tests import factories
from tests.browser.conftest import screenshot

HOME_HEADINGS = {
    Role.UNIT_OFFICER: "Tiến độ theo nhóm nhiệm vụ",
    Role.REVIEWER: "Thẩm định điểm",
    Role.COUNCIL: "biểu quyết",
    Role.ADMIN: "Tài khoản đang hoạt động",
}


def sign_in(page, username: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_signs_in_and_sees_its_home(page, campaign, role):
    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    user = factories.gen_user(role=role, unit=unit)
    db.session.commit()
    sign_in(page, user.username)
    expect(page).to_have_url(re.compile(r"/(unit/)?$"))
    expect(page.locator("h1#campaign-title")).to_contain_text("2025")
    expect(page.locator("main")).to_contain_text(HOME_HEADINGS[role])
    expect(page.locator(".user-box__name")).to_have_text(user.full_name)
    if role is Role.UNIT_OFFICER:
        expect(page.locator("main")).to_contain_text("Ban Tổ chức Thành ủy Biên Hòa")
    screenshot(page, f"home-{role.value}")
    assert page.console_errors == []  # no CSP violation, no script error


def test_wrong_password_shows_a_vietnamese_error(page, app):
    user = factories.gen_user()
    db.session.commit()
    sign_in(page, user.username, "không phải mật khẩu")
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page).to_have_url(re.compile(r"/login"))
    screenshot(page, "login-error")


def test_switch_to_english_and_sign_out(page, campaign):
    user = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    sign_in(page, user.username)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Reference")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_htmx_loads_under_the_content_security_policy(page, app):
    page.goto("/login")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.console_errors == []
