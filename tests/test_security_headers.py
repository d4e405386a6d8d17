import hashlib
import base64
from pathlib import Path

from portal.config import HTMX_INTEGRITY, HTMX_VERSION

REPO = Path(__file__).resolve().parent.parent


def test_strict_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client, campaign, login_as):
    import re

    from portal.models import Role

    for role in Role:
        login_as(role)
        for url in ["/", "/reference/units", "/reference/criteria", "/reference/award-types"]:
            page = client.get(url).get_data(as_text=True)
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
            assert " style=" not in page and "<style" not in page, url
            assert re.search(r"\son[a-z]+=", page) is None, url


def test_htmx_is_served_locally_with_the_pinned_integrity(client):
    page = client.get("/login").get_data(as_text=True)
    assert f'integrity="{HTMX_INTEGRITY}"' in page
    assert "/static/vendor/htmx.min.js" in page
    served = client.get("/static/vendor/htmx.min.js").data
    digest = "sha384-" + base64.b64encode(hashlib.sha384(served).digest()).decode()
    assert digest == HTMX_INTEGRITY, "static/vendor/htmx.min.js is not the pinned build: run make"
    lock = (REPO / "package.json").read_text()
    assert f'"htmx.org": "{HTMX_VERSION}"' in lock
    assert 'name="htmx-config"' in page and '"allowEval": false' in page and '"includeIndicatorStyles": false' in page


def test_cdn_setting_switches_the_source_and_the_policy(database_url, tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, tmp_path, HTMX_SOURCE="cdn")
    with app.app_context():
        response = app.test_client().get("/login")
    page = response.get_data(as_text=True)
    assert f"htmx.org@{HTMX_VERSION}/dist/htmx.min.js" in page
    assert "/static/vendor/htmx.min.js" not in page
    assert f'integrity="{HTMX_INTEGRITY}"' in page
    assert "https://cdn.jsdelivr.net" in response.headers["Content-Security-Policy"]
