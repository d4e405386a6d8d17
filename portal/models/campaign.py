"""A year's emulation campaign, its criteria tree and its award types."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, Points, TimestampMixin, enum_type


class CampaignState(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    SCORING = "scoring"
    CLOSED = "closed"


class Classification(enum.Enum):
    """Ordered best first; see :data:`CLASSIFICATION_ORDER`."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


CLASSIFICATION_ORDER = [
    Classification.EXCELLENT,
    Classification.GOOD,
    Classification.COMPLETED,
    Classification.NOT_COMPLETED,
]


class TieBreak(enum.Enum):
    BONUS_THEN_DEDUCTIONS = "bonus_then_deductions"
    NONE = "none"


def _portal_setting(name: str):
    """A column default taken from the portal's settings (``ORGANIZATION_NAME`` …), never from code."""
    def default() -> str:
        return current_app.config.get(name, "") if has_app_context() else ""
    return default


class Campaign(TimestampMixin, Base):
    __tablename__ = "campaign"
    __table_args__ = (
        sa.CheckConstraint(
            "threshold_excellent >= threshold_good AND threshold_good >= threshold_completed",
            name="thresholds_ordered",
        ),
        sa.CheckConstraint(
            "registration_deadline <= reporting_deadline AND reporting_deadline <= review_end",
            name="dates_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    theme: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[CampaignState] = mapped_column(enum_type(CampaignState), default=CampaignState.DRAFT)
    is_current: Mapped[bool] = mapped_column(default=False)
    scale: Mapped[Decimal] = mapped_column(Points, default=Decimal(100))
    registration_deadline: Mapped[date]
    reporting_deadline: Mapped[date]
    review_end: Mapped[date]
    ceremony_date: Mapped[Optional[date]]
    threshold_excellent: Mapped[Decimal] = mapped_column(Points, default=Decimal(90))
    threshold_good: Mapped[Decimal] = mapped_column(Points, default=Decimal(70))
    threshold_completed: Mapped[Decimal] = mapped_column(Points, default=Decimal(50))
    tie_break: Mapped[TieBreak] = mapped_column(enum_type(TieBreak), default=TieBreak.BONUS_THEN_DEDUCTIONS)
    # The organisation running the campaign, as printed on documents (data, never template text).
    organization_name: Mapped[str] = mapped_column(sa.String(300), default=_portal_setting("ORGANIZATION_NAME"))
    organization_place: Mapped[str] = mapped_column(sa.String(200), default=_portal_setting("ORGANIZATION_PLACE"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="campaign", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    award_types: Mapped[list["AwardType"]] = relationship(
        back_populates="campaign", order_by="AwardType.position", cascade="all, delete-orphan"
    )

    def classify(self, total: Decimal) -> Classification:
        if total >= self.threshold_excellent:
            return Classification.EXCELLENT
        if total >= self.threshold_good:
            return Classification.GOOD
        if total >= self.threshold_completed:
            return Classification.COMPLETED
        return Classification.NOT_COMPLETED

    def deadlines(self) -> list[tuple[str, date]]:
        """(key, date) pairs in cycle order; labels are translated by the templates."""
        pairs = [
            ("registration", self.registration_deadline),
            ("reporting", self.reporting_deadline),
            ("review", self.review_end),
        ]
        if self.ceremony_date:
            pairs.append(("ceremony", self.ceremony_date))
        return pairs

    def __repr__(self) -> str:
        return f"<Campaign {self.year}>"


class CriterionKind(enum.Enum):
    GROUP = "group"
    ITEM = "item"
    BONUS_GROUP = "bonus_group"
    BONUS = "bonus"
    DEDUCTION_GROUP = "deduction_group"
    DEDUCTION = "deduction"

    @property
    def is_group(self) -> bool:
        return self in GROUP_OF.values()


# The group kind each leaf kind must hang under.
GROUP_OF = {
    CriterionKind.ITEM: CriterionKind.GROUP,
    CriterionKind.BONUS: CriterionKind.BONUS_GROUP,
    CriterionKind.DEDUCTION: CriterionKind.DEDUCTION_GROUP,
}


class Criterion(TimestampMixin, Base):
    """A node of the criteria tree. Groups carry the cap of their children in ``max_points``."""

    __tablename__ = "criterion"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "code"),
        sa.CheckConstraint("max_points >= 0", name="max_points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("criterion.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[CriterionKind] = mapped_column(enum_type(CriterionKind))
    title: Mapped[str] = mapped_column(sa.Text)
    max_points: Mapped[Decimal] = mapped_column(Points)
    evidence_required: Mapped[bool] = mapped_column(default=False)
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # The item's own reporting deadline where it differs from the campaign's (earlier or later).
    deadline: Mapped[Optional[date]]
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")
    parent: Mapped[Optional["Criterion"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Criterion"]] = relationship(back_populates="parent", order_by="Criterion.position")

    def reporting_deadline(self, campaign: Campaign) -> date:
        """The last day results can be submitted for this item: its own deadline, else the campaign's."""
        return self.deadline or campaign.reporting_deadline

    def __repr__(self) -> str:
        return f"<Criterion {self.code}>"


class NomineeKind(enum.Enum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


class AwardLevel(enum.Enum):
    SECTOR = "sector"
    PROVINCE = "province"
    CENTRAL = "central"


class VoteDenominator(enum.Enum):
    ALL_MEMBERS = "all_members"
    VOTERS = "voters"


class AwardType(TimestampMixin, Base):
    __tablename__ = "award_type"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "code"),
        sa.CheckConstraint(
            "vote_threshold_percent > 0 AND vote_threshold_percent <= 100", name="threshold_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(300))
    nominee: Mapped[NomineeKind] = mapped_column(enum_type(NomineeKind))
    level: Mapped[AwardLevel] = mapped_column(enum_type(AwardLevel))
    rule_cluster_rank_max: Mapped[Optional[int]]
    rule_min_classification: Mapped[Optional[Classification]] = mapped_column(enum_type(Classification))
    rule_max_per_cluster: Mapped[Optional[int]]
    rule_min_service_years: Mapped[Optional[int]]
    rule_consecutive_excellent_years: Mapped[Optional[int]]
    vote_threshold_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    vote_denominator: Mapped[VoteDenominator] = mapped_column(
        enum_type(VoteDenominator), default=VoteDenominator.ALL_MEMBERS
    )
    required_documents: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship(back_populates="award_types")

    def __repr__(self) -> str:
        return f"<AwardType {self.code}>"
