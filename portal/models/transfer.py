"""An uploaded set of reference files, kept on the server between the preview and the confirmation."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class ReferenceUpload(Base):
    """The rows read from the administrator's files (never the client's copy): the confirmation
    reads them back by the random token and the administrator's id, validates them again, applies
    them, and removes the upload. Uploads left unconfirmed are swept after a day."""

    __tablename__ = "reference_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    tables: Mapped[dict] = mapped_column(sa.JSON)  # kind -> {"file", "columns", "rows": [[line, {column: text}]]}
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
