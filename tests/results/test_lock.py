"""The final result's lock, everywhere a score or its basis changes: the officer's score and pledge,
evidence, the criteria editor, the reference import (browser and command line) and the review
decisions.  Each refusal shows the lock's message in Vietnamese and leaves the database exactly as
it was; after an unlocking the same change goes through."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import workflow
from portal.clock import today
from portal.criteria import services as criteria
from portal.evidence import services as evidence_services
from portal.extensions import db
from portal.models import (
    AuditEvent,
    AwardType,
    Cluster,
    Commitment,
    Criterion,
    Evidence,
    FinalResult,
    Registration,
    ResultCorrection,
    Role,
    ScoreLine,
    ScoreState,
    Unit,
)
from portal.reference.importer import import_directory
from portal.results import services as results
from portal.transfer import services as transfer
from portal.uploads import FileStore
from portal.workspace import services as workspace
from tests import factories, samples
from tests.helpers import HX, commitment_of, line_of
from tests.results.conftest import complete_all
from tests.scoreboard.helpers import unit

LOCKED = "Kết quả chính thức của phong trào đã được phê duyệt ngày"
TABLES = (AuditEvent, ScoreLine, Registration, Commitment, Evidence, Criterion, AwardType, Unit, Cluster, FinalResult,
          ResultCorrection)


def fingerprint():
    """Every row of every table the lock protects (and the result's own), as the database has it."""
    db.session.expire_all()
    state = {}
    for model in TABLES:
        rows = db.session.execute(sa.select(*model.__table__.columns).order_by(*model.__table__.primary_key.columns))
        state[model.__tablename__] = [tuple(row) for row in rows.all()]
    return state


def refused(response, status=None):
    """The page (after any redirect) says the result is locked; with ``status``, answered with it."""
    assert LOCKED in response.get_data(as_text=True), response.get_data(as_text=True)[:3000]
    assert status is None or response.status_code == status


def refused_post(client, url, htmx, data):
    refused(client.post(url, headers=HX if htmx else {}, follow_redirects=True, data=data))


def refused_service(call, *args):
    """The service itself refuses (whatever view calls it), rolled back as a view's refusal is."""
    try:
        call(*args)
    except workflow.WorkflowError as refusal:
        db.session.rollback()
        assert LOCKED in refusal.message
    else:
        raise AssertionError(f"{call.__name__} was not refused")


@pytest.fixture
def admin(app):
    user = factories.gen_user(role=Role.ADMIN, full_name="Trần Quản Trị")
    db.session.commit()
    return user


@pytest.fixture
def officer(login_as, campaign):
    complete_all(campaign)
    return login_as(Role.UNIT_OFFICER, unit=unit("BH"))


def evidence_row(line, officer):
    return Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                    doc_number="12-BC/BTC", doc_date=today(), doc_issuer="Ban Tổ chức", title="Báo cáo",
                    uploaded_by_id=officer.id)


def lock(campaign, admin):
    results.approve(campaign, admin, "45-QĐ", None, 0)
    db.session.commit()


def unlock(campaign, admin):
    results.unlock(campaign, admin, "Điều chỉnh", results.result_of(campaign).version)
    db.session.commit()


# --- the unit's workspace ------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_a_locked_result_refuses_saving_and_submitting_a_score(client, officer, campaign, admin, htmx):
    claim = line_of(unit("BH"), "B.1")  # a bonus claim still a draft: the scorecard is complete without it
    lock(campaign, admin)
    before = fingerprint()
    data = {"self_score": "1", "explanation": "Được khen thưởng", "version": str(claim.version)}
    refused_post(client, f"/unit/score-lines/{claim.id}", htmx, data)
    refused_post(client, f"/unit/score-lines/{claim.id}/submit", htmx, {"version": str(claim.version)})
    approved = line_of(unit("BH"), "1.1")
    refused_post(client, f"/unit/score-lines/{approved.id}", htmx,
                 {"self_score": "2", "explanation": "Sửa", "version": str(approved.version)})
    assert fingerprint() == before
    refused_service(workspace.save_score_line, line_of(unit("BH"), "B.1"), officer, "1", "Được khen thưởng", None,
                    today())
    refused_service(workspace.submit_score_line, line_of(unit("BH"), "B.1"), officer, today())
    assert fingerprint() == before
    # the scoring page says why the line cannot change
    page = client.get(f"/unit/score-lines/{claim.id}").get_data(as_text=True)
    assert LOCKED in page
    unlock(campaign, admin)
    response = client.post(f"/unit/score-lines/{claim.id}", headers=HX, data=data)
    db.session.expire_all()
    assert response.status_code == 200 and LOCKED not in response.get_data(as_text=True)
    assert line_of(unit("BH"), "B.1").self_score == Decimal(1)


