"""Reference data in the browser: upload CSV or XLSX, preview, confirm all or nothing; download."""
import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import (
    AuditEvent,
    AwardType,
    CampaignState,
    Cluster,
    Commitment,
    Criterion,
    ReferenceUpload,
    Role,
    ScoreLine,
    Unit,
)
from portal.transfer import services
from portal.xlsx import workbook_bytes
from tests import factories
from tests.helpers import line_of

URL = "/admin/reference/"
TABLES = (Cluster, Unit, Criterion, AwardType, ScoreLine, Commitment, ReferenceUpload)


def counts():
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in TABLES}


def snapshot(campaign):
    """Every reference value of the campaign, as the download writes it."""
    db.session.expire_all()
    return {kind: [record for _obj, record in services.current_records(kind, campaign)] for kind in services.KINDS}


def csv_files(campaign) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(services.export_zip(campaign))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def edited_csv(files, name, old, new, count=1):
    text = files[name].decode("utf-8-sig")
    assert old in text, (old, name)
    files[name] = text.replace(old, new, count).encode("utf-8")


def workbook_of(campaign):
    return load_workbook(io.BytesIO(services.export_xlsx(campaign)))


def cell(sheet, code, column):
    """The cell of ``column`` on the row whose code is ``code``."""
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[0].value) == code:
            return row[header.index(column)]
    raise AssertionError(code)


