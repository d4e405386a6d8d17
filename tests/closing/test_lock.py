"""The closing lock: once a campaign is closed, no score, evidence, pledge, progress note, comment,
nomination, dossier document, vote or decision changes — through the HTTP routes (htmx and plain)
and through the services — and the reference import refuses the closed year.  Each test checks the
refusal's message and that the database is exactly as before."""
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import workflow
from portal.clock import today
from portal.comments.services import add_comment
from portal.evidence import services as evidence_services
from portal.extensions import db
from portal.models import (AuditEvent, Campaign, CampaignState, Comment, Commitment, Evidence, Nomination,
                           NominationDocument, NominationState, ProgressNote, Registration, Role, ScoreLine,
                           ScoreState, Vote, VoteChoice)
from portal.nominations import services as nominations
from portal.reference.importer import import_directory
from portal.review import services as review
from portal.uploads import FileStore
from portal.workspace import services as workspace
from tests import factories, samples
from tests.helpers import HX, award, commitment_of, line_of, submit

LOCKED = "Phong trào thi đua đã kết thúc; kết quả đã được khóa"
TABLES = (AuditEvent, ScoreLine, Registration, Commitment, ProgressNote, Evidence, Comment, Nomination,
          NominationDocument, Vote)


def fingerprint():
    """Everything the lock protects, as the database has it: every row of every protected table."""
    db.session.expire_all()
    state = {}
    for model in TABLES:
        columns = [c for c in model.__table__.columns]
        rows = db.session.execute(sa.select(*columns).order_by(*model.__table__.primary_key.columns)).all()
        state[model.__tablename__] = [tuple(row) for row in rows]
    return state


def close(campaign):
    campaign = db.session.get(Campaign, campaign.id)
    campaign.state = CampaignState.CLOSED  # the close service belongs to the campaign pages
    db.session.commit()
    return campaign


def refused(response, status=None):
    body = response.get_data(as_text=True)
    assert LOCKED in body, body[:2000]
    if status is not None:
        assert response.status_code == status


def refused_post(client, url, htmx, data):
    """Post as htmx or as a plain form, follow any redirect, and expect the lock's message."""
    refused(client.post(url, headers=HX if htmx else {}, follow_redirects=True, data=data))


def refused_service(call, *args, **kwargs):
    with pytest.raises(workflow.WorkflowError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert LOCKED in caught.value.message


def evidence_row(line, officer):
    return Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                    doc_number="12-BC/BTC", doc_date=today(), doc_issuer="Ban Tổ chức", title="Báo cáo",
                    uploaded_by_id=officer.id)


@pytest.fixture
def officer(login_as, units):
    return login_as(Role.UNIT_OFFICER, unit=units[0])


# --- the unit's workspace ------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_saving_a_score_line(client, officer, units, campaign, htmx):
    line = line_of(units[0], "1.1")
    close(campaign)
    before = fingerprint()
    refused_post(client, f"/unit/score-lines/{line.id}", htmx, {"self_score": "3", "explanation": "Đã hoàn thành", "version": str(line.version)})
    refused_service(workspace.save_score_line, line_of(units[0], "1.1"), officer, "3", "Đã hoàn thành", None, today())
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_submitting_a_score_line(client, officer, units, campaign, htmx):
    line = line_of(units[0], "1.1")
    line.self_score, line.explanation = Decimal("3"), "Đã hoàn thành"
    db.session.add(evidence_row(line, officer))
    db.session.commit()
    close(campaign)
    before = fingerprint()
    refused_post(client, f"/unit/score-lines/{line.id}/submit", htmx, {"version": str(line_of(units[0], "1.1").version)})
    refused(client.post("/unit/scores/submit-ready", follow_redirects=True))
    assert fingerprint() == before
    refused_service(workspace.submit_score_line, line_of(units[0], "1.1"), officer, today())
    assert fingerprint() == before
    assert line_of(units[0], "1.1").state is ScoreState.DRAFT


@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_saving_and_submitting_a_pledge(client, officer, units, campaign, htmx):
    c = commitment_of(units[0], "1.1")
    registration = c.registration
    close(campaign)
    before = fingerprint()
    refused_post(client, f"/unit/commitments/{c.id}", htmx, {f"c{c.id}-target_text": "Ban hành kế hoạch", f"c{c.id}-target_value": "",
                                 f"c{c.id}-target_unit": "", f"c{c.id}-version": str(c.version)})
    refused_post(client, "/unit/registration/submit", htmx, {"version": str(registration.version)})
    c = commitment_of(units[0], "1.1")
    refused_service(workspace.save_commitment, c, officer, workspace.CommitmentValues("Kế hoạch", None, ""), None,
                    today())
    refused_service(workspace.submit_registration, db.session.get(Registration, registration.id), officer, today())
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_a_progress_note(client, officer, units, campaign, htmx):
    c = commitment_of(units[0], "1.1")
    close(campaign)
    before = fingerprint()
    refused_post(client, f"/unit/commitments/{c.id}/notes", htmx, {"note_date": today().isoformat(), "text": "Đã ban hành kế hoạch số 12"})
    refused_service(workspace.add_progress_note, commitment_of(units[0], "1.1"), officer, today(), "Ghi chú", today())
    assert fingerprint() == before


