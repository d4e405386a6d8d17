"""Change counters for live views. A poll sends the value it shows; the server compares it with
one primary-key read and answers "no change" without rendering anything."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Counter

QUEUE = "queue"
SCOREBOARD = "scoreboard"


def bump(name: str) -> None:
    """Count one change; part of the caller's transaction, so a rolled-back change counts nothing."""
    updated = db.session.execute(sa.update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    if updated.rowcount == 0:
        db.session.add(Counter(name=name, value=1))
        db.session.flush()


# Plain SQL on the session's connection: this read is the whole cost of an idle poll, so it skips
# the ORM's statement compilation and result processing.
_CURRENT = sa.text("SELECT value FROM counter WHERE name = :name")


def current(name: str) -> int:
    return db.session.connection().execute(_CURRENT, {"name": name}).scalar() or 0
