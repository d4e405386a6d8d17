from datetime import timedelta
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models import AuditEvent, Evidence, ScoreState
from portal.clock import today as local_today
from portal.workspace.services import build_scorecard
from tests.helpers import HX, fresh, line_of


def post_score(client, line, score, explanation="Đã hoàn thành, có kế hoạch số 12-KH/BTCTU", version=None, htmx=True):
    return client.post(f"/unit/score-lines/{line.id}", headers=HX if htmx else {},
                       data={"self_score": score, "explanation": explanation,
                             "version": str(line.version if version is None else version)})


def snapshot(line):
    line = fresh(line)
    return (line.self_score, line.explanation, line.state, line.version)


def add_document(line):
    db.session.add(Evidence(campaign_id=line.campaign_id, unit_id=line.unit_id, criterion_id=line.criterion_id,
                            doc_number="125-KH/BTCTU", doc_date=local_today(), doc_issuer="Ban Tổ chức Tỉnh ủy",
                            title="Kế hoạch", uploaded_by_id=1 if False else line.unit_id and _any_user()))
    db.session.commit()


def _any_user():
    from portal.models import User

    return db.session.execute(db.select(User.id)).scalars().first()


def test_save_a_score_with_decimal_comma(client, officer, units):
    line = line_of(units[0], "1.1")  # max 8
    response = post_score(client, line, "7,25")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.lstrip().startswith(f'<div id="score-{line.id}"')
    assert 'id="provisional-total"' in page and "hx-swap-oob" in page
    assert fresh(line).self_score == Decimal("7.25")
    assert "HX-Trigger" not in response.headers  # no event that nothing listens to
    assert f'id="line-state-{line.id}"' in page  # the state badge follows, out of band


BAD_SCORES = [
    ("8,25", "vượt quá điểm tối đa 8"),
    ("-1", "không được âm"),
    ("abc", "Nhập điểm từ 0 đến 8, ví dụ 4,75"),
    ("NaN", "Nhập điểm từ 0 đến 8"),
    ("7,3", "bước 0,25, ví dụ 4; 4,25; 4,5 hoặc 4,75"),
]


@pytest.mark.parametrize("score,message", BAD_SCORES, ids=[b[0] for b in BAD_SCORES])
def test_bad_scores_are_refused_and_change_nothing(client, officer, units, score, message):
    line = line_of(units[0], "1.1")
    post_score(client, line, "4")
    line = fresh(line)
    before = snapshot(line)
    response = post_score(client, line, score)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot(line) == before


def test_explanation_is_required_above_zero(client, officer, units):
    line = line_of(units[0], "1.1")
    before = snapshot(line)
    response = post_score(client, line, "5", explanation="   ")
    assert response.status_code == 422 and "Cần giải trình" in response.get_data(as_text=True)
    assert snapshot(line) == before
    assert post_score(client, line, "0", explanation="").status_code == 200  # zero needs no explanation


def test_explanation_too_long(client, officer, units):
    line = line_of(units[0], "1.1")
    before = snapshot(line)
    response = post_score(client, line, "5", explanation="x" * 4001)
    assert response.status_code == 422 and "Tối đa 4000 ký tự" in response.get_data(as_text=True)
    assert snapshot(line) == before


def test_two_officers_saving_the_same_line(client, officer, units):
    line = line_of(units[0], "1.1")
    stale = line.version
    assert post_score(client, line, "5").status_code == 200
    response = post_score(client, line, "6", version=stale)
    assert response.status_code == 409 and "người khác" in response.get_data(as_text=True)
    assert fresh(line).self_score == 5


def test_preview_validates_and_totals_without_writing(client, officer, units):
    line = line_of(units[0], "1.2")  # max 12
    response = client.post(f"/unit/score-lines/{line.id}/preview", headers=HX,
                           data={"self_score": "10,5", "explanation": ""})
    page = response.get_data(as_text=True)
    assert '<span class="totals__value">10,5</span>' in page
    assert fresh(line).self_score is None
    response = client.post(f"/unit/score-lines/{line.id}/preview", headers=HX, data={"self_score": "13"})
    assert "vượt quá điểm tối đa 12" in response.get_data(as_text=True)


def test_evidence_required_blocks_submission(client, officer, units):
    line = line_of(units[0], "1.1")  # evidence required
    post_score(client, line, "6")
    line = fresh(line)
    response = client.post(f"/unit/score-lines/{line.id}/submit", headers=HX, data={"version": line.version})
    assert response.status_code == 422 and "cần có minh chứng" in response.get_data(as_text=True)
    assert fresh(line).state is ScoreState.DRAFT
    add_document(line)
    response = client.post(f"/unit/score-lines/{line.id}/submit", headers=HX, data={"version": line.version})
    assert response.status_code == 200
    submitted = fresh(line)
    assert submitted.state is ScoreState.SUBMITTED and submitted.submitted_at is not None
    events = db.session.execute(db.select(AuditEvent.action).where(
        AuditEvent.subject_type == "score_line", AuditEvent.subject_id == line.id)).scalars().all()
    assert "submit" in events


