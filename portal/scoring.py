"""The rules of a score line: how a score is read, and when a line may still change.

Shared by the unit's workspace, the evidence that backs a line and the reviewers' decisions, so
it sits below all three.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from portal.access import ended_unit_message
from portal.formatting import fmt_date, fmt_points
from portal.labels import label
from portal.models import Campaign, CampaignState, Criterion, ScoreLine, ScoreState, Unit
from portal.parsing import parse_decimal
from portal.workflow import WorkflowError, ensure_campaign_open_for_changes

STEP = Decimal("0.25")


def check_campaign_open(campaign: Campaign) -> None:
    ensure_campaign_open_for_changes(campaign)
    if campaign.state is not CampaignState.OPEN:
        raise WorkflowError(_("The campaign is not open for changes."))


def parse_score(raw: str | None, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """(score, None) or (None, message). Accepts a decimal comma ("7,5") as well as a point."""
    if not (raw or "").strip():
        return None, None
    try:
        score = parse_decimal(raw)
    except ValueError:
        return None, _("Enter a number, for example 7,5.")
    if score < 0:
        return None, _("The score cannot be negative.")
    if score > criterion.max_points:
        return None, _("The score cannot be above the maximum of %(max)s.", max=fmt_points(criterion.max_points))
    if score % STEP:
        return None, _("Scores go in steps of 0,25 (for example 7, 7,25, 7,5 or 7,75).")
    return score, None


def check_unit_working(unit: Unit, today: date) -> None:
    """An ended unit's pledges and scores are read-only (its officers see the record, not the forms)."""
    if unit.has_ended(today):
        raise WorkflowError(ended_unit_message(unit))


def check_score_editable(line: ScoreLine, campaign: Campaign, today: date) -> None:
    check_campaign_open(campaign)
    check_unit_working(line.unit, today)
    if line.state not in (ScoreState.DRAFT, ScoreState.RETURNED):
        raise WorkflowError(_("This score line is “%(state)s” and is read-only until a reviewer returns it.",
                              state=label(line.state)))
    deadline = line.criterion.reporting_deadline(campaign)
    if line.state is ScoreState.DRAFT and today > deadline:
        raise WorkflowError(_("The reporting deadline (%(day)s) has passed; nothing can be submitted any more.",
                              day=fmt_date(deadline)))
    if line.state is ScoreState.RETURNED and today > campaign.review_end:
        raise WorkflowError(_("The review period ended on %(day)s.", day=fmt_date(campaign.review_end)))
