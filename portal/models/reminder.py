"""Deadline reminders sent to units and the reviewers' daily digests: each one recorded once.

The unique constraints are what makes ``flask reminders send`` idempotent, also when two runs race:
the second insert of the same reminder does nothing, and only the run whose insert landed sends."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import Unit
from portal.models.user import User


class Reminder(Base):
    """What a unit still lacked before one deadline, at one lead-day step (e.g. 7, 3, 1 days before)."""

    __tablename__ = "reminder"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "unit_id", "deadline_kind", "deadline", "lead_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    deadline_kind: Mapped[str] = mapped_column(sa.String(32))  # "registration" or "reporting"
    deadline: Mapped[date]
    lead_days: Mapped[int]
    missing: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    recipients: Mapped[list] = mapped_column(sa.JSON, default=list)  # e-mail addresses written to
    notified: Mapped[int] = mapped_column(default=0)  # in-portal notifications created
    mail_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    unit: Mapped[Unit] = relationship()


class ReviewDigest(Base):
    """One reviewer's daily list of items waiting longer than the overdue threshold."""

    __tablename__ = "review_digest"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date]
    items: Mapped[list] = mapped_column(sa.JSON, default=list)
    recipients: Mapped[list] = mapped_column(sa.JSON, default=list)
    mail_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[Optional[User]] = relationship()


class ReminderRun(Base):
    """One run of ``flask reminders send`` or ``digest``: when, and what it sent (shown to the
    administrator, so a schedule that stopped running is seen)."""

    __tablename__ = "reminder_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    campaign_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campaign.id", ondelete="SET NULL"))
    reminders: Mapped[int] = mapped_column(default=0)
    digests: Mapped[int] = mapped_column(default=0)
    notifications: Mapped[int] = mapped_column(default=0)
    emails: Mapped[int] = mapped_column(default=0)
    mail_errors: Mapped[int] = mapped_column(default=0)
