"""An administrator creates an account; the new user signs in with the temporary password, must
change it, and lands on their home page."""
import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in


def test_new_account_signs_in_with_temporary_password_and_must_change_it(page, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    sign_in(page, admin.username)
    open_admin(page, "Tài khoản")
    page.get_by_role("link", name="Tạo tài khoản mới").click()
    page.get_by_label("Tên đăng nhập").fill("thamdinh.moi")
    page.get_by_label("Họ và tên").fill("Phạm Thị Thẩm Định")
    page.get_by_label("Thư điện tử (không bắt buộc)").fill("thamdinh@tochuc.gov.vn")
    page.get_by_label("Vai trò").select_option("reviewer")
    screenshot(page, "account-create-form")
    page.get_by_role("button", name="Tạo tài khoản").click()
    password = page.locator("[data-temporary-password]").inner_text()
    assert len(password) == 12
    screenshot(page, "account-temporary-password")
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, "thamdinh.moi", password)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.goto("/")  # nothing else until the password is changed
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect(page.locator("main")).to_contain_text("mật khẩu tạm thời")
    page.wait_for_timeout(1500)  # the navigation's badge polls meanwhile must not reload the form
    page.get_by_label("Mật khẩu hiện tại").fill(password)
    page.get_by_label("Mật khẩu mới", exact=True).fill("Hoa-Sen-Tren-Ho-9")
    page.get_by_label("Nhập lại mật khẩu mới").fill("Hoa-Sen-Tren-Ho-9")
    screenshot(page, "account-forced-change")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".user-box__name")).to_have_text("Phạm Thị Thẩm Định")
    expect(page.locator("main")).to_contain_text("Thẩm định điểm")
    screenshot(page, "account-new-user-home")
    assert page.console_errors == []
