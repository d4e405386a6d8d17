from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal import live
from portal.extensions import db
from portal.models import RenderedScoreboard, Role, ScoreState
from portal.review import services as review
from portal.ceremony import services
from tests import factories
from tests.helpers import submit
from tests.helpers import line_of


@pytest.fixture
def admin(app):
    return factories.gen_user(role=Role.ADMIN)


@pytest.mark.parametrize("role,published,status", [
    (Role.REVIEWER, False, 200), (Role.ADMIN, False, 200),
    (Role.UNIT_OFFICER, False, 403), (Role.COUNCIL, False, 403),
    (Role.UNIT_OFFICER, True, 200), (Role.COUNCIL, True, 200),
])
def test_who_sees_the_scoreboard(client, login_as, campaign, admin, role, published, status):
    if published:
        services.set_published(campaign, admin, True)
        db.session.commit()
    login_as(role)
    assert client.get("/scoreboard/").status_code == status
    assert client.get("/scoreboard/table?v=-1").status_code == status


def test_version_semantics_and_cached_render(client, login_as, units, campaign):
    officer = factories.gen_user(role=Role.UNIT_OFFICER, unit=units[0])
    db.session.commit()
    login_as(Role.REVIEWER)
    v0 = live.current(live.SCOREBOARD)
    assert client.get(f"/scoreboard/table?v={v0}").status_code == 204
    client.get("/scoreboard/")
    client.get("/review/")  # reading changes nothing
    assert live.current(live.SCOREBOARD) == v0
    line = submit(line_of(units[0], "1.1"), officer, score="6")
    v1 = live.current(live.SCOREBOARD)
    assert v1 > v0
    review.approve_score(line, factories.gen_user(role=Role.REVIEWER))
    db.session.commit()
    v2 = live.current(live.SCOREBOARD)
    assert v2 > v1
    first = client.get(f"/scoreboard/table?v={v0}")
    zipped = client.get(f"/scoreboard/table?v={v0}", headers={"Accept-Encoding": "gzip"})
    import gzip

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data).decode() == first.get_data(as_text=True)
    assert first.status_code == 200 and f"v={v2}" in first.get_data(as_text=True)
    assert "6" in first.get_data(as_text=True)
    renders = db.session.scalar(sa.select(sa.func.count()).select_from(RenderedScoreboard))
    client.get(f"/scoreboard/table?v={v0}")
    client.get("/scoreboard/")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RenderedScoreboard)) == renders  # served from cache
    assert client.get(f"/scoreboard/table?v={v2}").status_code == 204


def test_the_officers_own_unit_is_highlighted(client, login_as, units, campaign, admin):
    services.set_published(campaign, admin, True)
    db.session.commit()
    login_as(Role.UNIT_OFFICER, unit=units[0])
    page = client.get("/scoreboard/").get_data(as_text=True)
    assert f'data-own-unit="{units[0].id}"' in page  # portal.js marks the row (the table itself is shared)
    assert f'<tr data-unit="{units[0].id}"' in page


def test_frozen_for_the_public_live_for_reviewers(client, login_as, units, campaign, admin):
    services.set_published(campaign, admin, True)
    services.freeze(campaign, admin)
    db.session.commit()
    line = line_of(units[0], "1.1")
    line.self_score, line.approved_score, line.state = Decimal(7), Decimal(7), ScoreState.APPROVED
    live.bump(live.SCOREBOARD)
    db.session.commit()
    login_as(Role.COUNCIL)
    public = client.get("/scoreboard/?view=overall").get_data(as_text=True)
    assert '<td class="num total-cell">7</td>' not in public
    login_as(Role.REVIEWER)
    assert '<td class="num total-cell">7</td>' in client.get("/scoreboard/").get_data(as_text=True)


def test_cluster_view(client, login_as, units, campaign):
    login_as(Role.REVIEWER)
    page = client.get(f"/scoreboard/?view={units[1].cluster_id}").get_data(as_text=True)
    assert f'data-unit="{units[1].id}"' in page and f'data-unit="{units[0].id}"' not in page