def post_workbook(client, campaign, data: bytes, name="reference.xlsx"):
    return client.post(URL, data={"campaign": campaign.id, "workbook": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def post_csv(client, campaign, files: dict[str, bytes]):
    slots = {"clusters-": "clusters", "units-": "units", "criteria-": "criteria", "award-types-": "award_types"}
    data = {"campaign": campaign.id}
    for name, content in files.items():
        slot = next(s for prefix, s in slots.items() if name.startswith(prefix))
        data[slot] = (io.BytesIO(content), name)
    return client.post(URL, data=data, content_type="multipart/form-data")


def token_of(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return re.search(r"/preview/([^/]+)$", response.headers["Location"]).group(1)


def fingerprint_of(page: str) -> str:
    return re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', page).group(1)


@pytest.fixture
def admin(login_as, campaign):
    return login_as(Role.ADMIN)


# --- Access ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_every_route_refuses_every_other_role(client, login_as, campaign, role):
    admin = factories.gen_user(role=Role.ADMIN)
    upload = services.store_upload(campaign, {}, admin)
    db.session.commit()
    login_as(role)
    before = counts()
    routes = [("get", URL), ("post", URL), ("get", f"{URL}preview/{upload.token}"),
              ("post", f"{URL}preview/{upload.token}/confirm"), ("post", f"{URL}preview/{upload.token}/discard"),
              ("get", f"{URL}{campaign.id}/export.xlsx"), ("get", f"{URL}{campaign.id}/export.zip")]
    for method, url in routes:
        response = getattr(client, method)(url, data={"campaign": campaign.id, "fingerprint": "x"})
        assert response.status_code == 403, (method, url)
    assert counts() == before


def test_another_administrators_upload_is_not_found(client, admin, campaign):
    other = factories.gen_user(role=Role.ADMIN)
    upload = services.store_upload(campaign, {}, other)
    db.session.commit()
    assert client.get(f"{URL}preview/{upload.token}").status_code == 404
    assert client.post(f"{URL}preview/{upload.token}/confirm", data={"fingerprint": "x"}).status_code == 404


def test_campaigns_page_links_to_the_reference_page(client, admin):
    page = client.get("/admin/campaigns/").get_data(as_text=True)
    assert URL in page
    page = client.get(URL).get_data(as_text=True)
    assert "Dữ liệu danh mục" in page and "export.xlsx" in page and "export.zip" in page


# --- Round trip -----------------------------------------------------------------------------------

def test_xlsx_round_trip_previews_nothing_changes(client, admin, campaign):
    before, values = counts(), snapshot(campaign)
    token = token_of(post_workbook(client, campaign, services.export_xlsx(campaign)))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    assert "Không có gì thay đổi" in page
    assert "Xác nhận nhập" not in page  # nothing to confirm
    plan = services.preview(services.upload_for(token, admin))
    assert plan.nothing_changes and not plan.problems
    assert [k.unchanged for k in plan.kinds] == [3, 16, 34, 7]
    assert snapshot(campaign) == values
    assert {k: v for k, v in counts().items() if k != "ReferenceUpload"} == \
           {k: v for k, v in before.items() if k != "ReferenceUpload"}


def test_csv_round_trip_previews_nothing_changes(client, admin, campaign):
    files = csv_files(campaign)
    assert sorted(files) == ["award-types-2025.csv", "clusters-2025.csv", "criteria-2025.csv", "units-2025.csv"]
    token = token_of(post_csv(client, campaign, files))
    assert "Không có gì thay đổi" in client.get(f"{URL}preview/{token}").get_data(as_text=True)


def test_a_csv_cell_a_spreadsheet_would_run_is_written_inert_and_reads_back_exact(client, admin, campaign):
    item = db.session.execute(sa.select(Criterion).where(Criterion.code == "1.1")).scalar_one()
    item.guidance = '=HYPERLINK("http://example.invalid","Bấm vào đây")'
    item.title = "-Xây dựng chương trình công tác"
    db.session.commit()
    criteria = csv_files(campaign)["criteria-2025.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK(" in criteria and "'-Xây dựng" in criteria  # Excel shows it as text, never runs it
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in csv.reader(io.StringIO(criteria))
                   for cell in line)
    token = token_of(post_csv(client, campaign, csv_files(campaign)))
    assert "Không có gì thay đổi" in client.get(f"{URL}preview/{token}").get_data(as_text=True)


def test_the_download_holds_the_original_2025_files_data(campaign):
    """The download of data imported from the 2025 files reads back as the same records."""
    from portal.demo.services import DATA_2025
    from portal.reference.importer import parse_directory

    original = parse_directory(DATA_2025, 2025)
    values = snapshot(campaign)
    assert [r["code"] for r in values["criteria"]] == [r["code"] for r in original.criteria]
    for mine, theirs in zip(values["award_types"], original.award_types):
        assert {k: mine[k] for k in theirs} == theirs
    sheet_names = workbook_of(campaign).sheetnames
    assert sheet_names == ["clusters", "units", "criteria", "award-types"]


# --- Bad input ------------------------------------------------------------------------------------

def test_xlsx_with_one_bad_row_names_file_row_and_column_and_changes_nothing(client, admin, campaign):
    book = workbook_of(campaign)
    cell(book["criteria"], "1.1", "max_points").value = "tám"
    before, values = counts(), snapshot(campaign)
    response = post_workbook(client, campaign, workbook_bytes(book), name="danh-muc.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    row = cell(book["criteria"], "1.1", "max_points").row
    assert re.search(rf"danh-muc.xlsx \[criteria\]</td>\s*<td class=\"num\">{row}</td>\s*<td><code>max_points</code>", page)
    assert "&#39;tám&#39; không phải là số" in page or "'tám' không phải là số" in page
    assert "Không có gì được nhập: 1 lỗi" in page
    assert counts() == before and snapshot(campaign) == values


@pytest.mark.parametrize("name, content, message", [
    ("danh-muc.pdf", b"%PDF-1.4", "không phải là tệp CSV hoặc bảng tính XLSX"),
    ("danh-muc.xlsx", b"PK\x03\x04 not really a workbook", "không phải là bảng tính XLSX đọc được"),
    ("danh-muc.xlsx", b"code,name\n", "không phải là bảng tính XLSX đọc được"),
])
def test_a_file_that_is_not_csv_or_xlsx_gets_a_clear_message(client, admin, campaign, name, content, message):
    before = counts()
    response = client.post(URL, data={"campaign": campaign.id, "units": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert counts() == before


def test_a_csv_that_is_not_utf8_or_lacks_a_column_is_refused(client, admin, campaign):
    before = counts()
    response = client.post(URL, data={"campaign": campaign.id,
                                      "clusters": (io.BytesIO("code,name,description\nX,Cụm\n".encode("utf-16")), "c.csv"),
                                      "units": (io.BytesIO(b"code,name\nA,B\n"), "u.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "UTF-8" in page and "<code>kind</code>" in page
    assert counts() == before


def test_a_file_over_the_size_limit_is_refused(client, app, admin, campaign):
    app.config["REFERENCE_MAX_FILE_SIZE"] = 1024
    response = post_workbook(client, campaign, services.export_xlsx(campaign))
    assert response.status_code == 422 and "lớn hơn" in response.get_data(as_text=True)


def test_no_file_is_refused_beside_the_field(client, admin, campaign):
    response = client.post(URL, data={"campaign": campaign.id}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Vui lòng chọn ít nhất một tệp" in response.get_data(as_text=True)


def test_a_workbook_sheet_with_an_unknown_name_is_a_problem(client, admin, campaign):
    book = workbook_of(campaign)
    book["units"].title = "don-vi"
    response = post_workbook(client, campaign, workbook_bytes(book))
    assert response.status_code == 422 and "[don-vi]" in response.get_data(as_text=True)


def test_a_closed_campaign_cannot_be_imported_into(client, admin, campaign):
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    values = snapshot(campaign)
    response = client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)})
    assert response.status_code == 409 or response.status_code == 422
    assert "đã kết thúc" in response.get_data(as_text=True)
    assert snapshot(campaign) == values
    response = post_workbook(client, campaign, services.export_xlsx(campaign))
    assert response.status_code == 422 and "đã kết thúc" in response.get_data(as_text=True)


# --- The same edit as CSV and as XLSX ---------------------------------------------------------------

def _edited_csv(campaign):
    files = csv_files(campaign)
    edited_csv(files, "units-2025.csv", "Ban Tổ chức Thành ủy Biên Hòa,", "Ban Tổ chức Thành ủy Biên Hòa (mới),")
    edited_csv(files, "clusters-2025.csv", "\n", "\nCUM-3,Cụm thi đua số 3,Cụm mới\n")
    edited_csv(files, "criteria-2025.csv", "Xây dựng, triển khai Chương trình", "Xây dựng và triển khai Chương trình")
    text = files["award-types-2025.csv"].decode("utf-8-sig")
    files["award-types-2025.csv"] = "\n".join(l for l in text.split("\n") if not l.startswith("BK-BTVTU-CN,")).encode()
    return files


def _edited_workbook(campaign):
    book = workbook_of(campaign)
    cell(book["units"], "BH", "name").value = "Ban Tổ chức Thành ủy Biên Hòa (mới)"
    book["clusters"].append(["CUM-3", "Cụm thi đua số 3", "Cụm mới"])
    title = cell(book["criteria"], "1.1", "title")
    title.value = title.value.replace("Xây dựng, triển khai Chương trình", "Xây dựng và triển khai Chương trình")
    sheet = book["award-types"]
    sheet.delete_rows(cell(sheet, "BK-BTVTU-CN", "code").row)
    return workbook_bytes(book)


def _plan_summary(plan):
    return [(k.kind, [c.code for c in k.created], [(c.code, c.fields) for c in k.changed],
             [c.code for c in k.removed], k.unchanged) for k in plan.kinds]


def test_csv_and_xlsx_give_the_same_preview(client, admin, campaign):
    csv_token = token_of(post_csv(client, campaign, _edited_csv(campaign)))
    xlsx_token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    from_csv = services.preview(services.upload_for(csv_token, admin))
    from_xlsx = services.preview(services.upload_for(xlsx_token, admin))
    assert _plan_summary(from_csv) == _plan_summary(from_xlsx)
    assert _plan_summary(from_csv) == [
        ("clusters", ["CUM-3"], [], [], 3),
        ("units", [], [("BH", [("name", "Ban Tổ chức Thành ủy Biên Hòa", "Ban Tổ chức Thành ủy Biên Hòa (mới)")])], [], 15),
        ("criteria", [], [("1.1", [("title", from_csv.kinds[2].changed[0].fields[0][1],
                                    from_csv.kinds[2].changed[0].fields[0][2])])], [], 33),
        ("award_types", [], [], ["BK-BTVTU-CN"], 6),
    ]
    page = client.get(f"{URL}preview/{xlsx_token}").get_data(as_text=True)
    assert "Ban Tổ chức Thành ủy Biên Hòa (mới)" in page and "CUM-3" in page and "BK-BTVTU-CN" in page
    assert re.search(r"<li>Tên <code[^>]*>name</code>:", page)  # each changed column by its label
    assert re.search(r"<li>Nội dung tiêu chí <code[^>]*>title</code>:", page)


def test_confirm_applies_everything_and_audits(client, admin, campaign):
    before = counts()
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    assert counts()["Unit"] == before["Unit"]  # the preview changed nothing
    response = client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.execute(sa.select(Unit.name).where(Unit.code == "BH")).scalar_one().endswith("(mới)")
    assert db.session.execute(sa.select(Cluster).where(Cluster.code == "CUM-3")).scalar_one()
    assert db.session.execute(sa.select(Criterion.title).where(Criterion.code == "1.1")).scalar_one() \
        .startswith("Xây dựng và triển khai")
    assert db.session.execute(sa.select(AwardType).where(AwardType.code == "BK-BTVTU-CN")).first() is None
    after = counts()
    assert after["Cluster"] == before["Cluster"] + 1 and after["AwardType"] == before["AwardType"] - 1
    assert after["ReferenceUpload"] == 0
    event = db.session.execute(sa.select(AuditEvent).where(AuditEvent.action == "reference_import")).scalar_one()
    assert event.after["award_types"]["removed"] == ["BK-BTVTU-CN"] and event.actor_id == admin.id
    # The upload is used up: the same confirmation again finds nothing.
    assert client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)}).status_code == 404
    # And exporting now, then importing, changes nothing.
    token = token_of(post_workbook(client, campaign, services.export_xlsx(campaign)))
    assert services.preview(services.upload_for(token, admin)).nothing_changes


def test_a_stale_confirm_is_refused_and_changes_nothing(client, admin, campaign):
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    # Another administrator changes a unit the preview also changes, meanwhile.
    unit = db.session.execute(sa.select(Unit).where(Unit.code == "BH")).scalar_one()
    unit.name = "Ban Tổ chức Thành ủy Biên Hòa (sửa bởi người khác)"
    db.session.commit()
    values, before = snapshot(campaign), counts()
    response = client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "đã thay đổi sau khi bản xem trước" in text
    assert "(sửa bởi người khác)" in text  # the new preview shows the change from what is there now
    assert snapshot(campaign) == values and counts() == before
    # Confirming the new preview works.
    response = client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(text)})
    assert response.status_code == 303


def test_discard_removes_the_upload(client, admin, campaign):
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    assert client.post(f"{URL}preview/{token}/discard").status_code == 303
    assert counts()["ReferenceUpload"] == 0


# --- Removal --------------------------------------------------------------------------------------

def test_a_unit_or_cluster_with_data_is_not_removed(client, admin, campaign, officers):
    files = csv_files(campaign)
    edited_csv(files, "units-2025.csv", "BH,Ban Tổ chức Thành ủy Biên Hòa,Biên Hòa,city_committee,CUM-1,2025-01-01,\n", "")
    edited_csv(files, "clusters-2025.csv", "KHOI-TT,", "KHOI-XX,")
    before = counts()
    response = post_csv(client, campaign, {k: v for k, v in files.items() if k.startswith(("units", "clusters"))})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "&#39;BH&#39; không có trong tệp nhưng không thể xóa" in page
    assert "&#39;KHOI-TT&#39; không có trong tệp nhưng không thể xóa" in page
    assert counts() == before


def test_a_unit_without_data_is_removed(client, admin, campaign):
    files = csv_files(campaign)
    edited_csv(files, "units-2025.csv", "BH,Ban Tổ chức Thành ủy Biên Hòa,Biên Hòa,city_committee,CUM-1,2025-01-01,\n", "")
    token = token_of(post_csv(client, campaign, {"units-2025.csv": files["units-2025.csv"]}))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    assert "BH" in page and "Xác nhận nhập" in page
    assert client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)}).status_code == 303
    assert db.session.execute(sa.select(Unit).where(Unit.code == "BH")).first() is None


