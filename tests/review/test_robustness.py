"""Odd input never becomes a 500, and never skips a check (found in review)."""
import pytest
from datetime import timedelta

from portal.extensions import db
from portal.models import CampaignState, Role, ScoreState
from portal.clock import today as local_today
from tests.helpers import HX, fresh


@pytest.mark.parametrize("url", ["/unit/score-lines/99999999999999999999", "/evidence/99999999999999999999/download",
                                 "/review/items/score_line/99999999999999999999", "/admin/audit/?actor=99999999999999999999999"])
def test_huge_ids_are_not_found_not_errors(client, login_as, submitted, url):
    login_as(Role.ADMIN if "audit" in url else (Role.UNIT_OFFICER if url.startswith("/unit") else Role.REVIEWER),
             unit=submitted[0].unit)
    assert client.get(url).status_code in (200, 403, 404)


def test_a_malformed_version_is_refused_not_ignored(client, login_as, submitted):
    line = submitted[0]
    line.state = ScoreState.RETURNED
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=line.unit)
    before = (fresh(line).self_score, fresh(line).version)
    response = client.post(f"/unit/score-lines/{line.id}/submit", headers=HX,
                           data={"self_score": "1", "explanation": "x", "version": "x1"})
    assert response.status_code == 422
    assert (fresh(line).self_score, fresh(line).version) == before


def test_missing_commitment_fields_are_a_message(client, login_as, units):
    from tests.helpers import commitment_of

    login_as(Role.UNIT_OFFICER, unit=units[0])
    client.get("/unit/")
    c = commitment_of(units[0], "1.1")
    response = client.post(f"/unit/commitments/{c.id}", headers=HX, data={f"c{c.id}-version": c.version})
    assert response.status_code == 200  # an empty draft is a valid draft


def test_odd_bulk_ids(client, login_as, submitted):
    login_as(Role.REVIEWER)
    response = client.post("/review/bulk-approve", data={"line": ["²", "9" * 25, "123456", str(submitted[0].id)]},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã phê duyệt 1 mục." in page
    assert fresh(submitted[0]).state is ScoreState.APPROVED


def test_no_return_after_the_review_period(client, login_as, submitted, campaign):
    campaign.review_end = local_today() - timedelta(days=1)
    campaign.reporting_deadline = local_today() - timedelta(days=2)
    campaign.registration_deadline = local_today() - timedelta(days=3)
    db.session.commit()
    login_as(Role.REVIEWER)
    line = submitted[0]
    response = client.post(f"/review/items/score_line/{line.id}/return", headers=HX,
                           data={"comment": "Sửa", "version": line.version})
    assert response.status_code == 409 and fresh(line).state is ScoreState.SUBMITTED
    assert client.post(f"/review/score-lines/{line.id}/approve", headers=HX,
                       data={"version": line.version}).status_code == 200


def test_nothing_changes_in_a_closed_campaign(client, login_as, submitted, campaign):
    campaign.state = CampaignState.CLOSED
    db.session.commit()
    login_as(Role.REVIEWER)
    line = submitted[0]
    assert client.post(f"/review/score-lines/{line.id}/approve", headers=HX,
                       data={"version": line.version}).status_code == 409
    assert client.post(f"/review/items/score_line/{line.id}/comments", headers=HX, data={"body": "x"}).status_code == 409
    assert fresh(line).state is ScoreState.SUBMITTED
