"""Server-side sign-in sessions and sign-in attempt counters.

The session cookie carries a random token; only its SHA-256 is stored, so a copy of the database
does not hand out live sessions. A session is live while its row has no ``ended_at``.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


def hash_token(token: str) -> str:
    """What is stored of a session token (the cookie holds the token itself)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def live_since(lifetime: timedelta) -> datetime:
    """Sessions started before this moment have expired (a working day from sign-in), even when
    their cookie was re-signed later."""
    return utcnow() - lifetime


class UserSession(Base):
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str] = mapped_column(sa.String(64), default="")  # the client address at sign-in
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Sign-in attempts per key ("user:<name>" or "addr:<address>") in a fixed window; shared by every
    worker. The window's end is in Unix seconds so the upsert compares plain integers on every database."""

    __tablename__ = "login_attempt"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    window_ends: Mapped[int] = mapped_column(sa.BigInteger)
