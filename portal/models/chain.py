"""The review chain of a campaign (issue #12): its ordered review levels and who acts at each, a
unit's scorecard as one reviewable object, each level's decisions, and the campaign's final result.

A campaign without levels has the chain of one level that every reviewer and administrator acts
at — the portal as it was before review levels existed."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, Points, TimestampMixin, UTCDateTime, enum_type, utcnow
from portal.models.campaign import Campaign
from portal.models.org import Unit
from portal.models.user import User


class LevelScope(enum.Enum):
    ITEM = "item"              # each score line and registration on its own
    SCORECARD = "scorecard"    # all lines of a unit at once, with the power to adjust a line
    RANKING = "ranking"        # the ranking as a whole: its approval is the final result


review_level_member = sa.Table(
    "review_level_member", Base.metadata,
    sa.Column("level_id", sa.ForeignKey("review_level.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ReviewLevel(TimestampMixin, Base):
    """One level of a campaign's review chain, at ``position`` 1, 2, … in the order items pass."""

    __tablename__ = "review_level"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    scope: Mapped[LevelScope] = mapped_column(enum_type(LevelScope))

    campaign: Mapped[Campaign] = relationship()
    members: Mapped[list[User]] = relationship(secondary=review_level_member, order_by="User.full_name")


class ScorecardState(enum.Enum):
    WAITING = "waiting"        # some line has not yet reached the scorecard's level
    SUBMITTED = "submitted"    # every line waits at ``level``: the level's people sign it off
    APPROVED = "approved"      # signed off at the last scorecard level


class Scorecard(Base):
    """A unit's score lines of a campaign as a whole, for the levels that sign off a scorecard.
    Its state follows its lines (:func:`portal.chain.sync_scorecard`); ``version`` catches
    two people signing off the same scorecard."""

    __tablename__ = "scorecard"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    state: Mapped[ScorecardState] = mapped_column(enum_type(ScorecardState), default=ScorecardState.WAITING)
    level: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[Optional[User]] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ReviewStep(Base):
    """One level's decision on an item or a scorecard: who, when, the figure and the reason.
    Read for the history per level and to show a later level's figure against the earlier one."""

    __tablename__ = "review_step"
    __table_args__ = (sa.Index("ix_review_step_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    level: Mapped[int]
    level_name: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(32))
    score: Mapped[Optional[Decimal]] = mapped_column(Points)
    previous_score: Mapped[Optional[Decimal]] = mapped_column(Points)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Optional[User]] = relationship()


class FinalResult(Base):
    """The campaign's ranking approved as a whole: the official result, locked while ``locked``.
    Unlocking (an administrator, with a reason) is kept as a :class:`ResultCorrection`."""

    __tablename__ = "final_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), unique=True)
    locked: Mapped[bool] = mapped_column(default=True)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    decision_number: Mapped[str] = mapped_column(sa.String(100), default="")
    decision_date: Mapped[Optional[date]]
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    approved_by: Mapped[Optional[User]] = relationship()
    corrections: Mapped[list["ResultCorrection"]] = relationship(
        back_populates="result", order_by="ResultCorrection.unlocked_at", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class ResultCorrection(Base):
    """An unlocking of a final result: who, when and why (shown on the result once approved again)."""

    __tablename__ = "result_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("final_result.id", ondelete="CASCADE"), index=True)
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unlocked_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(sa.Text)

    result: Mapped[FinalResult] = relationship(back_populates="corrections")
    unlocked_by: Mapped[Optional[User]] = relationship()
