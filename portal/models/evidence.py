"""Evidence (minh chứng): an uploaded file and/or a reference to an issued document,
attached to a unit's criterion (its commitment and score line)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.campaign import Criterion
from portal.models.user import User


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (
        sa.Index("ix_evidence_sha256", "sha256"),
        sa.Index("ix_evidence_unit_criterion", "unit_id", "criterion_id"),
        sa.CheckConstraint("stored_name IS NOT NULL OR doc_number <> ''", name="file_or_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"))
    # a file
    stored_name: Mapped[Optional[str]] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), default="")
    size: Mapped[Optional[int]] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(100), default="")
    sha256: Mapped[Optional[str]] = mapped_column(sa.String(64))
    # a document reference
    doc_number: Mapped[str] = mapped_column(sa.String(64), default="")
    doc_date: Mapped[Optional[date]]
    doc_issuer: Mapped[str] = mapped_column(sa.String(255), default="")
    title: Mapped[str] = mapped_column(sa.String(500), default="")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criterion: Mapped[Criterion] = relationship()
    uploaded_by: Mapped[User] = relationship()

    @property
    def is_file(self) -> bool:
        return self.stored_name is not None

    @property
    def display_name(self) -> str:
        return self.title or self.original_name or self.doc_number
