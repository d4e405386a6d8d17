"""Award nominations (đề nghị khen thưởng), their dossier documents, council votes, and the
classifications of earlier years that some eligibility rules look back on."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.models.campaign import AwardType, Classification
from portal.models.org import Unit
from portal.models.user import User


class NominationState(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    FORWARDED = "forwarded"
    APPROVED = "approved"
    REJECTED = "rejected"
    AWARDED = "awarded"


class VoteChoice(enum.Enum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"


class Nomination(TimestampMixin, Base):
    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    award_type_id: Mapped[int] = mapped_column(sa.ForeignKey("award_type.id"), index=True)
    nominee_name: Mapped[str] = mapped_column(sa.String(200), default="")   # a person; empty for the unit itself
    nominee_position: Mapped[str] = mapped_column(sa.String(200), default="")
    service_years: Mapped[Optional[int]]
    achievements: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[NominationState] = mapped_column(enum_type(NominationState), default=NominationState.DRAFT)
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    vote_closed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decision_number: Mapped[str] = mapped_column(sa.String(64), default="")
    decision_date: Mapped[Optional[date]]
    decision_signer: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    award_type: Mapped[AwardType] = relationship()
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])
    documents: Mapped[list["NominationDocument"]] = relationship(
        back_populates="nomination", order_by="NominationDocument.id", cascade="all, delete-orphan")
    votes: Mapped[list["Vote"]] = relationship(back_populates="nomination", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def nominee(self) -> str:
        return self.nominee_name or self.unit.name


class NominationDocument(Base):
    """A dossier file; kept and checked exactly like evidence files (portal.uploads)."""

    __tablename__ = "nomination_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    document_name: Mapped[str] = mapped_column(sa.String(200))   # which required document it is
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="documents")


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (sa.UniqueConstraint("nomination_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    choice: Mapped[VoteChoice] = mapped_column(enum_type(VoteChoice))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="votes")
    member: Mapped[User] = relationship()


class PastClassification(Base):
    """A unit's classification in an earlier year (imported, or from a closed campaign)."""

    __tablename__ = "past_classification"
    __table_args__ = (sa.UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    year: Mapped[int]
    classification: Mapped[Classification] = mapped_column(enum_type(Classification))
