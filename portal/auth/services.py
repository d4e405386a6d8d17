"""Checking credentials. Plain functions over models and values; no request here."""
from __future__ import annotations

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import User


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the username is unknown, so both cases take the same time."""
    return generate_password_hash("no such user", method=method)


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.execute(
        db.select(User).where(User.username == username.strip())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
