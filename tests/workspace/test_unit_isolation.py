"""A unit officer reaching for another unit's objects by ID — page or htmx partial — gets 404,
and nothing changes. Every workspace and evidence route with an object ID is covered; a new
route with an ID is picked up from the URL map and must be listed here."""
import io

import pytest

from portal.extensions import db
from portal.models import Comment, Commitment, Evidence, ProgressNote, Role, ScoreLine
from tests import samples
from tests.helpers import commitment_of, line_of

ROUTES = {
    "workspace.save_commitment": ("POST", "commitment", {"target_text": "bị sửa trái phép"}),
    "workspace.add_note": ("POST", "commitment", {"note_date": "2025-01-01", "text": "x"}),
    "workspace.item": ("GET", "line", None),
    "workspace.save_score": ("POST", "line", {"self_score": "1", "explanation": "x"}),
    "workspace.preview_score": ("POST", "line", {"self_score": "1"}),
    "workspace.submit_score": ("POST", "line", {}),
    "workspace.upload_files": ("POST", "line", "file"),
    "workspace.add_document": ("POST", "line", {"doc_number": "1-KH", "doc_date": "2025-01-01",
                                                 "doc_issuer": "x", "title": "x"}),
    "workspace.delete_evidence": ("POST", "evidence", {}),
    "workspace.comment": ("POST", "line", {"body": "bình luận trái phép"}),
    "evidence.download": ("GET", "evidence", None),
    "evidence.preview": ("GET", "evidence", None),
}


def test_every_id_route_is_listed(app):
    with_ids = {rule.endpoint for rule in app.url_map.iter_rules()
                if rule.endpoint.split(".")[0] in ("workspace", "evidence") and rule.arguments}
    assert with_ids == set(ROUTES)


def state_of_unit(unit_id):
    def rows(model):
        return sorted(tuple(str(v) for v in (r.id, *(getattr(r, c.key) for c in model.__table__.columns)))
                      for r in db.session.execute(db.select(model).where(model.unit_id == unit_id)).scalars())
    db.session.expire_all()
    return [rows(m) for m in (Commitment, ScoreLine, Evidence, ProgressNote, Comment)]


@pytest.fixture
def other_units_objects(units, app):
    """Unit B's commitment, score line and evidence (with a file)."""
    unit_b = units[1]
    line = line_of(unit_b, "1.1")
    line.self_score, line.explanation = 5, "của đơn vị B"
    from portal.evidence.views import file_store
    from tests import factories

    user = factories.gen_user(role=Role.UNIT_OFFICER, unit=unit_b)
    stored = file_store().save(io.BytesIO(samples.pdf()), "b.pdf", 10**6)
    evidence = Evidence(campaign_id=line.campaign_id, unit_id=unit_b.id, criterion_id=line.criterion_id,
                        stored_name=stored.stored_name, original_name="b.pdf", size=stored.size,
                        content_type="application/pdf", sha256=stored.sha256, uploaded_by_id=user.id)
    db.session.add(evidence)
    db.session.commit()
    return {"commitment": commitment_of(unit_b, "1.1").id, "line": line.id, "evidence": evidence.id}


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_officer_of_unit_a_gets_404_for_unit_b(client, login_as, units, other_units_objects, endpoint, htmx):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    method, kind, data = ROUTES[endpoint]
    from flask import url_for

    arg = {"commitment": "commitment_id", "line": "line_id", "evidence": "evidence_id"}[kind]
    with client.application.test_request_context():
        url = url_for(endpoint, **{arg: other_units_objects[kind]})
    before = state_of_unit(units[1].id)
    headers = {"HX-Request": "true"} if htmx else {}
    if data == "file":
        response = client.post(url, data={"files": [(io.BytesIO(samples.pdf()), "x.pdf")]},
                               content_type="multipart/form-data", headers=headers)
    else:
        response = client.open(url, method=method, data=data, headers=headers)
    assert response.status_code == 404
    assert "b.pdf" not in response.get_data(as_text=True)
    assert state_of_unit(units[1].id) == before


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.COUNCIL, Role.ADMIN])
def test_other_roles_cannot_use_the_workspace(client, login_as, units, other_units_objects, role):
    login_as(role)
    before = state_of_unit(units[1].id)
    for url in ["/unit/", "/unit/pledges", "/unit/scores", f"/unit/score-lines/{other_units_objects['line']}"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/unit/score-lines/{other_units_objects['line']}", data={"self_score": "1"})
    assert response.status_code == 403
    assert state_of_unit(units[1].id) == before


@pytest.mark.parametrize("role,status", [(Role.REVIEWER, 200), (Role.ADMIN, 200), (Role.COUNCIL, 403)])
def test_who_may_download_another_units_file(client, login_as, units, other_units_objects, role, status):
    login_as(role)
    assert client.get(f"/evidence/{other_units_objects['evidence']}/download").status_code == status
