"""Accounts. A unit officer is bound to exactly one unit; other roles to none."""
from __future__ import annotations

import enum
from typing import Optional

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.models.base import Base, TimestampMixin, enum_type
from portal.models.org import Unit


class Role(enum.Enum):
    UNIT_OFFICER = "unit_officer"
    REVIEWER = "reviewer"
    COUNCIL = "council"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'unit_officer' AND unit_id IS NOT NULL) OR (role <> 'unit_officer' AND unit_id IS NULL)",
            name="unit_iff_officer",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[Optional[str]] = mapped_column(sa.String(254))
    # Set for a temporary password (a new account, a reset): the user must choose their own at sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[Optional[Unit]] = relationship()

    __mapper_args__ = {"version_id_col": version}

    # The token of the server-side session this object was loaded for (not a column); Flask-Login
    # keeps it in the session cookie as the user's id, so every request names its session.
    session_token = None

    def set_password(self, password: str) -> None:
        """Callers end the account's sessions too (``portal.auth.sessions.end_all``)."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"