@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_uploading_and_removing_evidence(app, client, officer, units, campaign, htmx):
    line = line_of(units[0], "1.1")
    evidence = evidence_row(line, officer)
    db.session.add(evidence)
    db.session.commit()
    close(campaign)
    before = fingerprint()
    headers = HX if htmx else {}
    response = client.post(f"/unit/score-lines/{line.id}/files", content_type="multipart/form-data", headers=headers,
                           follow_redirects=True,
                           data={"files": [(io.BytesIO(samples.pdf("bao-cao.pdf")), "bao-cao.pdf")]})
    refused(response)
    response = client.post(f"/unit/score-lines/{line.id}/documents", headers=headers, follow_redirects=True,
                           data={"doc_number": "125-KH/BTCTU", "doc_date": (today() - timedelta(days=5)).isoformat(),
                                 "doc_issuer": "Ban Tổ chức Tỉnh ủy", "title": "Kế hoạch"})
    refused(response)
    response = client.post(f"/unit/evidence/{evidence.id}/delete", headers=headers, follow_redirects=True)
    refused(response)
    assert fingerprint() == before
    line = line_of(units[0], "1.1")
    store = FileStore(app.config["UPLOAD_DIR"])
    upload = type("Upload", (), {"stream": io.BytesIO(samples.pdf("a.pdf")), "filename": "a.pdf"})()
    refused_service(evidence_services.add_files, line, officer, [upload], store, app.config["MAX_FILE_SIZE"], today())
    refused_service(evidence_services.add_document, line_of(units[0], "1.1"), officer,
                    evidence_services.DocumentValues("1-KH", today(), "Ban Tổ chức", "Kế hoạch"), today())
    refused_service(evidence_services.remove_evidence, db.session.get(Evidence, evidence.id), officer, today())
    assert fingerprint() == before


@pytest.fixture
def submitted_then_closed(units, officers, campaign):
    """Unit A's line 1.1 submitted, then the campaign closed; with the database as it was then."""
    line = submit(line_of(units[0], "1.1"), officers[0])
    close(campaign)
    return line, fingerprint()


@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_comments(client, login_as, units, submitted_then_closed, htmx):
    line, before = submitted_then_closed
    login_as(Role.UNIT_OFFICER, unit=units[0])
    refused_post(client, f"/unit/score-lines/{line.id}/comments", htmx, {"body": "Xin ý kiến"})
    reviewer = login_as(Role.REVIEWER)
    refused_post(client, f"/review/items/score_line/{line.id}/comments", htmx, {"body": "Bổ sung minh chứng"})
    refused_service(add_comment, line_of(units[0], "1.1"), reviewer, "Bổ sung")
    assert fingerprint() == before


# --- the reviewer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [True, False])
def test_closed_campaign_refuses_approving_and_returning(client, login_as, units, submitted_then_closed, htmx):
    line, before = submitted_then_closed
    reviewer = login_as(Role.REVIEWER)
    refused_post(client, f"/review/score-lines/{line.id}/approve", htmx, {"version": str(line.version)})
    refused_post(client, f"/review/items/score_line/{line.id}/return", htmx,
                 {"comment": "Bổ sung minh chứng", "version": str(line.version)})
    refused(client.post("/review/bulk-approve", data={"line": [line.id]}, follow_redirects=True))
    assert fingerprint() == before
    refused_service(review.approve_score, line_of(units[0], "1.1"), reviewer)
    refused_service(review.return_item, line_of(units[0], "1.1"), reviewer, "Bổ sung")
    assert fingerprint() == before
    assert line_of(units[0], "1.1").state is ScoreState.SUBMITTED


def test_the_workflow_itself_refuses_any_item_of_a_closed_campaign(units, officers, campaign):
    """The central guard: apply and record refuse even when a service forgot to ask."""
    line = submit(line_of(units[0], "1.1"), officers[0])
    reviewer = factories.gen_user(role=Role.REVIEWER)
    db.session.commit()
    close(campaign)
    before = fingerprint()
    refused_service(workflow.apply, line_of(units[0], "1.1"), "approve", reviewer)
    refused_service(workflow.record, line_of(units[0], "1.1"), "save", officers[0])
    assert fingerprint() == before


# --- nominations ----------------------------------------------------------------------------------

def draft_nomination(campaign, unit, officer, state=NominationState.DRAFT):
    n = Nomination(campaign_id=campaign.id, unit_id=unit.id, award_type=award("GK-BTCTU-TT"),
                   nominee_name="", achievements="Hoàn thành xuất sắc", created_by_id=officer.id, state=state)
    db.session.add(n)
    db.session.commit()
    return n


