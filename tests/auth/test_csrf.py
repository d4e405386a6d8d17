"""One test app with CSRF switched on: forms and htmx requests need the token."""
import re

import pytest

from portal.extensions import db
from tests import factories
from tests.conftest import make_test_app


@pytest.fixture
def csrf_client(database_url, tmp_path, app):
    csrf_app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    return csrf_app.test_client()


def _token(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_sign_in_without_token_is_refused(csrf_client):
    user = factories.gen_user()
    db.session.commit()
    response = csrf_client.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert csrf_client.get("/").status_code == 302


def test_sign_in_and_out_with_token(csrf_client):
    user = factories.gen_user()
    db.session.commit()
    token = _token(csrf_client.get("/login").get_data(as_text=True))
    response = csrf_client.post("/login", data={"username": user.username, "password": factories.PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 303
    page = csrf_client.get("/").get_data(as_text=True)
    # htmx-style request: the token travels in the X-CSRFToken header
    assert csrf_client.post("/logout", headers={"HX-Request": "true"}).status_code == 400
    assert csrf_client.get("/").status_code == 200
    response = csrf_client.post("/logout", headers={"X-CSRFToken": _token(page)})
    assert response.status_code == 303
    assert csrf_client.get("/").status_code == 302
