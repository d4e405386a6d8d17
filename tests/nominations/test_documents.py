"""What each nomination document lists, and in which order: the submission letter (only what
passed), the award list (what was awarded), the XLSX export (everything, with its result; user
text stays text)."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import AwardLevel, Nomination, NominationState, Role, Unit, VoteChoice
from portal.nominations import services
from tests import factories
from tests.helpers import award

S = NominationState


def unit(code: str) -> Unit:
    return db.session.execute(db.select(Unit).where(Unit.code == code)).scalar_one()


def nomination(code="BK-BTVTU-CN", unit_code="BH", state=S.DRAFT, name="Trần Văn B", **kw) -> Nomination:
    n = Nomination(campaign_id=award(code).campaign_id, unit_id=unit(unit_code).id, award_type=award(code),
                   nominee_name=name if award(code).nominee.value == "individual" else "", achievements="x",
                   created_by_id=factories.gen_user().id, state=state, **kw)
    db.session.add(n)
    db.session.flush()
    return n


def voted(agree: int, of: int, close: bool = True) -> Nomination:
    """A forwarded nomination with ``agree`` of ``of`` council members agreeing (threshold 70 %)."""
    members = [factories.gen_user(role=Role.COUNCIL) for _ in range(of)]
    n = nomination(state=S.FORWARDED)
    for i, member in enumerate(members):
        services.cast_vote(n, member, VoteChoice.AGREE if i < agree else VoteChoice.DISAGREE)
    if close:
        services.close_vote(n, factories.gen_user(role=Role.ADMIN))
    return n


def awarded_one() -> Nomination:
    n = voted(3, 3)
    services.record_decision(n, factories.gen_user(role=Role.ADMIN), "125-QĐ/BTCTU", date(2025, 12, 20), "Bí thư")
    return n


# Every state a nomination can be in; "listed" is whether the letter of its level proposes it.
LETTER_CASES = {
    "draft": (lambda: nomination(state=S.DRAFT), False),
    "submitted": (lambda: nomination(state=S.SUBMITTED), False),
    "returned": (lambda: nomination(state=S.RETURNED), False),
    "forwarded, vote open, no votes": (lambda: nomination(state=S.FORWARDED), False),
    "forwarded, vote open, votes would pass": (lambda: voted(3, 3, close=False), False),
    "vote passed the threshold (approved)": (lambda: voted(5, 7), True),
    "vote failed the threshold (rejected)": (lambda: voted(4, 7), False),
    "rejected by the council": (lambda: nomination(state=S.REJECTED), False),
    "awarded by a decision": (awarded_one, True),
}


@pytest.mark.parametrize("case", list(LETTER_CASES))
def test_letter_proposes_only_nominations_that_passed(app, campaign, case):
    make, listed = LETTER_CASES[case]
    n = make()
    assert (n in services.letter(campaign, AwardLevel.PROVINCE)) is listed
    assert services.letter(campaign, AwardLevel.SECTOR) == []  # and only at its own level


@pytest.mark.parametrize("case", list(LETTER_CASES))
def test_award_list_lists_only_awarded_nominations(app, campaign, case):
    make, _listed = LETTER_CASES[case]
    n = make()
    on_list = [x for _award, group in services.awarded(campaign) for x in group]
    assert (n in on_list) is (n.state is S.AWARDED)


@pytest.mark.parametrize("case", list(LETTER_CASES))
def test_export_lists_every_nomination_with_its_result(app, campaign, case):
    make, _listed = LETTER_CASES[case]
    n = make()
    assert services.export_nominations([n]) == [n]


def test_letter_orders_by_award_type_then_unit_then_nominee_in_vietnamese(app, campaign):
    # Award types in the campaign's order; units "Ban Tổ chức Đảng ủy …" < "… Huyện ủy Tân Phú" < "… Huyện ủy
    # Thống Nhất" (Đ between D and E, "Tâ" before "Th"); nominees "Đỗ" after "Dương", "Ân" between "An" and "Bình".
    rows = [("BK-BTVTU-CN", "DB-CQD", "Lê Văn C"), ("BK-BTVTU-CN", "TN", "Đỗ Thị H"), ("BK-BTVTU-CN", "TN", "Dương Văn K"),
            ("BK-BTVTU-CN", "TP", "Bình"), ("BK-BTVTU-CN", "TP", "Ân"), ("BK-BTVTU-CN", "TP", "An"),
            ("BK-BTVTU-TT", "TN", ""), ("BK-BTVTU-TT", "DB-CQD", ""), ("BK-BTVTU-TT", "TP", "")]
    made = [nomination(code, unit_code, S.APPROVED, name) for code, unit_code, name in rows]
    nomination("BK-BTVTU-CN", "BH", S.REJECTED, "Ai Bị Loại")
    order = [(n.award_type.code, n.unit.code, n.nominee_name) for n in services.letter(campaign, AwardLevel.PROVINCE)]
    assert order == [("BK-BTVTU-TT", "DB-CQD", ""), ("BK-BTVTU-TT", "TP", ""), ("BK-BTVTU-TT", "TN", ""),
                     ("BK-BTVTU-CN", "DB-CQD", "Lê Văn C"),
                     ("BK-BTVTU-CN", "TP", "An"), ("BK-BTVTU-CN", "TP", "Ân"), ("BK-BTVTU-CN", "TP", "Bình"),
                     ("BK-BTVTU-CN", "TN", "Dương Văn K"), ("BK-BTVTU-CN", "TN", "Đỗ Thị H")]
    assert len(made) == len(order)


def test_letter_page_shows_passed_nominations_and_not_the_rejected_one(client, login_as, campaign):
    approved = voted(5, 7)
    approved.nominee_name = "Người Được Thông Qua"
    rejected = voted(4, 7)
    rejected.nominee_name = "Người Không Được Thông Qua"
    open_vote = voted(7, 7, close=False)
    open_vote.nominee_name = "Người Đang Biểu Quyết"
    db.session.commit()
    login_as(Role.REVIEWER)
    page = client.get("/nominations/letter?level=province").get_data(as_text=True)
    assert "Người Được Thông Qua" in page
    assert "Người Không Được Thông Qua" not in page and "Không được thông qua" not in page
    assert "Người Đang Biểu Quyết" not in page


def test_award_list_page_groups_awarded_nominations_with_their_decision(client, login_as, campaign):
    n = awarded_one()
    n.nominee_name = "Lê Thị Mai"
    nomination(state=S.APPROVED, name="Chờ Quyết Định")
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get("/nominations/award-list").get_data(as_text=True)
    assert "Lê Thị Mai" in page and "125-QĐ/BTCTU" in page and "Chờ Quyết Định" not in page


RISKY = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", RISKY)
def test_export_writes_risky_user_text_as_text(client, login_as, campaign, text):
    n = nomination(name=text, state=S.SUBMITTED)
    n.nominee_position, n.achievements = text, text
    db.session.commit()
    login_as(Role.REVIEWER)
    response = client.get("/nominations/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    row = sheet[2]
    for column in ("Đối tượng", "Chức vụ", "Tóm tắt thành tích"):
        cell = row[header.index(column)]
        # XML reads a carriage return back as a newline: still text, never a formula.
        assert cell.data_type == "s" and cell.value == text.replace("\r", "\n"), column


def test_export_rows_follow_the_document_order(client, login_as, campaign):
    nomination("BK-BTVTU-CN", "TN", S.SUBMITTED, "Đỗ Thị H")
    nomination("BK-BTVTU-CN", "TN", S.REJECTED, "Dương Văn K")
    nomination("BK-BTVTU-TT", "TP", S.APPROVED, "")
    db.session.commit()
    login_as(Role.ADMIN)
    sheet = load_workbook(io.BytesIO(client.get("/nominations/export.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    nominees = [r[header.index("Đối tượng")] for r in rows]
    states = [r[header.index("Trạng thái")] for r in rows]
    assert nominees == ["Ban Tổ chức Huyện ủy Tân Phú", "Dương Văn K", "Đỗ Thị H"]
    assert states == ["Hội đồng đã thông qua", "Không được thông qua", "Đã gửi"]


def test_nomination_lists_follow_the_vietnamese_order(client, login_as, campaign):
    for code, unit_code, name in [("BK-BTVTU-CN", "TN", "Đỗ Thị H"), ("BK-BTVTU-CN", "TN", "Dương Văn K"),
                                  ("BK-BTVTU-CN", "TP", "Ân"), ("BK-BTVTU-CN", "DB-CQD", "Lê Văn C")]:
        nomination(code, unit_code, S.FORWARDED, name)
    db.session.commit()
    expected = ["Lê Văn C", "Ân", "Dương Văn K", "Đỗ Thị H"]  # Đảng ủy…, Huyện ủy Tân Phú, Huyện ủy Thống Nhất
    for role, url in [(Role.REVIEWER, "/nominations/"), (Role.ADMIN, "/nominations/council")]:
        login_as(role)
        page = client.get(url).get_data(as_text=True)
        assert sorted(expected, key=page.index) == expected, url