def test_closed_campaign_refuses_creating_editing_and_submitting_a_nomination(client, officer, units, campaign):
    n = draft_nomination(campaign, units[0], officer)
    close(campaign)
    before = fingerprint()
    response = client.post("/nominations/new", data={"award_type": str(award("GK-BTCTU-TT").id)},
                           follow_redirects=True)
    refused(response)
    response = client.post(f"/nominations/{n.id}", follow_redirects=True,
                           data={"achievements": "Sửa thành tích", "version": str(n.version)})
    refused(response)
    response = client.post(f"/nominations/{n.id}/submit", data={"version": str(n.version)}, follow_redirects=True)
    refused(response)
    assert fingerprint() == before
    refused_service(nominations.create_nomination, units[0], award("GK-BTCTU-TT"), officer)
    refused_service(nominations.save_nomination, db.session.get(Nomination, n.id), officer,
                    nominations.NomineeValues(achievements="Sửa"), None)
    refused_service(nominations.submit_nomination, db.session.get(Nomination, n.id), officer)
    assert fingerprint() == before


def test_closed_campaign_refuses_dossier_uploads_and_removals(app, client, officer, units, campaign):
    n = draft_nomination(campaign, units[0], officer)
    document_name = award("GK-BTCTU-TT").required_documents[0]
    document = NominationDocument(nomination=n, unit_id=n.unit_id, document_name=document_name, stored_name="x.pdf",
                                  original_name="x.pdf", size=10, content_type="application/pdf", sha256="0" * 64,
                                  uploaded_by_id=officer.id)
    db.session.add(document)
    db.session.commit()
    close(campaign)
    before = fingerprint()
    response = client.post(f"/nominations/{n.id}/documents", content_type="multipart/form-data", follow_redirects=True,
                           data={"document_name": document_name, "version": str(n.version),
                                 "files": [(io.BytesIO(samples.pdf("ho-so.pdf")), "ho-so.pdf")]})
    refused(response)
    response = client.post(f"/nominations/documents/{document.id}/delete", data={"version": str(n.version)},
                           follow_redirects=True)
    refused(response)
    assert fingerprint() == before
    store = FileStore(app.config["UPLOAD_DIR"])
    upload = type("Upload", (), {"stream": io.BytesIO(samples.pdf("a.pdf")), "filename": "a.pdf"})()
    refused_service(nominations.add_documents, db.session.get(Nomination, n.id), officer, document_name, [upload],
                    store, app.config["MAX_FILE_SIZE"])
    refused_service(nominations.remove_document, db.session.get(NominationDocument, document.id), officer)
    assert fingerprint() == before


def test_closed_campaign_refuses_votes_closing_the_vote_and_decisions(client, login_as, units, campaign):
    admin = factories.gen_user(role=Role.ADMIN)
    member = factories.gen_user(role=Role.COUNCIL)
    forwarded = draft_nomination(campaign, units[0], admin, NominationState.FORWARDED)
    approved = draft_nomination(campaign, units[1], admin, NominationState.APPROVED)
    submitted = draft_nomination(campaign, factories.gen_unit(), admin, NominationState.SUBMITTED)
    close(campaign)
    before = fingerprint()
    client.post("/login", data={"username": member.username, "password": factories.PASSWORD})
    response = client.post(f"/nominations/{forwarded.id}/vote", follow_redirects=True,
                           data={"choice": "agree", "version": str(forwarded.version)})
    refused(response)
    client.post("/logout")
    client.post("/login", data={"username": admin.username, "password": factories.PASSWORD})
    response = client.post(f"/nominations/{forwarded.id}/close", data={"version": str(forwarded.version)},
                           follow_redirects=True)
    refused(response)
    response = client.post(f"/nominations/{approved.id}/decision", follow_redirects=True,
                           data={"decision_number": "125-QĐ/TU", "decision_date": "2025-12-20",
                                 "decision_signer": "Bí thư", "version": str(approved.version)})
    refused(response)
    login_as(Role.REVIEWER)
    refused(client.post(f"/review/nominations/{submitted.id}/forward", data={"version": str(submitted.version)},
                        follow_redirects=True))
    assert fingerprint() == before
    refused_service(nominations.cast_vote, db.session.get(Nomination, forwarded.id), member, VoteChoice.AGREE)
    refused_service(nominations.close_vote, db.session.get(Nomination, forwarded.id), admin)
    refused_service(nominations.record_decision, db.session.get(Nomination, approved.id), admin, "125-QĐ/TU",
                    today(), "Bí thư")
    assert fingerprint() == before


# --- the reference import -------------------------------------------------------------------------

def test_closed_campaign_refuses_the_reference_import_into_its_year(runner, campaign):
    from portal.demo.services import DATA_2025
    from portal.models import AwardType, Criterion

    close(campaign)
    reference_before = {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                        for m in (Criterion, AwardType)}
    before = fingerprint()
    result = runner.invoke(args=["import", str(DATA_2025), "--year", "2025"])
    assert result.exit_code == 1 and LOCKED in result.output
    refused_service(import_directory, DATA_2025, 2025)
    assert fingerprint() == before
    assert reference_before == {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
                                for m in (Criterion, AwardType)}
