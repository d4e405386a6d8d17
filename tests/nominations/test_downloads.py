"""Dossier downloads: answered like evidence downloads (not found when the file is missing on disk,
never cached, sandboxed, an ASCII fallback name that transliterates Vietnamese)."""
import pytest

from portal.extensions import db
from portal.models import Nomination, NominationState, Role
from tests.helpers import award, pdf_upload


@pytest.fixture
def dossier(client, login_as, campaign, units):
    """A draft of units[0] with one uploaded document named "Tờ trình Đảng ủy.pdf"."""
    login_as(Role.UNIT_OFFICER, unit=units[0])
    client.post("/nominations/new", data={"award_type": str(award("GK-BTCTU-TT").id)})
    n = db.session.execute(db.select(Nomination)).scalar_one()
    response = client.post(f"/nominations/{n.id}/documents", content_type="multipart/form-data",
                           data={"document_name": "Tờ trình", "version": str(n.version),
                                 "files": [pdf_upload("Tờ trình Đảng ủy.pdf")]})
    assert response.status_code == 303
    db.session.expire_all()
    return db.session.get(Nomination, n.id).documents[0]


def test_dossier_download_is_private_sandboxed_and_named_in_ascii_too(client, dossier):
    response = client.get(f"/nominations/documents/{dossier.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="To trinh Dang uy.pdf"' in disposition
    assert "filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh%20%C4%90%E1%BA%A3ng%20%E1%BB%A7y.pdf" in disposition


def test_dossier_document_missing_on_disk_is_not_found(client, app, dossier):
    import os

    os.remove(os.path.join(app.config["UPLOAD_DIR"], dossier.stored_name))
    assert client.get(f"/nominations/documents/{dossier.id}").status_code == 404


@pytest.mark.parametrize("url", ["/nominations/documents/²", "/nominations/documents/0", "/nominations/%C2%B2",
                                 "/nominations/999999999999", "/nominations/letter?level=²",
                                 "/nominations/new?award_type=²"])
def test_odd_ids_and_parameters_are_not_a_server_error(client, login_as, campaign, units, url):
    login_as(Role.UNIT_OFFICER, unit=units[0])
    assert client.get(url).status_code in (200, 403, 404)
    login_as(Role.ADMIN)
    assert client.get(url).status_code in (200, 403, 404)


def test_council_downloads_a_forwarded_dossier_with_the_same_headers(client, login_as, dossier):
    n = db.session.get(Nomination, dossier.nomination_id)
    n.state = NominationState.FORWARDED
    db.session.commit()
    login_as(Role.COUNCIL)
    response = client.get(f"/nominations/documents/{dossier.id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
