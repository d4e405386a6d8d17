"""The whole nomination cycle over HTTP, and who may reach what."""
import io

import pytest

from portal.extensions import db
from portal.models import AuditEvent, Nomination, NominationDocument, NominationState, PastClassification, Role
from portal.models import Classification, Vote
from tests import factories, samples
from tests.helpers import approve_all, award


def start(client, award_code) -> Nomination:
    client.post("/nominations/new", data={"award_type": str(award(award_code).id)})
    return db.session.execute(db.select(Nomination).order_by(Nomination.id.desc())).scalars().first()


def version(n) -> str:
    """The row's current version, as the page's hidden field carries it."""
    db.session.expire_all()
    return str(db.session.get(Nomination, n.id).version)


def upload(client, n, document_name, name="ho-so.pdf", content=None):
    return client.post(f"/nominations/{n.id}/documents", content_type="multipart/form-data",
                       data={"document_name": document_name, "version": version(n),
                             "files": [(io.BytesIO(content if content is not None else samples.pdf(name)), name)]})


def test_officer_to_award(client, login_as, campaign, units):
    approve_all(units[0], campaign)
    for year in (2023, 2024):
        db.session.add(PastClassification(unit_id=units[0].id, year=year, classification=Classification.EXCELLENT))
    members = [factories.gen_user(role=Role.COUNCIL) for _ in range(3)]
    db.session.commit()

    login_as(Role.UNIT_OFFICER, unit=units[0])
    n = start(client, "BK-BTVTU-TT")
    assert n.state is NominationState.DRAFT and n.unit_id == units[0].id
    response = client.post(f"/nominations/{n.id}/submit", data={"version": version(n)}, follow_redirects=True)
    assert "Báo cáo thành tích" in response.get_data(as_text=True)  # what is missing is said
    assert db.session.get(Nomination, n.id).state is NominationState.DRAFT
    client.post(f"/nominations/{n.id}", data={"achievements": "Hoàn thành xuất sắc 100% nhiệm vụ.", "version": "1"})
    for document in award("BK-BTVTU-TT").required_documents:
        assert upload(client, n, document).status_code == 303
    client.post(f"/nominations/{n.id}/submit", data={"version": version(n)})
    db.session.expire_all()
    assert db.session.get(Nomination, n.id).state is NominationState.SUBMITTED

    login_as(Role.REVIEWER)
    assert f"queue-row-nomination-{n.id}" in client.get("/review/?kind=nomination").get_data(as_text=True)
    assert client.post(f"/review/nominations/{n.id}/forward", data={"version": version(n)}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Nomination, n.id).state is NominationState.FORWARDED

    for member, choice in zip(members, ("agree", "agree", "disagree")):
        client.post("/logout")
        client.post("/login", data={"username": member.username, "password": factories.PASSWORD})
        page = client.get("/nominations/council").get_data(as_text=True)
        assert "Hoàn thành xuất sắc" in page
        client.post(f"/nominations/{n.id}/vote", data={"choice": choice, "version": version(n)})
    assert db.session.query(Vote).filter_by(nomination_id=n.id).count() == 3

    login_as(Role.ADMIN)
    client.post(f"/nominations/{n.id}/close", data={"version": version(n)})  # 2 of 3 = 66.7 % < 70 %
    db.session.expire_all()
    assert db.session.get(Nomination, n.id).state is NominationState.REJECTED
    actions = set(db.session.execute(db.select(AuditEvent.action).where(
        AuditEvent.subject_type == "nomination", AuditEvent.subject_id == n.id)).scalars())
    assert {"save", "attach", "submit", "forward", "vote", "reject"} <= actions


