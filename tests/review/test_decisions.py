from decimal import Decimal

import pytest

from portal.audit.services import verify_chain
from portal.extensions import db
from portal.models import AuditEvent, Comment, Evidence, Notification, RegistrationState, Role, ScoreState
from portal.review import services
from portal.workflow import WorkflowError
from tests import factories
from tests.helpers import HX, commitment_of, fresh, line_of


def snapshot(line):
    line = fresh(line)
    return (line.state, line.approved_score, line.review_reason, line.review_comment, line.version)


def test_approve_takes_the_self_score(client, login_as, submitted):
    reviewer = login_as(Role.REVIEWER)
    line = submitted[0]
    response = client.post(f"/review/score-lines/{line.id}/approve", headers=HX, data={"version": line.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.lstrip().startswith('<section id="queue-detail"')
    assert response.headers["HX-Trigger"] == "queueChanged"
    done = fresh(line)
    assert (done.state, done.approved_score, done.decided_by_id) == (ScoreState.APPROVED, Decimal(3), reviewer.id)


def test_adjust_needs_a_reason_and_a_valid_score(client, login_as, submitted):
    login_as(Role.REVIEWER)
    line = submitted[1]  # 1.2, max 12
    before = snapshot(line)
    for data, message in [
        ({"approved_score": "2", "reason": " "}, "lý do"),
        ({"approved_score": "13", "reason": "Thiếu minh chứng"}, "vượt quá điểm tối đa 12"),
        ({"approved_score": "-1", "reason": "Thiếu minh chứng"}, "không được âm"),
        ({"approved_score": "2,1", "reason": "Thiếu minh chứng"}, "bước 0,25"),
        ({"approved_score": "", "reason": "Thiếu minh chứng"}, "điểm thẩm định"),
    ]:
        response = client.post(f"/review/score-lines/{line.id}/adjust", headers=HX, data={**data, "version": line.version})
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
        assert snapshot(line) == before
    response = client.post(f"/review/score-lines/{line.id}/adjust", headers=HX,
                           data={"approved_score": "2,5", "reason": "Minh chứng chưa đủ", "version": line.version})
    assert response.status_code == 200
    done = fresh(line)
    assert (done.state, done.approved_score, done.review_reason) == (ScoreState.APPROVED, Decimal("2.5"), "Minh chứng chưa đủ")


def test_return_needs_a_comment_which_joins_the_thread(client, login_as, submitted):
    login_as(Role.REVIEWER)
    line = submitted[0]
    before = snapshot(line)
    response = client.post(f"/review/items/score_line/{line.id}/return", headers=HX, data={"comment": "", "version": line.version})
    assert response.status_code == 422 and "nội dung đơn vị cần sửa" in response.get_data(as_text=True)
    assert snapshot(line) == before
    response = client.post(f"/review/items/score_line/{line.id}/return", headers=HX,
                           data={"comment": "Bổ sung báo cáo có số, ký hiệu", "version": line.version})
    assert response.status_code == 200
    assert fresh(line).state is ScoreState.RETURNED
    assert db.session.execute(db.select(Comment.body)).scalars().all() == ["Bổ sung báo cáo có số, ký hiệu"]


def test_the_second_reviewer_is_told_who_decided(client, login_as, submitted):
    first = factories.gen_user(role=Role.REVIEWER, full_name="Trần Thị Thẩm")
    line = submitted[0]
    services.approve_score(line, first)
    db.session.commit()
    login_as(Role.REVIEWER)
    before = snapshot(line)
    for url, data in [(f"/review/score-lines/{line.id}/approve", {}),
                      (f"/review/score-lines/{line.id}/adjust", {"approved_score": "1", "reason": "x"}),
                      (f"/review/items/score_line/{line.id}/return", {"comment": "x"})]:
        response = client.post(url, headers=HX, data={**data, "version": fresh(line).version})
        assert response.status_code == 409
        assert "Đã được Trần Thị Thẩm quyết định lúc" in response.get_data(as_text=True)
        assert snapshot(line) == before


def test_a_stale_version_is_refused(client, login_as, submitted):
    login_as(Role.REVIEWER)
    line = submitted[0]
    before = snapshot(line)
    response = client.post(f"/review/score-lines/{line.id}/approve", headers=HX, data={"version": line.version - 1})
    assert response.status_code == 409 and "người khác" in response.get_data(as_text=True)
    assert snapshot(line) == before


@pytest.mark.parametrize("state", [ScoreState.DRAFT, ScoreState.RETURNED, ScoreState.APPROVED])
def test_decisions_from_the_wrong_state_are_refused(app, units, state):
    reviewer = factories.gen_user(role=Role.REVIEWER)
    line = line_of(units[0], "3.3")
    line.state, line.self_score = state, Decimal(1)
    db.session.flush()
    for decide in (lambda: services.approve_score(line, reviewer),
                   lambda: services.adjust_score(line, reviewer, "1", "lý do"),
                   lambda: services.return_item(line, reviewer, "sửa")):
        with pytest.raises(WorkflowError):
            decide()
        assert line.state is state


def test_registration_accept_and_return(client, login_as, units, officers):
    registration = commitment_of(units[0], "1.1").registration
    registration.state = RegistrationState.SUBMITTED
    db.session.commit()
    login_as(Role.REVIEWER)
    response = client.post(f"/review/items/registration/{registration.id}/return", headers=HX,
                           data={"comment": "", "version": registration.version})
    assert response.status_code == 422
    response = client.post(f"/review/registrations/{registration.id}/accept", headers=HX,
                           data={"version": registration.version})
    assert response.status_code == 200 and fresh(registration).state is RegistrationState.ACCEPTED


def test_bulk_approve_reports_each_item(client, login_as, submitted):
    login_as(Role.REVIEWER)
    services.approve_score(submitted[1], factories.gen_user(role=Role.REVIEWER, full_name="Người Khác"))
    db.session.commit()
    ids = [str(submitted[0].id), str(submitted[1].id), str(submitted[3].id)]
    response = client.post("/review/bulk-approve", data={"line": ids}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã phê duyệt 2 mục." in page
    assert "1.2 chưa được phê duyệt" in page and "Người Khác" in page
    assert fresh(submitted[0]).state is ScoreState.APPROVED and fresh(submitted[3]).state is ScoreState.APPROVED


def test_officers_are_notified(client, login_as, submitted, officers):
    reviewer = factories.gen_user(role=Role.REVIEWER)
    services.approve_score(submitted[0], reviewer)
    services.adjust_score(submitted[1], reviewer, "5", "Chưa đạt chỉ tiêu")
    services.return_item(submitted[2], reviewer, "Bổ sung minh chứng")
    db.session.commit()
    kinds = db.session.execute(db.select(Notification.kind).where(Notification.user_id == officers[0].id)
                               .order_by(Notification.id)).scalars().all()
    assert kinds == ["approved", "adjusted", "returned"]
    login_as(Role.UNIT_OFFICER, unit=submitted[0].unit, username="canbo-a2")
    # a second officer of the same unit was created after the decisions: they get none
    assert client.get("/notifications/").status_code == 200
    client.post("/logout")
    client.post("/login", data={"username": officers[0].username, "password": factories.PASSWORD})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Tiêu chí 1.1 đã được phê duyệt: 3 điểm." in page
    assert "Tiêu chí 2.1 đã bị trả lại để bổ sung: Bổ sung minh chứng" in page
    assert client.get("/notifications/badge?n=3").status_code == 204
    assert client.get("/notifications/badge?n=0").status_code == 200
    client.post("/notifications/read")
    assert client.get("/notifications/badge?n=0").status_code == 204


def test_every_decision_is_audited_with_the_address(client, login_as, submitted):
    login_as(Role.REVIEWER)
    client.post(f"/review/score-lines/{submitted[0].id}/approve", data={"version": submitted[0].version},
                environ_base={"REMOTE_ADDR": "10.1.2.3"})
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "approve")).scalar_one()
    assert (event.address, event.subject_id, event.from_state, event.to_state) == (
        "10.1.2.3", submitted[0].id, "submitted", "approved")
    assert event.after == {"approved_score": "3.00"}
    assert verify_chain().ok


def test_the_unit_resubmits_and_the_reviewer_sees_what_changed(client, login_as, submitted, officers, units):
    from portal.clock import today as local_today
    from portal.workspace.services import submit_score_line

    reviewer = factories.gen_user(role=Role.REVIEWER)
    line = submitted[0]
    services.return_item(line, reviewer, "Điểm cao so với kết quả")
    db.session.commit()
    line.self_score, line.explanation = Decimal("2.5"), "Đã điều chỉnh theo ý kiến"
    db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                            doc_number="99-BC/BTC", doc_date=local_today(), doc_issuer="Ban Tổ chức",
                            title="Báo cáo bổ sung", uploaded_by_id=officers[0].id))
    db.session.flush()
    submit_score_line(line, officers[0], local_today())
    db.session.commit()
    login_as(Role.REVIEWER)
    page = client.get(f"/review/items/score_line/{line.id}", headers={**HX, "HX-Target": "queue-detail"}).get_data(as_text=True)
    assert page.lstrip().startswith('<section id="queue-detail"')
    assert "Thay đổi so với lần gửi trước" in page
    assert "<del>3</del> → <ins>2,5</ins>" in page
    assert "<ins>99-BC/BTC</ins>" in page
    assert "Đã điều chỉnh theo ý kiến" in page


