"""Each role signs in through the browser and lands on its own home page."""
import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, Unit
from tests import factories
from tests.browser.pages import screenshot, sign_in

HOME_HEADINGS = {
    Role.UNIT_OFFICER: "Tiến độ theo nhóm nhiệm vụ",
    Role.REVIEWER: "Thẩm định điểm",
    Role.COUNCIL: "biểu quyết",
    Role.ADMIN: "Tài khoản đang hoạt động",
}




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


def test_text_typed_when_the_session_ended_survives_signing_in_again(page, campaign):
    """Type an explanation, the session ends on the server, press save: the sign-in page says the
    session ended; after signing in the user is back on the item with the text restored."""
    from portal.auth import sessions
    from portal.models import Criterion, ScoreLine
    from portal.workspace.services import ensure_workspace

    unit = db.session.execute(db.select(Unit).where(Unit.code == "BH")).scalar_one()
    ensure_workspace(unit, campaign)
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit)
    db.session.commit()
    line = db.session.execute(db.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, Criterion.code == "1.1")).scalar_one()
    sign_in(page, officer.username)
    page.goto(f"/unit/score-lines/{line.id}")
    text = "Đã ban hành Chương trình công tác số 12-CTr/BTCTU ngày 20/01/2025, đúng hạn."
    page.locator(f"#score-{line.id}-explanation").fill(text)

    sessions.end_all(officer.id)  # e.g. the administrator ended every session of the account
    db.session.commit()
    page.get_by_role("button", name="Lưu dự thảo").click()

    expect(page).to_have_url(re.compile(r"/login\?next=/unit/score-lines/"))
    expect(page.locator(".flash--warning")).to_have_text("Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại để tiếp tục.")
    expect(page.locator(".user-box")).to_have_count(0)
    screenshot(page, "session-ended-sign-in")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(re.compile(rf"/unit/score-lines/{line.id}$"))
    restored = "Nội dung chưa lưu của bạn đã được khôi phục trên thiết bị này. Hãy bấm lưu để giữ lại."
    expect(page.locator(f"#score-{line.id}-explanation")).to_have_value(text)
    expect(page.locator(".draft-note")).to_have_text(restored)
    screenshot(page, "session-ended-draft-restored")
    db.session.expire_all()
    assert db.session.get(ScoreLine, line.id).explanation in ("", None)  # nothing was saved without a session

    # the draft stays until it is saved: another visit still restores it
    page.goto(f"/unit/score-lines/{line.id}")
    expect(page.locator(f"#score-{line.id}-explanation")).to_have_value(text)
    expect(page.locator(".draft-note")).to_have_text(restored)

    # saving now works, and the kept draft is let go
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(f"#score-{line.id} .save-state")).to_have_text("Đã lưu.")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('portal-draft:')).length") == 0
    page.reload()
    expect(page.locator(f"#score-{line.id}-explanation")).to_have_value(text)
    expect(page.locator(".draft-note")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(ScoreLine, line.id).explanation == text
    # the refused save's 401 is the only thing the browser reported
    assert [e for e in page.console_errors if "status of 401" not in e] == []
