"""An ended unit: its record stays, the scoreboard marks it with its last day, its officers read but
change nothing (one guard, ``portal.access.ensure_unit_active``), and its successor's officers can
read its record while other units cannot."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import live, workflow
from portal.access import ReadOnly
from portal.clock import today
from portal.comments.services import add_comment
from portal.evidence import services as evidence_services
from portal.extensions import db
from portal.models import (AuditEvent, Comment, Commitment, Evidence, Nomination, ProgressNote, Registration, Role,
                           ScoreLine, ScoreState, Unit)
from portal.nominations import services as nominations
from portal.orgs import services
from portal.review import services as review
from portal.workspace import services as workspace
from tests import factories
from tests.helpers import HX, award, commitment_of, line_of, submit

LAST_DAY = date(2025, 6, 30)
READ_ONLY = "Đơn vị của bạn đã kết thúc hoạt động ngày 30/06/2025"
TABLES = (AuditEvent, ScoreLine, Registration, Commitment, ProgressNote, Evidence, Comment, Nomination)


def fingerprint():
    db.session.expire_all()
    return {model.__tablename__: [tuple(r) for r in db.session.execute(
        sa.select(*model.__table__.columns).order_by(*model.__table__.primary_key.columns)).all()]
        for model in TABLES}


def unit(code) -> Unit:
    db.session.expire_all()
    return db.session.execute(sa.select(Unit).where(Unit.code == code)).scalar_one()


def end(code, successor=None):
    admin = factories.gen_user(role=Role.ADMIN)
    target = unit(code)
    services.end_unit(target, LAST_DAY, unit(successor).id if successor else None, target.version, admin)
    db.session.commit()
    return unit(code)


@pytest.fixture
def ended_officer(login_as, units, campaign):
    """Long Khánh's officer, signed in; Long Khánh ended on 30 June, Biên Hòa took over its work."""
    officer = login_as(Role.UNIT_OFFICER, unit=units[1])
    end("LK", successor="BH")
    return db.session.merge(officer)


def refused(response, status=403):
    body = response.get_data(as_text=True)
    assert READ_ONLY in body, body[:2000]
    assert response.status_code == status


def refused_service(call, *args, **kwargs):
    with pytest.raises(ReadOnly) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert READ_ONLY in caught.value.message


def test_the_scoreboard_marks_an_ended_unit_with_its_last_day(client, login_as, units, campaign):
    login_as(Role.ADMIN)
    before = client.get("/scoreboard/").get_data(as_text=True)  # rendered and cached at this version
    assert "đã kết thúc hoạt động" not in before
    version = live.current(live.SCOREBOARD)
    end("LK", successor="BH")
    assert live.current(live.SCOREBOARD) > version
    page = client.get("/scoreboard/").get_data(as_text=True)
    row = page.split(f'data-unit="{units[1].id}"')[1].split("</tr>")[0]
    assert "row--ended" in page.split(f'data-unit="{units[1].id}"')[1].split(">")[0]
    assert "đã kết thúc hoạt động ngày 30/06/2025" in row
    assert unit("LK").name in client.get("/reference/units").get_data(as_text=True)  # the record stays


def test_a_unit_ended_in_an_earlier_year_is_not_in_a_later_years_ranking(client, login_as, units, campaign):
    from portal.scoreboard.ranking import compute_standings

    end("LK")
    campaign.year = 2026  # the same criteria, a year later: Long Khánh ended in 2025
    db.session.commit()
    codes = [s.unit.code for s in compute_standings(campaign).units]
    assert "LK" not in codes and "BH" in codes