def test_approved_decision_reaches_the_award_list_and_the_ceremony(client, login_as, campaign, units):
    admin = factories.gen_user(role=Role.ADMIN)
    members = [factories.gen_user(role=Role.COUNCIL) for _ in range(2)]
    n = Nomination(campaign_id=campaign.id, unit_id=units[0].id, award_type=award("GK-BTCTU-CN"),
                   nominee_name="Lê Thị Mai", nominee_position="Chuyên viên", achievements="x",
                   created_by_id=admin.id, state=NominationState.FORWARDED)
    db.session.add(n)
    db.session.flush()
    from portal.nominations import services

    for member in members:
        services.cast_vote(n, member, services.VoteChoice.AGREE)
    db.session.commit()
    login_as(Role.ADMIN)
    client.post(f"/nominations/{n.id}/close", data={"version": version(n)})
    bad = client.post(f"/nominations/{n.id}/decision", data={"decision_number": "", "decision_date": "2025-12-20",
                                                             "decision_signer": "Bí thư", "version": version(n)})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "số, ký hiệu" in page.lower() and 'value="Bí thư"' in page
    client.post(f"/nominations/{n.id}/decision", data={"decision_number": "125-QĐ/TU", "decision_date": "2025-12-20",
                                                       "decision_signer": "Bí thư", "version": version(n)})
    db.session.expire_all()
    assert db.session.get(Nomination, n.id).state is NominationState.AWARDED
    assert "Lê Thị Mai" in client.get("/nominations/award-list").get_data(as_text=True)
    from portal.ceremony import services as scoreboard

    token = scoreboard.create_display_link(campaign, admin, "x")
    scoreboard.freeze(campaign, admin)
    scoreboard.step_reveal(campaign, admin, 10_000)
    db.session.commit()
    stage = client.get(f"/display/{token}").get_data(as_text=True)
    assert "stage--awards" in stage and "Lê Thị Mai" in stage
    actions = set(db.session.execute(db.select(AuditEvent.action).where(
        AuditEvent.subject_type == "nomination", AuditEvent.subject_id == n.id)).scalars())
    assert {"vote", "approve", "award"} <= actions


def test_another_units_nomination_and_dossier_are_not_found(client, login_as, campaign, units):
    owner = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[1])
    n = Nomination(campaign_id=campaign.id, unit_id=units[1].id, award_type=award("GK-BTCTU-TT"), achievements="B",
                   created_by_id=owner.id)
    db.session.add(n)
    db.session.flush()
    doc = NominationDocument(nomination_id=n.id, unit_id=units[1].id, document_name="Tờ trình",
                             stored_name="a" * 32 + ".pdf", original_name="b.pdf", size=1, content_type="application/pdf",
                             sha256="0" * 64, uploaded_by_id=owner.id)
    db.session.add(doc)
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=units[0])
    for method, url, data in [("GET", f"/nominations/{n.id}", None),
                              ("POST", f"/nominations/{n.id}", {"achievements": "đổi", "version": "1"}),
                              ("POST", f"/nominations/{n.id}/submit", {"version": "1"}),
                              ("POST", f"/nominations/{n.id}/documents", {"document_name": "Tờ trình", "version": "1"}),
                              ("GET", f"/nominations/documents/{doc.id}", None),
                              ("POST", f"/nominations/documents/{doc.id}/delete", {"version": "1"})]:
        assert client.open(url, method=method, data=data).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Nomination, n.id).achievements == "B"
    assert db.session.get(NominationDocument, doc.id) is not None
    # the list page is scoped to the own unit in its query
    assert f"/nominations/{n.id}" not in client.get("/nominations/").get_data(as_text=True)


@pytest.mark.parametrize("state,visible", [(NominationState.SUBMITTED, False), (NominationState.FORWARDED, True)])
def test_council_sees_forwarded_nominations_only(client, login_as, campaign, units, state, visible):
    owner = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[1])
    n = Nomination(campaign_id=campaign.id, unit_id=units[1].id, award_type=award("GK-BTCTU-TT"),
                   achievements="Thành tích nổi bật", created_by_id=owner.id, state=state)
    db.session.add(n)
    db.session.commit()
    login_as(Role.COUNCIL)
    assert ("Thành tích nổi bật" in client.get("/nominations/council").get_data(as_text=True)) is visible
    assert client.get(f"/nominations/{n.id}").status_code == (200 if visible else 404)


def test_dossier_uploads_follow_the_evidence_rules(client, login_as, campaign, units, app):
    import os

    login_as(Role.UNIT_OFFICER, unit=units[0])
    n = start(client, "GK-BTCTU-TT")
    response = upload(client, n, "Tờ trình", name="virus.pdf", content=samples.EXE)
    assert "không được phép" in client.get(f"/nominations/{n.id}").get_data(as_text=True) or response.status_code == 303
    assert db.session.query(NominationDocument).count() == 0
    root = app.config["UPLOAD_DIR"]
    assert not os.path.isdir(root) or os.listdir(root) == []
    upload(client, n, "Không có trong danh mục")
    assert db.session.query(NominationDocument).count() == 0