def test_a_submitted_line_is_read_only(client, officer, units):
    line = line_of(units[0], "3.3")  # no evidence needed
    post_score(client, line, "2")
    client.post(f"/unit/score-lines/{line.id}/submit", headers=HX, data={"version": fresh(line).version})
    line = fresh(line)
    assert line.state is ScoreState.SUBMITTED
    before = snapshot(line)
    response = post_score(client, line, "3")
    assert response.status_code == 409 and "chỉ xem" in response.get_data(as_text=True)
    assert snapshot(line) == before


def test_after_the_reporting_deadline_nothing_is_submitted(client, officer, units, campaign):
    line = line_of(units[0], "3.3")
    post_score(client, line, "2")
    campaign.reporting_deadline = local_today() - timedelta(days=1)
    campaign.registration_deadline = local_today() - timedelta(days=30)
    db.session.commit()
    line = fresh(line)
    before = snapshot(line)
    response = client.post(f"/unit/score-lines/{line.id}/submit", headers=HX, data={"version": line.version})
    assert response.status_code == 409 and "Đã hết hạn báo cáo" in response.get_data(as_text=True)
    assert snapshot(line) == before
    response = client.post("/unit/scores/submit-ready", follow_redirects=True)
    assert "Đã hết hạn báo cáo" in response.get_data(as_text=True)
    assert snapshot(line) == before


def test_an_item_with_its_own_earlier_deadline_closes_before_the_campaign(client, officer, units, campaign):
    line = line_of(units[0], "3.3")
    post_score(client, line, "2")
    fresh(line).criterion.deadline = local_today() - timedelta(days=1)
    db.session.commit()
    line = fresh(line)
    before = snapshot(line)
    response = client.post(f"/unit/score-lines/{line.id}/submit", headers=HX, data={"version": line.version})
    assert response.status_code == 409 and "Đã hết hạn báo cáo" in response.get_data(as_text=True)
    assert snapshot(line) == before
    other = line_of(units[0], "3.2")  # the campaign's own deadline still holds for the other items
    assert post_score(client, other, "1").status_code == 200 and fresh(other).self_score == 1


def test_an_item_with_its_own_later_deadline_stays_open_after_the_campaigns(client, officer, units, campaign):
    line = line_of(units[0], "3.3")
    post_score(client, line, "2")
    campaign.registration_deadline = local_today() - timedelta(days=30)
    campaign.reporting_deadline = local_today() - timedelta(days=1)
    fresh(line).criterion.deadline = local_today() + timedelta(days=5)
    db.session.commit()
    line = fresh(line)
    response = client.post(f"/unit/score-lines/{line.id}/submit", headers=HX, data={"version": line.version})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert fresh(line).state is ScoreState.SUBMITTED
    page = client.get(f"/unit/score-lines/{line.id}").get_data(as_text=True)
    assert (local_today() + timedelta(days=5)).strftime("%d/%m/%Y") in page


def test_bonus_claims_are_capped(client, officer, units):
    b1, b2 = line_of(units[0], "B.1"), line_of(units[0], "B.2")  # max 3 and 2, cap 5
    assert post_score(client, b1, "3").status_code == 200
    assert post_score(client, b2, "2").status_code == 200
    assert fresh(b2).self_score == 2


def test_provisional_total_caps_bonus_and_deductions(app, units, campaign):
    unit = units[0]
    for code, score in [("1.1", "8"), ("1.2", "10"), ("B.1", "3"), ("B.2", "2"), ("D.1", "5"), ("D.2", "5")]:
        line_of(unit, code).self_score = Decimal(score)
    db.session.flush()
    card = build_scorecard(unit, campaign)
    assert card.provisional_total == Decimal("18") + Decimal("5") - Decimal("10")
    assert card.approved_total == 0


def test_submit_all_ready(client, officer, units):
    ready = line_of(units[0], "3.3")     # no evidence needed
    blocked = line_of(units[0], "1.1")   # evidence needed, none attached
    untouched = line_of(units[0], "3.6")
    post_score(client, ready, "2")
    post_score(client, blocked, "5")
    response = client.post("/unit/scores/submit-ready", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "3.3" in page and "1.1" in page
    assert fresh(ready).state is ScoreState.SUBMITTED
    assert fresh(blocked).state is ScoreState.DRAFT
    assert fresh(untouched).state is ScoreState.DRAFT


def test_pages_render(client, officer, units):
    for url in ["/unit/", "/unit/pledges", "/unit/scores", f"/unit/score-lines/{line_of(units[0], '1.1').id}"]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_bonus_needs_evidence_only_when_claimed(client, officer, units):
    bonus = line_of(units[0], "B.1")  # evidence required when claimed
    post_score(client, bonus, "0", explanation="")
    response = client.post(f"/unit/score-lines/{bonus.id}/submit", headers=HX, data={"version": fresh(bonus).version})
    assert response.status_code == 200 and fresh(bonus).state is ScoreState.SUBMITTED
    other = line_of(units[0], "B.2")
    post_score(client, other, "2")
    response = client.post(f"/unit/score-lines/{other.id}/submit", headers=HX, data={"version": fresh(other).version})
    assert response.status_code == 422 and "cần có minh chứng" in response.get_data(as_text=True)
