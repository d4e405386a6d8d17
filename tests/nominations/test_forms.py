"""The nomination forms keep everything typed on every error, save nothing then, and refuse a form
without its version."""
import html

import pytest

from portal.extensions import db
from portal.models import AuditEvent, Nomination, NominationDocument, NominationState, Role, Vote
from tests import factories
from tests.helpers import award

FILLED = {"nominee_name": "Nguyễn Thị Hoa", "nominee_position": "Phó Trưởng ban Tổ chức",
          "service_years": "12", "achievements": "Hoàn thành xuất sắc nhiệm vụ năm 2025."}
# one bad value per field, with every other field filled
INVALID = [
    ("service_years", "abc"),
    ("service_years", "²"),
    ("service_years", "٣"),
    ("service_years", "61"),
    ("service_years", "-1"),
    ("service_years", "1.5"),
    ("nominee_name", "x" * 201),
    ("nominee_name", "Nguyễn\x00Hoa"),
    ("nominee_position", "y" * 201),
    ("nominee_position", "Chuyên\x1bviên"),
    ("achievements", "z" * 8001),
    ("achievements", "Thành tích\x00"),
]


def kept(page: str, values: dict, skip: str) -> None:
    """Every value but ``skip`` is in the re-rendered form, as the user typed it."""
    page = html.unescape(page)
    for field, value in values.items():
        if field == skip:
            continue
        if field == "achievements":
            assert f"{value}</textarea>" in page, field
        else:
            assert f'value="{value}"' in page, field


def error_beside(page: str, field: str) -> str:
    start = page.index(f'id="{field}-error"')
    return page[start:page.index("</p>", start)]


@pytest.mark.parametrize("field,bad", INVALID)
def test_new_nomination_form_keeps_every_other_field_on_an_invalid_one(client, login_as, campaign, units, field, bad):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    values = dict(FILLED, award_type=str(award("BK-BTVTU-CN").id), **{field: bad})
    response = client.post("/nominations/new", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    kept(page, values, field)
    assert f'<option selected value="{award("BK-BTVTU-CN").id}">' in page
    assert error_beside(page, field).split(">", 1)[1].strip()  # the message is beside the field
    assert db.session.query(Nomination).count() == 0


@pytest.mark.parametrize("bad", ["", "abc", "²", "0", "999999"])
def test_new_nomination_form_keeps_the_nominee_when_the_award_type_is_invalid(client, login_as, campaign, units, bad):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    response = client.post("/nominations/new", data=dict(FILLED, award_type=bad))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    kept(page, FILLED, None)
    assert "chọn hình thức khen thưởng." in error_beside(page, "award_type")
    assert db.session.query(Nomination).count() == 0


def test_new_nomination_form_saves_what_was_typed(client, login_as, campaign, units):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    response = client.post("/nominations/new", data=dict(FILLED, award_type=str(award("BK-BTVTU-CN").id)))
    assert response.status_code == 303
    n = db.session.execute(db.select(Nomination)).scalar_one()
    assert (n.nominee_name, n.nominee_position, n.service_years, n.achievements, n.state) == (
        "Nguyễn Thị Hoa", "Phó Trưởng ban Tổ chức", 12, "Hoàn thành xuất sắc nhiệm vụ năm 2025.", NominationState.DRAFT)
    assert response.headers["Location"].endswith(f"/nominations/{n.id}")


def test_new_collective_nomination_keeps_no_person(client, login_as, campaign, units):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    client.post("/nominations/new", data=dict(FILLED, award_type=str(award("GK-BTCTU-TT").id)))
    n = db.session.execute(db.select(Nomination)).scalar_one()
    assert (n.nominee_name, n.nominee_position, n.service_years) == ("", "", None)
    assert n.nominee == units[0].name


@pytest.fixture
def draft(units):
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0])
    n = Nomination(campaign_id=award("BK-BTVTU-CN").campaign_id, unit_id=units[0].id, award_type=award("BK-BTVTU-CN"),
                   nominee_name="Tên cũ", nominee_position="Chức vụ cũ", service_years=3, achievements="Cũ",
                   created_by_id=officer.id)
    db.session.add(n)
    db.session.commit()
    return n


def unchanged(n) -> None:
    db.session.expire_all()
    row = db.session.get(Nomination, n.id)
    assert (row.nominee_name, row.nominee_position, row.service_years, row.achievements, row.version) == (
        "Tên cũ", "Chức vụ cũ", 3, "Cũ", 1)
    assert db.session.query(AuditEvent).filter_by(subject_type="nomination", action="save").count() == 0


