"""An administrator imports reference data from Excel in the browser: a workbook with one bad row
is named in the preview and changes nothing; the corrected one is previewed, confirmed and there."""
import io

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import AwardType, Cluster, Criterion, Role, Unit
from portal.transfer import services
from portal.xlsx import workbook_bytes
from tests import factories
from tests.browser.pages import open_admin, screenshot, sign_in


def _counts():
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Cluster, Unit, Criterion, AwardType)]


def _row_of(sheet, code):
    return next(row for row in sheet.iter_rows(min_row=2) if str(row[0].value) == code)


def test_admin_imports_an_xlsx_with_a_bad_row_then_a_good_one(page, campaign, tmp_path):
    admin = factories.gen_user(role=Role.ADMIN)
    db.session.commit()
    book = load_workbook(io.BytesIO(services.export_xlsx(campaign)))
    header = [c.value for c in book["units"][1]]
    bh = _row_of(book["units"], "BH")
    bh[header.index("name")].value = "Ban Tổ chức Thành ủy Biên Hòa (sau sắp xếp)"
    book["clusters"].append(["CUM-3", "Cụm thi đua số 3", "Cụm mới sau sắp xếp"])
    bad_cell = _row_of(book["units"], "LK")[header.index("valid_from")]
    bad_cell.value = "31/12/2025"  # not YYYY-MM-DD
    bad = tmp_path / "danh-muc-2025.xlsx"
    bad.write_bytes(workbook_bytes(book))
    bad_cell.value = "2025-01-01"
    good = tmp_path / "danh-muc-2025-da-sua.xlsx"
    good.write_bytes(workbook_bytes(book))
    before = _counts()

    sign_in(page, admin.username)
    open_admin(page, "Phong trào thi đua")
    page.get_by_role("link", name="Dữ liệu danh mục: nhập và xuất").click()
    expect(page.locator("h1")).to_contain_text("Dữ liệu danh mục")
    page.get_by_label("Một bảng tính, mỗi tệp một trang (XLSX)").set_input_files(str(bad))
    screenshot(page, "reference-upload")
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Không có gì được nhập: 1 lỗi")
    row = problems.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("danh-muc-2025.xlsx [units]")
    expect(row.locator("td").nth(1)).to_have_text(str(bad_cell.row))
    expect(row.locator("td").nth(2)).to_have_text("valid_from")
    expect(row).to_contain_text("'31/12/2025' không phải là ngày")
    screenshot(page, "reference-upload-problem")
    db.session.expire_all()
    assert _counts() == before
    assert db.session.execute(sa.select(Unit.name).where(Unit.code == "BH")).scalar_one() == "Ban Tổ chức Thành ủy Biên Hòa"

    page.get_by_label("Một bảng tính, mỗi tệp một trang (XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    expect(page.locator("h1")).to_contain_text("Xem trước dữ liệu nhập vào năm 2025")
    expect(page.locator("#summary-clusters")).to_contain_text("1")
    expect(page.locator("#changes-units")).to_contain_text("Ban Tổ chức Thành ủy Biên Hòa (sau sắp xếp)")
    expect(page.locator("#changes-clusters")).to_contain_text("CUM-3")
    screenshot(page, "reference-preview")
    db.session.expire_all()
    assert _counts() == before  # the preview changes nothing
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("#flashes")).to_contain_text("Đã nhập dữ liệu danh mục năm 2025")
    db.session.expire_all()
    assert _counts() == [before[0] + 1, *before[1:]]
    assert db.session.execute(sa.select(Unit.name).where(Unit.code == "BH")).scalar_one().endswith("(sau sắp xếp)")
    # The refused upload answers 422 on purpose (the browser logs that); nothing else may fail.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
