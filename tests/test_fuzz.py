"""Odd values in every parameter of every route, as every role, never give a server error.

The routes come from ``app.url_map`` and the parameters from each view's source (what it reads
from ``request.args`` / ``request.form``) plus a fixed list of common names, so a new route or
parameter is covered without listing it. Each (route, role, odd value) sends every parameter at
once with that value; URL converters get odd numbers as well as a real row's id.
"""
from __future__ import annotations

import inspect
import re
import traceback

import pytest
import sqlalchemy as sa
from flask import got_request_exception

from portal.extensions import db
from portal.models import (Commitment, DisplayLink, Evidence, Nomination, NominationDocument, Registration, Role,
                           ScoreLine, Unit)
from tests import factories
from tests.conftest import empty_tables, make_test_app

ODD_VALUES = ["²", "٣", "1e309", "NaN", "-0", "0001-01-01", "9999-12-31", "\u2028\u00a0\u200b", "x" * 10_000,
              "'; DROP TABLE unit; --", "{{7*7}}", "../../etc/passwd", ""]
ODD_IDS = [0, 2**31, 10**30]
COMMON_PARAMS = ["page", "q", "sort", "view", "unit", "cluster", "group", "kind", "state", "status", "from", "to",
                 "year", "age", "lang", "next", "version", "action", "subject_type", "actor", "verify", "compact",
                 "since", "format", "id"]
ROLES = [None, Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL, Role.ADMIN]
# Routes that would end the fuzzing session itself.
SKIPPED = {"auth.logout"}
_READS = re.compile(r"""(?:args|form|values|request\.args|request\.form)\s*(?:\.get(?:list)?\(|\[)\s*["'](\w+)["']""")
# Model whose id each URL converter names, for the request with a real id.
_ID_OF = {"line_id": ScoreLine, "commitment_id": Commitment, "evidence_id": Evidence, "nomination_id": Nomination,
          "document_id": NominationDocument, "registration_id": Registration, "link_id": DisplayLink,
          "unit_id": Unit, "subject_id": ScoreLine}

# Routes known to answer 500 for an odd value, each with its reason (none today; a new entry needs a fix).
KNOWN_500: dict[str, str] = {}


def _rules():
    from portal import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    rules = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.endpoint in SKIPPED:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            rules.append((rule.rule, method, rule.endpoint))
    return rules


def _case(rule, method, endpoint):
    key = f"{method} {rule}"
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_500[key])] if key in KNOWN_500 else []
    return pytest.param(rule, method, endpoint, id=key, marks=marks)


def _parameters(app, endpoint) -> list[str]:
    view = inspect.unwrap(app.view_functions[endpoint])
    try:
        source = inspect.getsource(inspect.getmodule(view))  # helpers of the view read parameters too
    except (OSError, TypeError):
        source = ""
    return sorted(set(_READS.findall(source)) | set(COMMON_PARAMS))


@pytest.fixture(scope="module")
def seeded(database_url, tmp_path_factory):
    from portal.demo.services import seed_demo

    app = make_test_app(database_url, tmp_path_factory.mktemp("fuzz"), PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        empty_tables()
        seed_demo()
        unit = db.session.execute(sa.select(Unit).join(ScoreLine).limit(1)).scalar_one()
        users = {role: factories.gen_user(role=role, unit=unit if role is Role.UNIT_OFFICER else None)
                 for role in ROLES if role}
        db.session.commit()
        ids = {name: db.session.execute(sa.select(sa.func.min(model.id))).scalar() or 1
               for name, model in _ID_OF.items()}
        clients = {}
        for role in ROLES:
            client = app.test_client()
            if role:
                response = client.post("/login", data={"username": users[role].username,
                                                       "password": factories.PASSWORD})
                assert response.status_code == 303
            clients[role] = client
        yield app, clients, ids
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def _urls(rule: str, ids: dict) -> list[str]:
    converters = re.findall(r"<(?:(\w+):)?(\w+)>", rule)
    if not converters:
        return [rule]

    def fill(value_of):
        return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: value_of(m.group(1), m.group(2)), rule)

    real = fill(lambda kind, name: str(ids.get(name, 1)) if kind == "int" else "score")
    return [real, *(fill(lambda kind, name, n=n: str(n) if kind == "int" else "²") for n in ODD_IDS)]


@pytest.mark.parametrize("rule,method,endpoint", [_case(*r) for r in _rules()])
def test_odd_values_in_any_parameter_never_give_a_server_error(seeded, rule, method, endpoint):
    app, clients, ids = seeded
    names = _parameters(app, endpoint)
    failures, errors = [], []

    def remember(_sender, exception, **_extra):
        frame = traceback.extract_tb(exception.__traceback__)[-1]
        errors.append(f"{type(exception).__name__}: {exception} at {frame.filename.rpartition('/portal/')[2]}:{frame.lineno}")

    got_request_exception.connect(remember, app)
    try:
        _send_all(clients, ids, rule, method, names, failures)
    finally:
        got_request_exception.disconnect(remember, app)
    assert failures == [], sorted(set(errors))[:5]


def _send_all(clients, ids, rule, method, names, failures):
    for role, client in clients.items():
        urls = _urls(rule, ids)
        for url in urls:
            response = client.open(url, method=method)
            if response.status_code >= 500:
                failures.append((role, url, "", response.status_code))
        if response.status_code in (401, 403) or (response.status_code in (302, 303) and "/login" in
                                                   response.headers.get("Location", "")):
            continue  # this role cannot reach the view: its parameters are never read
        for value in ODD_VALUES:
            data = {name: value for name in names}
            if method == "GET":
                response = client.get(urls[0], query_string=data)
            else:
                response = client.post(urls[0], data=data, headers={"HX-Request": "true"})
            if response.status_code >= 500:
                failures.append((role and role.value, urls[0], value[:20], response.status_code))