@pytest.mark.parametrize("htmx", [True, False])
def test_a_locked_result_refuses_saving_and_submitting_a_pledge(client, officer, campaign, admin, htmx):
    c = commitment_of(unit("BH"), "1.1")
    registration = c.registration
    lock(campaign, admin)
    before = fingerprint()
    refused_post(client, f"/unit/commitments/{c.id}", htmx, {
        f"c{c.id}-target_text": "Ban hành kế hoạch", f"c{c.id}-target_value": "", f"c{c.id}-target_unit": "",
        f"c{c.id}-version": str(c.version)})
    refused_post(client, "/unit/registration/submit", htmx, {"version": str(registration.version)})
    refused_service(workspace.save_commitment, commitment_of(unit("BH"), "1.1"), officer,
                    workspace.CommitmentValues("Kế hoạch", None, ""), None, today())
    refused_service(workspace.submit_registration, db.session.get(Registration, registration.id), officer, today())
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [True, False])
def test_a_locked_result_refuses_uploading_and_removing_evidence(app, client, officer, campaign, admin, htmx):
    claim = line_of(unit("BH"), "B.1")
    evidence = evidence_row(claim, officer)
    db.session.add(evidence)
    db.session.commit()
    lock(campaign, admin)
    before = fingerprint()
    headers = HX if htmx else {}
    refused(client.post(f"/unit/score-lines/{claim.id}/files", content_type="multipart/form-data", headers=headers,
                        follow_redirects=True,
                        data={"files": [(io.BytesIO(samples.pdf("bao-cao.pdf")), "bao-cao.pdf")]}))
    refused(client.post(f"/unit/score-lines/{claim.id}/documents", headers=headers, follow_redirects=True,
                        data={"doc_number": "125-KH/BTCTU", "doc_date": (today() - timedelta(days=5)).isoformat(),
                              "doc_issuer": "Ban Tổ chức Tỉnh ủy", "title": "Kế hoạch"}))
    refused(client.post(f"/unit/evidence/{evidence.id}/delete", headers=headers, follow_redirects=True))
    assert fingerprint() == before
    store = FileStore(app.config["UPLOAD_DIR"])
    upload = type("Upload", (), {"stream": io.BytesIO(samples.pdf("a.pdf")), "filename": "a.pdf"})()
    refused_service(evidence_services.add_files, line_of(unit("BH"), "B.1"), officer, [upload], store,
                    app.config["MAX_FILE_SIZE"], today())
    refused_service(evidence_services.add_document, line_of(unit("BH"), "B.1"), officer,
                    evidence_services.DocumentValues("1-KH", today(), "Ban Tổ chức", "Kế hoạch"), today())
    refused_service(evidence_services.remove_evidence, db.session.get(Evidence, evidence.id), officer, today())
    assert fingerprint() == before


# --- the review decisions (workflow.apply) --------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_a_locked_result_refuses_review_decisions(client, login_as, campaign, admin, htmx):
    complete_all(campaign)
    lock(campaign, admin)
    # a line that reached the queue anyway (written directly): the decision must still be refused
    line = line_of(unit("LK"), "1.1")
    line.state, line.self_score, line.explanation = ScoreState.SUBMITTED, Decimal(3), "Đã làm"
    db.session.commit()
    before = fingerprint()
    reviewer = login_as(Role.REVIEWER)
    refused_post(client, f"/review/score-lines/{line.id}/approve", htmx, {"version": str(line.version)})
    refused_post(client, f"/review/score-lines/{line.id}/adjust", htmx,
                 {"approved_score": "2,5", "reason": "Minh chứng chưa đủ", "version": str(line.version)})
    refused_post(client, f"/review/items/score_line/{line.id}/return", htmx,
                 {"comment": "Bổ sung minh chứng", "version": str(line.version)})
    assert fingerprint() == before
    refused_service(workflow.apply, line_of(unit("LK"), "1.1"), "approve", reviewer)
    refused_service(workflow.apply, line_of(unit("LK"), "1.1"), "return", reviewer)
    assert fingerprint() == before
    assert line_of(unit("LK"), "1.1").state is ScoreState.SUBMITTED


# --- the criteria editor ----------------------------------------------------------------------------------