def test_an_ended_units_officer_still_signs_in_and_reads(client, ended_officer, units):
    page = client.get("/unit/").get_data(as_text=True)
    assert 'id="read-only-unit"' in page and READ_ONLY in page
    line = line_of(units[1], "1.1")
    item = client.get(f"/unit/score-lines/{line.id}")
    assert item.status_code == 200
    assert "Lưu dự thảo" not in item.get_data(as_text=True)  # the forms are not offered, the record is shown
    assert "Lưu dự thảo" not in client.get("/unit/scores").get_data(as_text=True)
    pledges = client.get("/unit/pledges")
    assert pledges.status_code == 200 and READ_ONLY in pledges.get_data(as_text=True).split('id="read-only-unit"')[1]


@pytest.mark.parametrize("htmx", [True, False])
def test_an_ended_units_officer_cannot_save_or_submit_a_score(client, ended_officer, units, htmx):
    line = line_of(units[1], "1.1")
    before = fingerprint()
    headers = HX if htmx else {}
    data = {"self_score": "3", "explanation": "Đã hoàn thành", "version": str(line.version)}
    refused(client.post(f"/unit/score-lines/{line.id}", headers=headers, data=data))
    refused(client.post(f"/unit/score-lines/{line.id}/submit", headers=headers, data=data))
    refused(client.post("/unit/scores/submit-ready", headers=headers))
    assert fingerprint() == before
    refused_service(workspace.save_score_line, line_of(units[1], "1.1"), ended_officer, "3", "Đã hoàn thành", None,
                    today())
    refused_service(workflow.record, line_of(units[1], "1.1"), "save", ended_officer)
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [True, False])
def test_an_ended_units_officer_cannot_add_or_remove_evidence(client, ended_officer, units, htmx):
    line = line_of(units[1], "1.1")
    evidence = Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                        doc_number="12-BC/BTC", doc_date=today(), doc_issuer="Ban Tổ chức", title="Báo cáo",
                        uploaded_by_id=ended_officer.id)
    db.session.add(evidence)
    db.session.commit()
    before = fingerprint()
    headers = HX if htmx else {}
    refused(client.post(f"/unit/score-lines/{line.id}/documents", headers=headers, data={
        "doc_number": "125-KH/BTCTU", "doc_date": (today() - timedelta(days=5)).isoformat(),
        "doc_issuer": "Ban Tổ chức Tỉnh ủy", "title": "Kế hoạch"}))
    refused(client.post(f"/unit/evidence/{evidence.id}/delete", headers=headers))
    assert fingerprint() == before
    refused_service(evidence_services.add_document, line_of(units[1], "1.1"), ended_officer,
                    evidence_services.DocumentValues("1-KH", today(), "Ban Tổ chức", "Kế hoạch"), today())
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [True, False])
def test_an_ended_units_officer_cannot_change_a_pledge(client, ended_officer, units, htmx):
    c = commitment_of(units[1], "1.1")
    before = fingerprint()
    headers = HX if htmx else {}
    refused(client.post(f"/unit/commitments/{c.id}", headers=headers, data={
        f"c{c.id}-target_text": "Ban hành kế hoạch", f"c{c.id}-target_value": "", f"c{c.id}-target_unit": "",
        f"c{c.id}-version": str(c.version)}))
    refused(client.post(f"/unit/commitments/{c.id}/notes", headers=headers,
                        data={"note_date": today().isoformat(), "text": "Đã ban hành kế hoạch số 12"}))
    refused(client.post("/unit/registration/submit", headers=headers, data={"version": str(c.registration.version)}))
    assert fingerprint() == before
    refused_service(workspace.save_commitment, commitment_of(units[1], "1.1"), ended_officer,
                    workspace.CommitmentValues("Kế hoạch", None, ""), None, today())
    assert fingerprint() == before


def test_an_ended_units_officer_cannot_nominate_or_comment(client, ended_officer, units, campaign):
    before = fingerprint()
    refused(client.post("/nominations/new", data={"award_type": str(award("GK-BTCTU-TT").id),
                                                  "achievements": "Hoàn thành xuất sắc"}))
    refused_service(nominations.create_nomination, unit("LK"), award("GK-BTCTU-TT"), ended_officer)
    line = line_of(units[1], "1.1")
    refused(client.post(f"/unit/score-lines/{line.id}/comments", data={"body": "Xin ý kiến"}))
    refused_service(add_comment, line_of(units[1], "1.1"), ended_officer, "Xin ý kiến")
    assert fingerprint() == before