@pytest.mark.parametrize("field,bad", INVALID)
def test_nomination_edit_keeps_every_other_field_on_an_invalid_one(client, login_as, units, draft, field, bad):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    values = dict(FILLED, version="1", **{field: bad})
    response = client.post(f"/nominations/{draft.id}", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    kept(page, {k: v for k, v in values.items() if k != "version"}, field)
    assert error_beside(page, field).split(">", 1)[1].strip()
    unchanged(draft)


@pytest.mark.parametrize("version", [None, "", "abc", "²"])
def test_nomination_edit_without_a_valid_version_is_refused_with_the_input_kept(client, login_as, units, draft, version):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    values = dict(FILLED) if version is None else dict(FILLED, version=version)
    response = client.post(f"/nominations/{draft.id}", data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Biểu mẫu đã cũ" in page
    kept(page, FILLED, None)
    unchanged(draft)


def test_nomination_edit_with_a_stale_version_is_a_conflict_with_the_input_kept(client, login_as, units, draft):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    draft.achievements = "Đổi ở nơi khác"
    db.session.commit()  # version 2 now
    response = client.post(f"/nominations/{draft.id}", data=dict(FILLED, version="1"))
    assert response.status_code == 409
    kept(response.get_data(as_text=True), FILLED, None)
    db.session.expire_all()
    assert db.session.get(Nomination, draft.id).achievements == "Đổi ở nơi khác"


def test_one_button_forms_without_a_version_change_nothing(client, login_as, campaign, units, draft):
    """Submit, upload, remove a file, vote, close, decide: a form without its version is refused."""
    doc = NominationDocument(nomination_id=draft.id, unit_id=units[0].id, document_name="Tờ trình",
                             stored_name="a" * 32 + ".pdf", original_name="b.pdf", size=1,
                             content_type="application/pdf", sha256="0" * 64, uploaded_by_id=draft.created_by_id)
    db.session.add(doc)
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=units[0])
    for url, data in [(f"/nominations/{draft.id}/submit", {}),
                      (f"/nominations/{draft.id}/documents", {"document_name": "Tờ trình"}),
                      (f"/nominations/documents/{doc.id}/delete", {})]:
        assert client.post(url, data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Nomination, draft.id).state is NominationState.DRAFT
    assert db.session.get(NominationDocument, doc.id) is not None

    draft.state = NominationState.FORWARDED
    db.session.commit()
    login_as(Role.COUNCIL)
    client.post(f"/nominations/{draft.id}/vote", data={"choice": "agree"})
    assert db.session.query(Vote).count() == 0
    login_as(Role.ADMIN)
    client.post(f"/nominations/{draft.id}/close")
    db.session.expire_all()
    assert db.session.get(Nomination, draft.id).state is NominationState.FORWARDED
    draft = db.session.get(Nomination, draft.id)
    draft.state = NominationState.APPROVED
    db.session.commit()
    response = client.post(f"/nominations/{draft.id}/decision", data={
        "decision_number": "125-QĐ/BTCTU", "decision_date": "2025-12-20", "decision_signer": "Bí thư"})
    assert response.status_code == 422 and 'value="125-QĐ/BTCTU"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Nomination, draft.id).state is NominationState.APPROVED


@pytest.mark.parametrize("field,bad", [("decision_number", ""), ("decision_number", "x" * 65),
                                       ("decision_date", "abc"), ("decision_date", "0001-01-01"),
                                       ("decision_date", "9999-12-31"), ("decision_signer", "")])
def test_decision_form_keeps_every_other_field_on_an_invalid_one(client, login_as, campaign, units, draft, field, bad):
    draft.state = NominationState.APPROVED
    db.session.commit()
    login_as(Role.ADMIN)
    values = {"decision_number": "125-QĐ/BTCTU", "decision_date": "2025-12-20", "decision_signer": "Bí thư",
              "version": str(draft.version), field: bad}
    response = client.post(f"/nominations/{draft.id}/decision", data=values)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for name, value in values.items():
        if name not in (field, "version"):
            assert f'value="{value}"' in page, name
    db.session.expire_all()
    assert db.session.get(Nomination, draft.id).state is NominationState.APPROVED


@pytest.mark.parametrize("choice", ["", "yes", "²"])
def test_a_vote_with_an_unknown_choice_is_refused(client, login_as, units, draft, choice):
    draft.state = NominationState.FORWARDED
    db.session.commit()
    login_as(Role.COUNCIL)
    response = client.post(f"/nominations/{draft.id}/vote", data={"choice": choice, "version": "1"},
                           follow_redirects=True)
    assert "chọn đồng ý, không đồng ý hoặc không biểu quyết" in response.get_data(as_text=True)
    assert db.session.query(Vote).count() == 0