def _values(criterion, **changes):
    base = dict(code=criterion.code, kind=criterion.kind, parent_id=criterion.parent_id, title=criterion.title,
                guidance=criterion.guidance, max_points=criterion.max_points,
                evidence_required=criterion.evidence_required, deadline=criterion.deadline)
    return criteria.CriterionValues(**{**base, **changes})


def crit(code) -> Criterion:
    return db.session.execute(sa.select(Criterion).where(Criterion.code == code)).scalar_one()


def test_a_locked_result_refuses_the_criteria_editor(client, login_as, campaign, admin):
    complete_all(campaign)
    lock(campaign, admin)
    before = fingerprint()
    item = crit("1.1")
    refused_service(criteria.update_criterion, item, _values(item, title="Tiêu đề mới"), item.version, admin)
    refused_service(criteria.create_criterion, campaign, _values(crit("1.1"), code="1.99", title="Mục mới"), admin)
    refused_service(criteria.remove_criterion, crit("B.1"), crit("B.1").version, admin)
    refused_service(criteria.move_criterion, crit("1.2"), -1, admin)
    assert fingerprint() == before
    login_as(Role.ADMIN)
    item = crit("1.2")
    refused(client.post(f"/admin/campaigns/criteria/{item.id}/move/up", follow_redirects=True), 409)
    refused(client.post(f"/admin/campaigns/criteria/{item.id}/remove", data={"version": item.version},
                        follow_redirects=True), 409)
    assert fingerprint() == before
    unlock(campaign, admin)
    item = crit("1.1")
    criteria.update_criterion(item, _values(item, title="Tiêu đề mới"), item.version, admin)
    db.session.commit()
    assert crit("1.1").title == "Tiêu đề mới"


# --- the reference import -----------------------------------------------------------------------------------

def test_a_locked_result_refuses_the_reference_import(client, login_as, runner, campaign, admin):
    from tests.transfer.test_transfer import _edited_workbook, fingerprint_of, post_workbook, token_of

    complete_all(campaign)
    login_as(Role.ADMIN)
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))  # the preview before the lock
    page = client.get(f"/admin/reference/preview/{token}").get_data(as_text=True)
    lock(campaign, admin)
    before = fingerprint()
    response = client.post(f"/admin/reference/preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)})
    refused(response, 409)
    assert fingerprint() == before
    # a new upload is refused beside the campaign's field, before anything is read
    response = post_workbook(client, campaign, transfer.export_xlsx(campaign))
    assert response.status_code == 422
    refused(response)
    # and the command-line import of the year
    from portal.demo.services import DATA_2025

    result = runner.invoke(args=["import", str(DATA_2025), "--year", "2025"])
    assert result.exit_code == 1 and LOCKED in result.output
    refused_service(import_directory, DATA_2025, 2025)
    assert fingerprint() == before


def test_unlocking_lets_the_import_through(client, login_as, campaign, admin):
    from tests.transfer.test_transfer import _edited_workbook, fingerprint_of, post_workbook, token_of

    complete_all(campaign)
    lock(campaign, admin)
    unlock(campaign, admin)
    login_as(Role.ADMIN)
    token = token_of(post_workbook(client, campaign, _edited_workbook(campaign)))
    page = client.get(f"/admin/reference/preview/{token}").get_data(as_text=True)
    response = client.post(f"/admin/reference/preview/{token}/confirm", data={"fingerprint": fingerprint_of(page)})
    assert response.status_code == 303
    assert re.search("mới", db.session.execute(sa.select(Unit.name).where(Unit.code == "BH")).scalar_one())


# --- the campaign's ranking settings ---------------------------------------------------------------------------

def test_a_locked_result_refuses_new_thresholds_but_not_a_new_name(campaign, admin):
    from portal.campaign.services import update_campaign

    complete_all(campaign)
    lock(campaign, admin)
    before = fingerprint()
    refused_service(update_campaign, campaign, {"threshold_excellent": Decimal(1)}, campaign.version, admin)
    refused_service(update_campaign, campaign, {"tie_break": _other_tie_break(campaign)}, campaign.version, admin)
    assert fingerprint() == before
    update_campaign(campaign, {"name": "Phong trào thi đua năm 2025 (bản sửa)",
                               "threshold_good": campaign.threshold_good}, campaign.version, admin)
    db.session.commit()
    assert campaign.name.endswith("(bản sửa)")


def _other_tie_break(campaign):
    from portal.models import TieBreak

    return next(rule for rule in TieBreak if rule is not campaign.tie_break)
