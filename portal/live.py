"""Change counters for live views. A poll sends the value it shows; the server compares it with
one primary-key read and answers "no change" without rendering anything."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models import Scorecard, ScoreLine
from portal.models.base import UTCDateTime
from portal.models.session import hash_token, live_since

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
    if isinstance(change.obj, (ScoreLine, Scorecard)) and (change.transition or change.action in ("save", "adjust")):
        bump(SCOREBOARD)


# Plain SQL on the session's connection: this read is the whole cost of an idle poll, so it skips
# the ORM's statement compilation and result processing.
_CURRENT = sa.text("SELECT value FROM counter WHERE name = :name")


def current(name: str) -> int:
    return db.session.connection().execute(_CURRENT, {"name": name}).scalar() or 0


# The cheap poll's whole cost, with the session check in the same statement: the counter's value if
# the session named by the cookie is live (not ended, not expired), else no row.  Two index reads:
# disabling an account ends its sessions, so the account itself need not be read here.
_CURRENT_FOR_SESSION = sa.text(
    "SELECT COALESCE((SELECT value FROM counter WHERE name = :name), 0) FROM user_session "
    "WHERE token_hash = :token_hash AND ended_at IS NULL AND created_at > :since"
).bindparams(sa.bindparam("since", type_=UTCDateTime))


def current_for_session(name: str, session_token: str | None) -> int | None:
    """The counter's value for a poll from the session ``session_token``; None when that session is
    not live (ended, expired, disabled account, unknown) — the poll then answers as signed out."""
    if not session_token or not isinstance(session_token, str):
        return None
    row = db.session.connection().execute(_CURRENT_FOR_SESSION, {
        "name": name, "token_hash": hash_token(session_token),
        "since": live_since(current_app.permanent_session_lifetime)}).first()
    return None if row is None else row[0]