def test_reviewers_still_decide_on_what_an_ended_unit_submitted(units, officers, campaign):
    line = submit(line_of(units[1], "1.1"), officers[1])
    end("LK")
    reviewer = factories.gen_user(role=Role.REVIEWER)
    review.approve_score(line_of(units[1], "1.1"), reviewer)
    db.session.commit()
    assert line_of(units[1], "1.1").state is ScoreState.APPROVED


def test_other_units_officers_keep_working(client, login_as, units, campaign):
    end("LK", successor="BH")
    officer = login_as(Role.UNIT_OFFICER, unit=units[0])
    line = line_of(units[0], "1.1")
    response = client.post(f"/unit/score-lines/{line.id}", data={"self_score": "3", "explanation": "Đã hoàn thành",
                                                                  "version": str(line.version)})
    assert response.status_code == 303
    db.session.expire_all()
    assert line_of(units[0], "1.1").self_score == 3 and officer.unit_id == units[0].id
    assert 'id="read-only-unit"' not in client.get("/unit/").get_data(as_text=True)


# --- the successor reads the predecessor's record -------------------------------------------------

def test_the_successors_officer_reads_the_predecessors_record(client, login_as, units, officers, campaign):
    submit(line_of(units[1], "1.1"), officers[1], score="4.5")
    lk = end("LK", successor="BH")
    login_as(Role.UNIT_OFFICER, unit=units[0])
    dashboard = client.get("/unit/").get_data(as_text=True)
    assert f'href="/units/{lk.id}/record"' in dashboard.split('id="predecessors"')[1]
    page = client.get(f"/units/{lk.id}/record")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Hồ sơ của Ban Tổ chức Thành ủy Long Khánh" in body and "30/06/2025" in body
    assert "4,5" in body and "Chỉ xem" in body
    assert "<form" not in body.split('<main')[1].split("</main>")[0]  # nothing to change there
    assert 'href="/history/units/LK"' in body  # and its earlier years, one link away
    assert client.get("/history/units/LK").status_code == 200


def test_a_chain_of_successors_reaches_back(client, login_as, units, campaign):
    end("XL", successor="LK")
    end("LK", successor="BH")
    login_as(Role.UNIT_OFFICER, unit=units[0])
    assert client.get(f"/units/{unit('XL').id}/record").status_code == 200


@pytest.mark.parametrize("who", ["unrelated officer", "council"])
def test_nobody_else_reads_an_ended_units_record(client, login_as, units, campaign, who):
    lk = end("LK", successor="BH")
    if who == "council":
        login_as(Role.COUNCIL)
    else:
        login_as(Role.UNIT_OFFICER, unit=unit("XL"))
    assert client.get(f"/units/{lk.id}/record").status_code == 404
    # and the successor cannot read a unit it did not take over
    login_as(Role.UNIT_OFFICER, unit=units[0])
    assert client.get(f"/units/{unit('XL').id}/record").status_code == 404


def test_reviewers_read_any_units_record(client, login_as, units, campaign):
    lk = end("LK")
    login_as(Role.REVIEWER)
    assert client.get(f"/units/{lk.id}/record").status_code == 200


def test_importing_the_units_file_again_keeps_an_end_recorded_in_the_portal(units, campaign):
    import copy

    from portal.reference.importer import write_reference

    end("LK", successor="BH")
    write_reference(copy.deepcopy(factories.reference_2025()), 2025)  # the file has no valid_to for LK
    db.session.commit()
    lk = unit("LK")
    assert lk.valid_to == LAST_DAY and lk.successor.code == "BH"
