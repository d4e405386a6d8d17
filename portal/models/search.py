"""The search index: one row per searchable object, with its text folded for Vietnamese-insensitive
matching (portal.search.text). Kept up to date by portal.search.index on every flush; the
database-specific part (SQLite FTS5, PostgreSQL trigrams) is in portal.search.backend."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class SearchEntry(Base):
    __tablename__ = "search_entry"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id"),
        sa.Index("ix_search_entry_scope", "kind", "campaign_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))         # unit, criterion, evidence, nomination, comment
    object_id: Mapped[int]
    # Who may find it is decided on these columns in the query itself (portal.search.services).
    unit_id: Mapped[Optional[int]]
    campaign_id: Mapped[Optional[int]]
    council_visible: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.Text)                # normalised: " word word …" with a leading space
