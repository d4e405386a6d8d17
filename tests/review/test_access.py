"""Only reviewers and admins reach the queue and act: every review route, page or partial."""
import pytest
from flask import url_for

from portal.models import Role, ScoreState
from tests.helpers import HX, fresh


def review_routes(app, line_id):
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("review."):
                continue
            args = {}
            for name in rule.arguments:
                args[name] = "score_line" if name == "kind" else line_id
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url_for(rule.endpoint, **args)))
    return routes


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.COUNCIL])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_other_roles_get_403_everywhere(client, app, login_as, submitted, units, role, htmx):
    login_as(role, unit=units[0])
    line = submitted[0]
    routes = review_routes(app, line.id)
    assert len(routes) >= 10
    for endpoint, method, url in routes:
        response = client.open(url, method=method, headers=HX if htmx else {},
                               data={"comment": "x", "reason": "x", "approved_score": "1", "body": "x", "line": str(line.id)})
        assert response.status_code == 403, endpoint
    assert fresh(line).state is ScoreState.SUBMITTED
    assert fresh(line).approved_score is None


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN])
def test_reviewers_and_admins_reach_the_queue(client, login_as, submitted, role):
    login_as(role)
    response = client.get("/review/")
    assert response.status_code == 200
    assert "Đã gửi" in response.get_data(as_text=True)
