"""Units and the clusters they are ranked in."""
from __future__ import annotations

import enum
from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.collation import vi_key
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
    # Where the cluster stands in every list of clusters (then by name); the administrator orders them.
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    units: Mapped[list["Unit"]] = relationship(back_populates="cluster", order_by="Unit.code")

    def __repr__(self) -> str:
        return f"<Cluster {self.code}>"

    @staticmethod
    def in_order(items, cluster=lambda item: item):
        """Clusters as every list shows them: the administrator's order, then the Vietnamese order of
        their names (``cluster`` finds the cluster in a row that is not one itself)."""
        return sorted(items, key=lambda item: (cluster(item).position, vi_key(cluster(item).name)))


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
    # The last day the unit worked; from the next day on it has ended (its record stays, read-only).
    valid_to: Mapped[Optional[date]]
    # The unit that took over an ended unit's work (the 2025 restructuring merged units); it may
    # read the ended unit's record.
    successor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    cluster: Mapped[Optional[Cluster]] = relationship(back_populates="units")
    successor: Mapped[Optional["Unit"]] = relationship(remote_side=[id], foreign_keys=[successor_id])

    @property
    def is_ranked(self) -> bool:
        """The provincial board runs the campaign; it is not ranked."""
        return self.kind is not UnitKind.PROVINCIAL_BOARD

    def has_ended(self, today: date) -> bool:
        """Ended before ``today``: ``valid_to`` is its last working day."""
        return self.valid_to is not None and self.valid_to < today

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
