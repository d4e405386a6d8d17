"""Every route except the public ones needs a signed-in user — checked over the whole URL map,
so a route added later is covered without touching this file."""
import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from portal import create_app

# The ceremony screen is reached by an unguessable display link instead (tests/scoreboard/test_ceremony.py).
# Signing out works without a live session too (it only tidies the cookie then): test_logout_without_a_session.
PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.logout", "home.set_language", "home.healthz", "ceremony.screen",
                    "ceremony.stage"}


def _all_routes():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        args = {name: 1 if isinstance(conv, IntegerConverter) else "x"
                for name, conv in rule._converters.items()}
        with app.test_request_context():
            url = url_for(rule.endpoint, **args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


ROUTES = _all_routes()


def test_the_route_list_is_not_empty():
    assert len(ROUTES) >= 6


@pytest.mark.parametrize("endpoint,method,url", ROUTES, ids=[f"{m} {e}" for e, m, _ in ROUTES])
def test_anonymous_is_sent_to_sign_in(client, endpoint, method, url):
    response = client.open(url, method=method)
    assert response.status_code in (302, 303), f"{endpoint} answered {response.status_code}"
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("endpoint,method,url", ROUTES, ids=[f"{m} {e}" for e, m, _ in ROUTES])
def test_anonymous_htmx_gets_401_with_redirect_header(client, endpoint, method, url):
    response = client.open(url, method=method, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "/login" in response.headers["HX-Redirect"]


def test_logout_without_a_session_goes_to_sign_in(client):
    response = client.post("/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login"


def test_health_check_is_public_and_minimal(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok"
    assert "Set-Cookie" not in response.headers


def test_ceremony_routes_need_a_valid_display_link(client):
    assert client.get("/display/guessed-token").status_code == 404
    assert client.get("/display/guessed-token/stage?v=1").status_code == 404
