"""Server-side sessions: signing in creates one, and it lives until it is ended.

Logout ends one session; a password change, a deactivation and the administrator's "end all
sessions" end every session of the account. Every worker sees the same rows, so an ended session
is refused at once everywhere, polls included (``portal.live.current_for_session``).
Plain functions over models and values; the caller commits.
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models import User, UserSession, utcnow
from portal.models.session import hash_token, live_since


def _live():
    """The condition of a live session: not ended and within its lifetime."""
    return sa.and_(UserSession.ended_at.is_(None),
                   UserSession.created_at > live_since(current_app.permanent_session_lifetime))


def start(user: User, address: str) -> str:
    """A new live session for ``user``; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=hash_token(token), user_id=user.id, address=(address or "")[:64],
                               created_at=utcnow()))
    user.session_token = token
    return token


def load(token: str | None) -> User | None:
    """Flask-Login's user loader: the active user of a live session, in one query (user joined with
    session), or None when the session was ended, the account disabled or the token is unknown."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    user = db.session.execute(
        sa.select(User).join(UserSession, UserSession.user_id == User.id).where(
            UserSession.token_hash == hash_token(token), _live(), User.active.is_(True))
    ).scalar_one_or_none()
    if user is not None:
        user.session_token = token
    return user


def end(token: str | None) -> None:
    """End the session with this token (sign-out)."""
    if token and isinstance(token, str):
        db.session.execute(sa.update(UserSession).where(
            UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_all(user_id: int, keep_token: str | None = None) -> int:
    """End every live session of an account (but the one of ``keep_token``); returns how many were live."""
    condition = [UserSession.user_id == user_id, UserSession.ended_at.is_(None)]
    if keep_token:
        condition.append(UserSession.token_hash != hash_token(keep_token))
    result = db.session.execute(sa.update(UserSession).where(*condition).values(ended_at=utcnow()))
    return result.rowcount or 0


def last_sign_ins() -> dict:
    """The newest sign-in of every account, for the accounts page."""
    rows = db.session.execute(sa.select(UserSession.user_id, sa.func.max(UserSession.created_at))
                              .group_by(UserSession.user_id))
    return dict(rows.all())


def recent(user_id: int, limit: int = 10) -> list[tuple[UserSession, bool]]:
    """The account's latest sign-ins, newest first, each with whether it is still live."""
    live_from = live_since(current_app.permanent_session_lifetime)
    rows = db.session.execute(sa.select(UserSession).where(UserSession.user_id == user_id)
                              .order_by(UserSession.created_at.desc(), UserSession.id.desc()).limit(limit)).scalars()
    return [(row, row.ended_at is None and row.created_at > live_from) for row in rows]


def live_counts() -> dict[int, int]:
    """Live sessions per account, for the accounts page."""
    rows = db.session.execute(sa.select(UserSession.user_id, sa.func.count()).where(_live())
                              .group_by(UserSession.user_id))
    return dict(rows.all())
