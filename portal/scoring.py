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
from portal.workflow import WorkflowError, ensure_campaign_open_for_changes, ensure_result_unlocked

STEP = Decimal("0.25")


def check_campaign_open(campaign: Campaign) -> None:
    ensure_campaign_open_for_changes(campaign)
    if campaign.state is not CampaignState.OPEN:
        raise WorkflowError(_("The campaign is not open for changes."))


def score_examples(maximum: Decimal) -> list[Decimal]:
    """Scores that fit the range 0–maximum, one step apart, around its middle: 2; 2,25; 2,5; 2,75 for a
    maximum of 4, 0; 0,25; 0,5 for 0,5 — so a hint never suggests a score the criterion refuses."""
    maximum = max(Decimal(maximum), Decimal(0))
    base = (maximum / 2).to_integral_value(rounding="ROUND_FLOOR")
    return [base + STEP * i for i in range(4) if base + STEP * i <= maximum] or [Decimal(0)]


def score_hint(maximum: Decimal) -> str:
    """ "2; 2,25; 2,5 or 2,75" in the user's language."""
    examples = [fmt_points(value) for value in score_examples(maximum)]
    if len(examples) == 1:
        return examples[0]
    return _("%(items)s or %(last)s", items="; ".join(examples[:-1]), last=examples[-1])


def parse_score(raw: str | None, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """(score, None) or (None, message). Accepts a decimal comma ("7,5") as well as a point."""
    if not (raw or "").strip():
        return None, None
    try:
        score = parse_decimal(raw)
    except ValueError:
        return None, _("Enter a score from 0 to %(max)s, for example %(example)s.",
                       max=fmt_points(criterion.max_points), example=fmt_points(score_examples(criterion.max_points)[-1]))
    if score < 0:
        return None, _("The score cannot be negative.")
    if score > criterion.max_points:
        return None, _("The score cannot be above the maximum of %(max)s.", max=fmt_points(criterion.max_points))
    if score % STEP:
        return None, _("Scores go in steps of %(step)s, for example %(examples)s.", step=fmt_points(STEP),
                       examples=score_hint(criterion.max_points))
    return score, None


def check_unit_working(unit: Unit, today: date) -> None:
    """An ended unit's pledges and scores are read-only (its officers see the record, not the forms)."""
    if unit.has_ended(today):
        raise WorkflowError(ended_unit_message(unit))


def check_score_editable(line: ScoreLine, campaign: Campaign, today: date) -> None:
    check_campaign_open(campaign)
    ensure_result_unlocked(campaign)  # the approved final result: no score, no evidence changes
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
