"""Issue #9 B26: reading the scoreboard never writes; the state row is created by insert-or-ignore in
the write services, and parallel first requests (reads, writes, renders) never give a 500."""
import sqlalchemy as sa

from portal import live
from portal.extensions import db
from portal.models import RenderedScoreboard, Role, ScoreboardState
from tests import factories
from tests.scoreboard.helpers import in_parallel

THREADS = 6


def signed_in_clients(app, role, count):
    user = factories.gen_user(role=role)
    db.session.commit()
    clients = []
    for _ in range(count):
        client = app.test_client()
        assert client.post("/login", data={"username": user.username, "password": factories.PASSWORD}).status_code == 303
        clients.append(client)
    return clients


def state_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(ScoreboardState))


def test_reading_the_scoreboard_never_creates_its_state(app, campaign):
    clients = signed_in_clients(app, Role.ADMIN, THREADS)
    paths = ["/scoreboard/", "/scoreboard/control", "/scoreboard/table?v=0", "/scoreboard/export.xlsx"]
    statuses = in_parallel(THREADS, lambda i: clients[i].get(paths[i % len(paths)]).status_code)
    assert statuses == [200] * THREADS
    assert state_rows() == 0  # a missing row reads as: unpublished, not frozen, step 0


def test_parallel_first_writes_create_the_state_once(app, campaign):
    clients = signed_in_clients(app, Role.ADMIN, THREADS)
    statuses = in_parallel(THREADS, lambda i: clients[i].post("/scoreboard/control/publish",
                                                              data={"published": "1"}).status_code)
    assert statuses == [303] * THREADS
    assert state_rows() == 1 and db.session.get(ScoreboardState, campaign.id).published


def test_parallel_first_renders_never_fail(app, campaign):
    clients = signed_in_clients(app, Role.REVIEWER, THREADS)
    live.bump(live.SCOREBOARD)
    db.session.commit()
    version = live.current(live.SCOREBOARD)
    statuses = in_parallel(THREADS, lambda i: clients[i].get(
        "/scoreboard/table?v=0", headers={"Accept-Encoding": "gzip"} if i % 2 else {}).status_code)
    assert statuses == [200] * THREADS
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RenderedScoreboard).where(
        RenderedScoreboard.version == version)) == 1  # one language, one view: rendered once
