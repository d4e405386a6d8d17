"""Change counters for live views. A poll sends the value it shows; the server compares it with
one primary-key read and answers "no change" without rendering anything."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ScoreLine

QUEUE = "queue"
SCOREBOARD = "scoreboard"


# Insert-or-increment in one statement (SQLite and PostgreSQL alike): two first bumps at the same
# moment never collide on the primary key.
_BUMP = sa.text("INSERT INTO counter (name, value, last_hash) VALUES (:name, 1, '') "
                "ON CONFLICT (name) DO UPDATE SET value = counter.value + 1")


def bump(name: str) -> None:
    """Count one change; part of the caller's transaction, so a rolled-back change counts nothing.
    Runs without autoflush: a stale row pending in the session surfaces at the caller's flush."""
    with db.session.no_autoflush:
        db.session.execute(_BUMP, {"name": name})


def follow_scores(change) -> None:
    """Workflow listener: any saved or moved score line may change the scoreboard's totals."""
    if isinstance(change.obj, ScoreLine) and (change.transition or change.action == "save"):
        bump(SCOREBOARD)


# Plain SQL on the session's connection: this read is the whole cost of an idle poll, so it skips
# the ORM's statement compilation and result processing.
_CURRENT = sa.text("SELECT value FROM counter WHERE name = :name")


def current(name: str) -> int:
    return db.session.connection().execute(_CURRENT, {"name": name}).scalar() or 0
