"""A unit's record across the years: one function, read by the unit's history page and by the
"rated excellent N years in a row" eligibility rule (``portal.nominations.eligibility``), so the
page shows exactly what the rule counts.

A year comes from its campaign's standings (total, rank, classification once the scorecard is
fully reviewed) or, for years before the portal, from the imported classifications
(``PastClassification``, ``flask import-classifications``).  Which classification a year counts
with, best first:

1. a closed campaign's own result (final);
2. the imported classification of that year (final: it was decided outside the portal);
3. a campaign not closed yet, once the unit's scorecard is fully reviewed (provisional: the
   figures may still change, so the eligibility rule does not count it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (AwardType, Campaign, CampaignState, Classification, Nomination, NominationState,
                           PastClassification, Unit)
from portal.scoreboard.ranking import compute_standings

CAMPAIGN, IMPORTED = "campaign", "imported"


@dataclass
class YearRecord:
    year: int
    campaign: Campaign | None = None          # None: a year known only from the imported classifications
    total: Decimal | None = None
    rank: int | None = None
    cluster_rank: int | None = None
    ranked_units: int = 0
    complete: bool = False                    # the scorecard is fully reviewed (so the rank is not provisional)
    classification: Classification | None = None
    final: bool = False                       # the classification can no longer change
    source: str | None = None                 # where the classification comes from: CAMPAIGN or IMPORTED
    awards: list[str] = field(default_factory=list)

    @property
    def has_figures(self) -> bool:
        return self.total is not None


def unit_history(unit: Unit, years: list[int] | None = None) -> list[YearRecord]:
    """The unit's years, oldest first (only ``years`` when given: the eligibility rule asks for a
    few and needs no standings of other campaigns).  Draft campaigns hold no results and are left out."""
    wanted = set(years) if years is not None else None
    campaigns = db.session.execute(
        sa.select(Campaign).where(Campaign.state != CampaignState.DRAFT).order_by(Campaign.year)).scalars().all()
    records: dict[int, YearRecord] = {}
    for campaign in campaigns:
        if wanted is not None and campaign.year not in wanted:
            continue
        standings = compute_standings(campaign)
        standing = next((s for s in standings.units if s.unit.id == unit.id), None)
        if standing is None:  # the unit did not exist (or was not ranked) that year
            continue
        record = YearRecord(campaign.year, campaign, standing.total, standing.rank, standing.cluster_rank,
                            len(standings.units), standing.complete)
        if standing.complete:
            record.classification = standing.classification
            record.final = campaign.state is CampaignState.CLOSED
            record.source = CAMPAIGN
        records[campaign.year] = record
    imported = sa.select(PastClassification.year, PastClassification.classification).where(
        PastClassification.unit_id == unit.id)
    if wanted is not None:
        imported = imported.where(PastClassification.year.in_(wanted))
    for year, classification in db.session.execute(imported).all():
        record = records.setdefault(year, YearRecord(year))
        if not (record.final and record.source == CAMPAIGN):  # a closed campaign's own result comes first
            record.classification, record.final, record.source = classification, True, IMPORTED
    awarded = sa.select(Campaign.year, AwardType.name, Nomination.nominee_name).join(
        Campaign, Campaign.id == Nomination.campaign_id).join(AwardType, AwardType.id == Nomination.award_type_id).where(
        Nomination.unit_id == unit.id, Nomination.state == NominationState.AWARDED).order_by(
        Campaign.year, AwardType.position, Nomination.id)
    for year, award_name, nominee in db.session.execute(awarded).all():
        if year in records:
            records[year].awards.append(f"{award_name} — {nominee}" if nominee else award_name)
    return [records[year] for year in sorted(records)]


def final_classifications(unit: Unit, years: list[int]) -> dict[int, Classification]:
    """The classifications of ``years`` that can no longer change (what eligibility rules count)."""
    return {r.year: r.classification for r in unit_history(unit, years) if r.final and r.classification is not None}
