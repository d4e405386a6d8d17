"""The scoreboard's state: publication, freeze and reveal; display links for the ceremony screen;
and the rendered tables, cached in the database by version (shared by every worker)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class ScoreboardState(Base):
    __tablename__ = "scoreboard_state"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    published: Mapped[bool] = mapped_column(default=False)
    frozen_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    frozen_standings: Mapped[Optional[list]] = mapped_column(sa.JSON)
    reveal_step: Mapped[int] = mapped_column(default=0)  # 0: nothing revealed yet (ceremony not started)


class DisplayLink(Base):
    """An unguessable link for a projector PC; only the SHA-256 of its token is stored."""

    __tablename__ = "display_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class RenderedScoreboard(Base):
    """A table rendered once for a version of the scores; every worker serves it from here."""

    __tablename__ = "rendered_scoreboard"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "variant", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    variant: Mapped[str] = mapped_column(sa.String(40))
    version: Mapped[int] = mapped_column(sa.BigInteger)
    html: Mapped[str] = mapped_column(sa.Text)
    html_gzip: Mapped[bytes] = mapped_column(sa.LargeBinary)  # what browsers get: compressed once, not per request
    ranks: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
