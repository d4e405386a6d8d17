"""Review: the approval queue's rows, comment threads, in-portal notifications, the audit chain
and the change counters that make live polling cheap."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, Points, UTCDateTime, utcnow
from portal.models.campaign import Criterion
from portal.models.org import Cluster, Unit
from portal.models.user import User


class QueueItem(Base):
    """One reviewable item (a registration, a score line, later a nomination) as the queue sees it.

    Kept in step with its subject by :func:`portal.workflow.apply`, so the queue filters, sorts,
    counts and pages one indexed table whatever kinds of item exist.
    """

    __tablename__ = "queue_item"
    __table_args__ = (
        sa.UniqueConstraint("subject_type", "subject_id"),
        # Covering indexes: each filter's rows, counts and order come from its index alone.
        sa.Index("ix_queue_item_open", "campaign_id", "state", "submitted_at", "subject_type"),
        sa.Index("ix_queue_item_level", "campaign_id", "state", "level", "submitted_at", "subject_type"),
        sa.Index("ix_queue_item_facets", "campaign_id", "state", "subject_type", "level"),
        # A scorecard level's queue and its counts read the scorecards' rows only: partial indexes,
        # which a query can use only when it names the kind — so they never steer an item level's plan.
        sa.Index("ix_queue_item_scorecard", "campaign_id", "state", "level", "submitted_at",
                 sqlite_where=sa.text("subject_type = 'scorecard'"),
                 postgresql_where=sa.text("subject_type = 'scorecard'")),
        sa.Index("ix_queue_item_scorecard_all", "campaign_id", "submitted_at",
                 sqlite_where=sa.text("subject_type = 'scorecard'"),
                 postgresql_where=sa.text("subject_type = 'scorecard'")),
        sa.Index("ix_queue_item_waiting", "campaign_id", "submitted_at"),
        sa.Index("ix_queue_item_unit", "campaign_id", "unit_id", "state", "level", "submitted_at", "subject_type"),
        sa.Index("ix_queue_item_cluster", "campaign_id", "cluster_id", "state", "level", "submitted_at", "subject_type"),
        sa.Index("ix_queue_item_group", "campaign_id", "task_group_id", "state", "level", "submitted_at", "subject_type"),
        sa.Index("ix_queue_item_gap", "campaign_id", "state", "gap"),
        sa.Index("ix_queue_item_gap_all", "campaign_id", "gap"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    cluster_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("cluster.id"))
    task_group_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("criterion.id"))
    criterion_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("criterion.id"))
    state: Mapped[str] = mapped_column(sa.String(32))
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    self_score: Mapped[Optional[Decimal]] = mapped_column(Points)
    approved_score: Mapped[Optional[Decimal]] = mapped_column(Points)
    # approved − self once decided (negative: the reviewer gave less); 0 otherwise. Stored to sort on.
    gap: Mapped[Decimal] = mapped_column(Points, default=Decimal(0))
    submissions: Mapped[int] = mapped_column(default=0)
    # The review level the item waits at, or was last decided at (1 in a chain of one level).
    level: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[Unit] = relationship()
    cluster: Mapped[Optional[Cluster]] = relationship()
    criterion: Mapped[Optional[Criterion]] = relationship(foreign_keys=[criterion_id])
    decided_by: Mapped[Optional[User]] = relationship()


class Comment(Base):
    """A message in the thread of a reviewable item, between the unit and the reviewers."""

    __tablename__ = "comment"
    __table_args__ = (sa.Index("ix_comment_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class Notification(Base):
    """Something a user should see: an item of theirs was approved, adjusted or returned.
    The text is rendered from ``kind`` and ``data`` in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """Append-only and hash-chained: ``hash`` covers this event's content and ``prev_hash``.
    It is also each item's history."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[Optional[int]]
    unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    from_state: Mapped[Optional[str]] = mapped_column(sa.String(32))
    to_state: Mapped[Optional[str]] = mapped_column(sa.String(32))
    before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    after: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    actor: Mapped[Optional[User]] = relationship()


class Counter(Base):
    """Named change counters ("queue", "scoreboard"): a poll compares one integer, nothing more.
    The "audit" row is also the lock that keeps the audit chain in order."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), default="")
