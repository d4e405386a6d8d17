"""Eligibility rules of an award type checked against the unit's record, one row per rule.

Each rule answers met / not met / unknown with the figures; a rule that is not met blocks
submission (all rules of the 2025 award types are hard); unknown only warns."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.awards.rules import requirement
from portal.extensions import db
from portal.history.services import final_classifications
from portal.labels import label
from portal.models import CLASSIFICATION_ORDER, Campaign, Classification, Nomination, NominationState, Unit
from portal.scoreboard.ranking import compute_standings

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
# Nominations that use up a cluster's quota (a returned or rejected one gives its place back).
COUNTED = (NominationState.SUBMITTED, NominationState.FORWARDED, NominationState.APPROVED, NominationState.AWARDED)


@dataclass
class RuleResult:
    rule: str
    requirement: str
    actual: str
    outcome: str

    @property
    def blocks(self) -> bool:
        return self.outcome == NOT_MET


def _standing(nomination: Nomination):
    standings = compute_standings(db.session.get(Campaign, nomination.campaign_id))
    return next((s for s in standings.units if s.unit.id == nomination.unit_id), None)


def check(nomination: Nomination) -> list[RuleResult]:
    award = nomination.award_type
    results: list[RuleResult] = []
    standing = None
    if award.rule_cluster_rank_max or award.rule_min_classification:
        standing = _standing(nomination)
    if award.rule_cluster_rank_max:
        if standing is None or standing.total_items == 0 or standing.approved_items == 0:
            results.append(RuleResult("cluster_rank", requirement("rule_cluster_rank_max", award.rule_cluster_rank_max),
                                      _("no approved score yet"), UNKNOWN))
        elif not standing.complete:  # a rank from a scorecard still under review may change
            results.append(RuleResult(
                "cluster_rank", requirement("rule_cluster_rank_max", award.rule_cluster_rank_max),
                _("provisional rank %(n)s (%(a)s of %(t)s items reviewed)", n=standing.cluster_rank,
                  a=standing.approved_items, t=standing.total_items), UNKNOWN))
        else:
            results.append(RuleResult(
                "cluster_rank", requirement("rule_cluster_rank_max", award.rule_cluster_rank_max),
                _("rank %(n)s", n=standing.cluster_rank),
                MET if standing.cluster_rank <= award.rule_cluster_rank_max else NOT_MET))
    if award.rule_min_classification:
        wanted = award.rule_min_classification
        if standing is None or standing.approved_items == 0:
            results.append(RuleResult("classification", requirement("rule_min_classification", wanted),
                                      _("no approved score yet"), UNKNOWN))
        elif not standing.complete:  # a unit is classified only once its scorecard is fully reviewed
            results.append(RuleResult("classification", requirement("rule_min_classification", wanted),
                                      _("not yet classifiable (%(a)s of %(t)s items reviewed)",
                                        a=standing.approved_items, t=standing.total_items), UNKNOWN))
        else:
            ok = CLASSIFICATION_ORDER.index(standing.classification) <= CLASSIFICATION_ORDER.index(wanted)
            results.append(RuleResult("classification", requirement("rule_min_classification", wanted),
                                      label(standing.classification), MET if ok else NOT_MET))
    if award.rule_max_per_cluster:
        used = db.session.scalar(sa.select(sa.func.count(Nomination.id)).join(Unit, Unit.id == Nomination.unit_id).where(
            Nomination.award_type_id == award.id, Nomination.id != nomination.id, Nomination.state.in_(COUNTED),
            Unit.cluster_id == nomination.unit.cluster_id)) or 0
        results.append(RuleResult("quota", requirement("rule_max_per_cluster", award.rule_max_per_cluster),
                                  _("%(n)s already used in the cluster", n=used),
                                  MET if used < award.rule_max_per_cluster else NOT_MET))
    if award.rule_min_service_years:
        years = nomination.service_years
        results.append(RuleResult("service", requirement("rule_min_service_years", award.rule_min_service_years),
                                  _("not given") if years is None else _("%(n)s years", n=years),
                                  UNKNOWN if years is None else (MET if years >= award.rule_min_service_years else NOT_MET)))
    if award.rule_consecutive_excellent_years:
        n = award.rule_consecutive_excellent_years
        campaign = db.session.get(Campaign, nomination.campaign_id)
        years = range(campaign.year - n, campaign.year)
        past = final_classifications(nomination.unit, list(years))  # the same record as the unit's history page
        missing = _("no final result")
        shown = ", ".join(f"{y}: {label(past[y]) if y in past else missing}" for y in years)
        if any(past.get(y) not in (None, Classification.EXCELLENT) for y in years):
            outcome = NOT_MET
        elif all(y in past for y in years):
            outcome = MET
        else:
            outcome = UNKNOWN
        results.append(RuleResult("excellent_years", requirement("rule_consecutive_excellent_years", n), shown, outcome))
    return results
