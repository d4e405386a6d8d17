"""Who reads the final result's page and who acts on it: every role, with 403 and nothing changed."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import LevelScope, Role
from tests.results.conftest import add_level, result_state, the_result
from tests.scoreboard.helpers import unit


@pytest.mark.parametrize("role,status", [(Role.UNIT_OFFICER, 403), (Role.REVIEWER, 200), (Role.COUNCIL, 200),
                                         (Role.ADMIN, 200)])
def test_who_reads_the_page(client, login_as, campaign, role, status):
    login_as(role, unit=unit("BH") if role is Role.UNIT_OFFICER else None)
    assert client.get("/results/").status_code == status


def test_signed_out_is_sent_to_sign_in(client, campaign):
    response = client.get("/results/")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    assert client.post("/results/approve", data={"confirm": "y", "version": "0"}).status_code in (302, 303, 401)
    assert the_result() is None


@pytest.mark.parametrize("year", ["1999", "abc", "0"])
def test_an_unknown_year_is_not_found(client, login_as, campaign, year):
    login_as(Role.ADMIN)
    assert client.get(f"/results/?year={year}").status_code == 404
    assert client.post(f"/results/approve?year={year}", data={"confirm": "y", "version": "0"}).status_code == 404


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_only_approvers_approve(client, login_as, ready, role):
    member = login_as(Role.COUNCIL)
    add_level(ready, 1, LevelScope.ITEM, members=[member])  # acting at another level gives no right here
    login_as(role, unit=unit("BH") if role is Role.UNIT_OFFICER else None)
    before = result_state()
    response = client.post("/results/approve", data={"confirm": "y", "version": "0"})
    assert response.status_code == 403
    assert result_state() == before


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.REVIEWER, Role.COUNCIL])
def test_only_administrators_unlock(client, login_as, ready, role):
    admin = login_as(Role.ADMIN)
    assert client.post("/results/approve", data={"confirm": "y", "version": "0"}).status_code == 303
    user = login_as(role, unit=unit("BH") if role is Role.UNIT_OFFICER else None)
    if role is not Role.UNIT_OFFICER:
        add_level(ready, 1, LevelScope.RANKING, members=[user])  # even the ranking level's members
    before = result_state()
    response = client.post("/results/unlock", data={"reason": "Sửa", "version": str(the_result().version)})
    assert response.status_code == 403
    assert result_state() == before and the_result().locked
    assert admin.id


def test_a_disabled_member_no_longer_approves(client, login_as, ready):
    member = login_as(Role.COUNCIL)
    add_level(ready, 1, LevelScope.RANKING, members=[member])
    assert 'action="/results/approve' in client.get("/results/").get_data(as_text=True)
    member.active = False
    db.session.commit()
    before = result_state()
    response = client.post("/results/approve", data={"confirm": "y", "version": "0"})
    assert response.status_code in (302, 303, 401, 403)
    assert result_state() == before
