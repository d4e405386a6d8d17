"""Units and the clusters they are ranked in."""
from __future__ import annotations

import enum
from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, TimestampMixin, enum_type


class UnitKind(enum.Enum):
    PROVINCIAL_BOARD = "provincial_board"
    CITY_COMMITTEE = "city_committee"
    DISTRICT_COMMITTEE = "district_committee"
    PROVINCIAL_COMMITTEE = "provincial_committee"


class Cluster(TimestampMixin, Base):
    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    units: Mapped[list["Unit"]] = relationship(back_populates="cluster", order_by="Unit.code")

    def __repr__(self) -> str:
        return f"<Cluster {self.code}>"


class Unit(TimestampMixin, Base):
    __tablename__ = "unit"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind))
    cluster_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("cluster.id"), index=True)
    valid_from: Mapped[date]
    valid_to: Mapped[Optional[date]]

    cluster: Mapped[Optional[Cluster]] = relationship(back_populates="units")

    @property
    def is_ranked(self) -> bool:
        """The provincial board runs the campaign; it is not ranked."""
        return self.kind is not UnitKind.PROVINCIAL_BOARD


    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