def _criteria_without_1_2(campaign):
    files = csv_files(campaign)
    text = files["criteria-2025.csv"].decode("utf-8-sig")
    lines = [l for l in text.split("\n") if not l.startswith("1.2,")]
    text = "\n".join(lines)
    text = re.sub(r"^1\.1,1,item,(\"[^\"]*\"|[^,]*),8,", lambda m: m.group(0)[:-2] + "20,", text, flags=re.M)
    return {"criteria-2025.csv": text.encode("utf-8")}


def test_a_criterion_with_only_blank_workspace_rows_is_removed_with_them(client, admin, campaign, units):
    token = token_of(post_csv(client, campaign, _criteria_without_1_2(campaign)))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    plan = services.preview(services.upload_for(token, admin))
    assert [c.code for c in plan.kinds[0].removed] == ["1.2"]
    assert plan.kinds[0].changed[0].fields == [("max_points", "8", "20")]
    assert client.post(f"{URL}preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)}).status_code == 303
    db.session.expire_all()
    assert db.session.execute(sa.select(Criterion).where(Criterion.code == "1.2")).first() is None
    assert db.session.execute(sa.select(Criterion.max_points).where(Criterion.code == "1.1")).scalar_one() == 20


def test_a_criterion_with_a_score_is_not_removed(client, admin, campaign, units):
    line = line_of(units[0], "1.2")
    line.self_score = Decimal("5")
    db.session.commit()
    before = counts()
    response = post_csv(client, campaign, _criteria_without_1_2(campaign))
    assert response.status_code == 422
    assert "&#39;1.2&#39; không có trong tệp nhưng không thể xóa" in response.get_data(as_text=True)
    assert counts() == before


def test_one_xlsx_per_kind_uses_its_first_sheet(client, admin, campaign):
    book = workbook_of(campaign)
    for name in ("clusters", "criteria", "award-types"):
        del book[name]
    book["units"].title = "Sheet1"
    response = client.post(URL, data={"campaign": campaign.id, "units": (io.BytesIO(workbook_bytes(book)), "dv.xlsx")},
                           content_type="multipart/form-data")
    plan = services.preview(services.upload_for(token_of(response), admin))
    assert [k.kind for k in plan.kinds] == ["units"] and plan.nothing_changes


def test_a_kind_given_twice_is_a_problem(client, admin, campaign):
    files = csv_files(campaign)
    response = client.post(URL, data={"campaign": campaign.id,
                                      "workbook": (io.BytesIO(services.export_xlsx(campaign)), "all.xlsx"),
                                      "units": (io.BytesIO(files["units-2025.csv"]), "units-2025.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "units-2025.csv" in response.get_data(as_text=True)


def test_moving_an_award_type_changes_only_its_order(client, admin, campaign):
    book = workbook_of(campaign)
    sheet = book["award-types"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    sheet.delete_rows(2, len(rows))
    for values in [rows[1], rows[0], *rows[2:]]:  # the first two swapped
        sheet.append(values)
    token = token_of(post_workbook(client, campaign, workbook_bytes(book)))
    plan = services.preview(services.upload_for(token, admin))
    changed = next(k for k in plan.kinds if k.kind == "award_types").changed
    assert [(c.code, c.fields) for c in changed] == [
        (rows[1][0], [("position", "2", "1")]), (rows[0][0], [("position", "1", "2")])]


def test_the_english_preview_reads_in_english(client, admin, campaign):
    client.post("/language/en")
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    page = client.get(f"{URL}preview/{token}").get_data(as_text=True)
    assert "Preview of the import into 2025" in page and "Confirm the import" in page


def test_a_sheet_reads_past_blank_rows_and_refuses_too_many_rows(campaign, monkeypatch):
    from portal.reference import importer

    book = workbook_of(campaign)
    sheet = book["clusters"]
    sheet.insert_rows(3, amount=5)  # blank rows inside the data are skipped, the rows keep their numbers
    check = importer._Checker()
    tables = importer.read_xlsx("c.xlsx", workbook_bytes(book), check, kind="clusters")
    assert not check.problems
    assert [(r.line, r["code"]) for r in tables["clusters"].rows] == [(2, "CUM-1"), (8, "CUM-2"), (9, "KHOI-TT")]
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    tables = importer.read_xlsx("c.xlsx", workbook_bytes(book), check, kind="clusters")
    assert tables == {} and "nhiều hơn 2 dòng" in check.problems[0].message
