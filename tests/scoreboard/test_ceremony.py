import io
import re

import pytest
from openpyxl import load_workbook

from portal import live
from portal.ceremony.stages import stage_for
from portal.extensions import db
from portal.models import Role
from portal.scoreboard.services import read_state
from tests import factories


@pytest.fixture
def admin(app):
    return factories.gen_user(role=Role.ADMIN)


def new_link(client, login_as):
    login_as(Role.ADMIN)
    client.post("/scoreboard/control/links", data={"label": "Máy chiếu hội trường"})
    page = client.get("/scoreboard/control").get_data(as_text=True)
    return re.search(r"/display/([A-Za-z0-9_-]{40,})", page).group(0)


def test_a_display_link_shows_the_ceremony_without_an_account(client, login_as, campaign):
    url = new_link(client, login_as)
    client.post("/logout")
    screen = client.get(url)
    assert screen.status_code == 200 and 'class="ceremony"' in screen.get_data(as_text=True)
    # the link reaches nothing else
    assert client.get("/scoreboard/").status_code == 302
    assert client.get("/review/").status_code == 302
    assert client.get(url + "/../../scoreboard/control").status_code in (302, 404)
    # a token is not an account: the session stays anonymous
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_the_token_is_shown_once_and_stored_hashed(client, login_as, campaign):
    url = new_link(client, login_as)
    token = url.rsplit("/", 1)[1]
    from portal.models import DisplayLink

    link = db.session.execute(db.select(DisplayLink)).scalar_one()
    assert link.token_hash != token and len(link.token_hash) == 64
    assert token not in client.get("/scoreboard/control").get_data(as_text=True)  # not again


def test_a_revoked_link_stops_at_once(client, login_as, campaign):
    url = new_link(client, login_as)
    from portal.models import DisplayLink

    link = db.session.execute(db.select(DisplayLink)).scalar_one()
    assert client.get(url).status_code == 200
    client.post(f"/scoreboard/control/links/{link.id}/revoke")
    assert client.get(url).status_code == 404
    assert client.get(url + "/stage?v=0").status_code == 404
    assert client.get("/display/not-a-token").status_code == 404


def test_the_stage_poll_answers_204_while_nothing_changed(client, login_as, campaign):
    url = new_link(client, login_as)
    version = live.current(live.SCOREBOARD)
    assert client.get(f"{url}/stage?v={version}").status_code == 204
    client.post("/scoreboard/control/freeze")
    response = client.get(f"{url}/stage?v={version}")
    assert response.status_code == 200 and "stage--title" in response.get_data(as_text=True)


ROWS = [
    {"unit_id": i, "code": f"U{i}", "short_name": f"Đơn vị {i}", "cluster": "Cụm 1" if i <= 2 else "Cụm 2", "cluster_id": 1 if i <= 2 else 2,
     "rank": i, "cluster_rank": 1 if i in (1, 3) else 2, "total": str(100 - i * 10), "tied": False}
    for i in (1, 2, 3, 4)
]


@pytest.mark.parametrize("step,kind,revealed,leaders", [
    (0, "title", set(), 0),
    (1, "ranks", {4}, 0),
    (3, "ranks", {2, 3, 4}, 0),
    (4, "ranks", {1, 2, 3, 4}, 0),
    (5, "leaders", {1, 2, 3, 4}, 1),
    (6, "leaders", {1, 2, 3, 4}, 2),
    (7, "awards", {1, 2, 3, 4}, 2),
])
def test_reveal_stages(step, kind, revealed, leaders):
    stage = stage_for(ROWS, step, frozen=True)
    assert (stage.kind, stage.revealed, len(stage.leaders)) == (kind, revealed, leaders)


def test_freeze_and_reveal_control(client, login_as, campaign, admin):
    login_as(Role.ADMIN)
    response = client.post("/scoreboard/control/reveal/next", follow_redirects=True)
    assert "Hãy khóa bảng xếp hạng" in response.get_data(as_text=True) or "Freeze" in response.get_data(as_text=True)
    client.post("/scoreboard/control/freeze")
    state = read_state(campaign)
    db.session.refresh(state)
    assert state.frozen_at is not None and state.frozen_standings
    client.post("/scoreboard/control/reveal/next")
    client.post("/scoreboard/control/reveal/next")
    db.session.refresh(state)
    assert state.reveal_step == 2
    client.post("/scoreboard/control/reveal/reset")
    db.session.refresh(state)
    assert state.reveal_step == 0


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.UNIT_OFFICER, Role.COUNCIL])
def test_only_admins_control(client, login_as, campaign, role):
    login_as(role)
    assert client.get("/scoreboard/control").status_code == 403
    assert client.post("/scoreboard/control/freeze").status_code == 403
    assert client.post("/scoreboard/control/links", data={"label": "x"}).status_code == 403


def test_snapshot_is_one_self_contained_file(client, login_as, campaign):
    login_as(Role.ADMIN)
    response = client.get("/scoreboard/control/snapshot.html")
    page = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "<style>" in page and "board__row" in page and "<script" not in page and 'href="/static' not in page


def test_xlsx_export(client, login_as, campaign):
    login_as(Role.REVIEWER)
    response = client.get("/scoreboard/export.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) == 4  # overall + 3 clusters
    overall = workbook[workbook.sheetnames[0]]
    assert overall.max_row == 1 + 15  # header + the 15 ranked units
