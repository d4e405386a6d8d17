"""A unit's year: its pledge registration, one commitment and one score line per criterion,
progress notes, and the history of every state change."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, Points, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.models.campaign import Campaign, Criterion
from portal.models.org import Unit
from portal.models.user import User


class RegistrationState(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ScoreState(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


EDITABLE_REGISTRATION = {RegistrationState.DRAFT, RegistrationState.RETURNED}
EDITABLE_SCORE = {ScoreState.DRAFT, ScoreState.RETURNED}


class Registration(TimestampMixin, Base):
    """A unit's pledge registration (đăng ký thi đua) for a campaign, submitted as a whole."""

    __tablename__ = "registration"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    state: Mapped[RegistrationState] = mapped_column(enum_type(RegistrationState), default=RegistrationState.DRAFT)
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The review level it waits at (or was last decided at): 1 for the first level of the chain.
    level: Mapped[int] = mapped_column(default=1, server_default="1")
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[Optional[User]] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_REGISTRATION


class Commitment(TimestampMixin, Base):
    """What a unit pledges for one criterion: a target text, optionally a number and its unit."""

    __tablename__ = "commitment"
    __table_args__ = (sa.UniqueConstraint("registration_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), index=True)
    target_text: Mapped[str] = mapped_column(sa.Text, default="")
    target_value: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 2))
    target_unit: Mapped[str] = mapped_column(sa.String(50), default="")
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    registration: Mapped[Registration] = relationship()
    criterion: Mapped[Criterion] = relationship()
    notes: Mapped[list["ProgressNote"]] = relationship(
        back_populates="commitment", order_by="(ProgressNote.note_date.desc(), ProgressNote.id.desc())",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_filled(self) -> bool:
        return bool(self.target_text.strip())


class ProgressNote(Base):
    """A dated note of progress on a commitment (báo cáo tiến độ)."""

    __tablename__ = "progress_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitment.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    note_date: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class ScoreLine(TimestampMixin, Base):
    """A unit's score for one criterion: self score, explanation, and the reviewer's decision."""

    __tablename__ = "score_line"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "unit_id", "criterion_id"),
        sa.CheckConstraint("self_score IS NULL OR self_score >= 0", name="self_score_not_negative"),
        sa.CheckConstraint("approved_score IS NULL OR approved_score >= 0", name="approved_not_negative"),
        sa.Index("ix_score_line_campaign_state", "campaign_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"), index=True)
    self_score: Mapped[Optional[Decimal]] = mapped_column(Points)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[ScoreState] = mapped_column(enum_type(ScoreState), default=ScoreState.DRAFT)
    approved_score: Mapped[Optional[Decimal]] = mapped_column(Points)
    review_reason: Mapped[str] = mapped_column(sa.Text, default="")
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    # The review level it waits at (or was last decided at): 1 for the first level of the chain.
    level: Mapped[int] = mapped_column(default=1, server_default="1")
    version: Mapped[int] = mapped_column(default=1)

    criterion: Mapped[Criterion] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_SCORE