def test_an_accepted_registration_can_be_reopened(client, login_as, units, officers):
    registration = commitment_of(units[0], "1.1").registration
    registration.state = RegistrationState.ACCEPTED
    db.session.commit()
    login_as(Role.REVIEWER)
    response = client.post(f"/review/registrations/{registration.id}/reopen", headers=HX,
                           data={"comment": " ", "version": registration.version})
    assert response.status_code == 422 and fresh(registration).state is RegistrationState.ACCEPTED
    response = client.post(f"/review/registrations/{registration.id}/reopen", headers=HX,
                           data={"comment": "Bổ sung chỉ tiêu 3.4", "version": registration.version})
    assert response.status_code == 200
    reopened = fresh(registration)
    assert reopened.state is RegistrationState.RETURNED and reopened.review_comment == "Bổ sung chỉ tiêu 3.4"


@pytest.mark.parametrize("action, data", [
    ("score-lines/{id}/approve", {}),
    ("score-lines/{id}/adjust", {"approved_score": "2", "reason": "Chưa đủ minh chứng"}),
    ("items/score_line/{id}/return", {"comment": "Bổ sung báo cáo"}),
])
def test_a_decision_without_its_version_is_refused_not_last_write_wins(client, login_as, submitted, action, data):
    login_as(Role.REVIEWER)
    line = submitted[0]
    before = snapshot(line)
    response = client.post("/review/" + action.format(id=line.id), headers=HX, data=data)
    assert response.status_code == 422
    assert "Biểu mẫu đã cũ" in response.get_data(as_text=True)
    assert snapshot(line) == before


def test_the_reviewers_evidence_link_says_open_as_a_verb_not_as_a_campaign_state(client, login_as, submitted):
    line = submitted[0]
    db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                            stored_name="0" * 32 + ".pdf", original_name="bao-cao.pdf", size=10,
                            content_type="application/pdf", sha256="a" * 64, uploaded_by_id=officers_id(line)))
    db.session.commit()
    login_as(Role.REVIEWER)
    page = client.get(f"/review/items/score_line/{line.id}").get_data(as_text=True)
    assert 'rel="noopener">Mở</a>' in page and "Đang diễn ra</a>" not in page
    assert "<dt>Ngày gửi</dt>" in page  # the submission date, not the state "Đã gửi"


def officers_id(line):
    return db.session.execute(db.select(AuditEvent.actor_id).where(AuditEvent.subject_id == line.id)).scalars().first()
