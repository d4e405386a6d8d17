"""Finding the campaign people are working on."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app
from flask_babel import gettext as _
from flask_login import current_user

from portal import live
from portal.audit.services import append
from portal.criteria_rules import Node, check_sums
from portal.extensions import db
from portal.formatting import fmt_points
from portal.labels import label
from portal.models import AwardType, Campaign, CampaignState, Criterion, ReviewLevel, Role
from portal.workflow import CURRENT_CAMPAIGN_ORDER, Conflict, WorkflowError, ensure_result_unlocked, is_earlier_year

DATE_FIELDS = ("registration_deadline", "reporting_deadline", "review_end", "ceremony_date")
ORGANISATION_FIELDS = ("organization_name", "organization_place")


def current_campaign() -> Campaign | None:
    """The campaign marked current, else the latest by year."""
    return db.session.execute(
        db.select(Campaign).order_by(*CURRENT_CAMPAIGN_ORDER).limit(1)
    ).scalar_one_or_none()


def current_campaign_or_404() -> Campaign:
    """For views: the current campaign as the signed-in user may see it (:func:`campaign_for`),
    or "not found" when none has been set up (or, for a unit officer, it is still a draft)."""
    campaign = campaign_for(current_user)
    if campaign is None:
        abort(404)
    return campaign


@dataclass(frozen=True)
class Organization:
    """The organisation that runs a campaign, as the header, the sign-in page and printed pages name it."""

    name: str
    place: str


def portal_organization() -> Organization:
    """The portal's own setting (``ORGANIZATION_NAME``/``ORGANIZATION_PLACE``): before any campaign exists,
    and on error pages, which read nothing from the database."""
    return Organization(current_app.config.get("ORGANIZATION_NAME") or "",
                        current_app.config.get("ORGANIZATION_PLACE") or "")


def organization(campaign: Campaign | None = None) -> Organization:
    """The organisation of ``campaign`` (a page about an earlier year prints that year's), else of the
    current campaign, else the portal's setting."""
    campaign = campaign or current_campaign()
    if campaign is None or not campaign.organization_name:
        return portal_organization()
    return Organization(campaign.organization_name, campaign.organization_place)


# --- Visibility ---------------------------------------------------------------------------------

def _visible(campaign: Campaign | None, user) -> Campaign | None:
    """Unit officers see a campaign only from ``open`` on (a ``draft`` is still being prepared by the
    administrators); everyone else sees every campaign."""
    if campaign is None or user is None or not getattr(user, "is_authenticated", False):
        return campaign
    if user.role is Role.UNIT_OFFICER and campaign.state is CampaignState.DRAFT:
        return None
    return campaign


def campaign_for(user, year: int | None = None) -> Campaign | None:
    """The campaign ``user`` asked for: the current one, or the campaign of ``year`` (an earlier
    year is read only: :func:`portal.workflow.is_earlier_year`); None when there is none or the user may not see it."""
    if year is None:
        return _visible(current_campaign(), user)
    campaign = db.session.execute(db.select(Campaign).where(Campaign.year == year)).scalar_one_or_none()
    return _visible(campaign, user)


def campaigns_for(user) -> list[Campaign]:
    """Every campaign ``user`` may switch to, latest year first (drafts hidden from unit officers)."""
    campaigns = db.session.execute(db.select(Campaign).order_by(Campaign.year.desc())).scalars().all()
    return [c for c in campaigns if _visible(c, user) is not None]


# --- Administration -----------------------------------------------------------------------------

# The allowed moves: action name -> (source state, target state).
TRANSITIONS: dict[str, tuple[CampaignState, CampaignState]] = {
    "open": (CampaignState.DRAFT, CampaignState.OPEN),
    "start_scoring": (CampaignState.OPEN, CampaignState.SCORING),
    "close": (CampaignState.SCORING, CampaignState.CLOSED),
}

FIRST_YEAR, LAST_YEAR = 2000, 2100


def allowed_transitions(campaign: Campaign) -> list[str]:
    """The actions possible from the campaign's present state (for showing buttons)."""
    return [name for name, (source, _target) in TRANSITIONS.items() if campaign.state is source]


def _audit(campaign: Campaign, action: str, admin, from_state: CampaignState | None = None,
           before: dict | None = None, after: dict | None = None) -> None:
    db.session.flush()
    append(action, "campaign", campaign.id, admin, from_state=(from_state or campaign.state).value,
           to_state=campaign.state.value, before=before, after=after)


def _move(campaign: Campaign, action: str, admin) -> Campaign:
    source, target = TRANSITIONS[action]
    if campaign.state is not source:
        raise WorkflowError(_("The campaign %(year)d is %(state)s; this step is not possible from there. "
                              "Nothing was changed.", year=campaign.year, state=label(campaign.state)))
    campaign.state = target
    _audit(campaign, f"campaign_{action}", admin, from_state=source)
    live.bump(live.SCOREBOARD)  # open screens follow (a closed campaign's results are shown as final)
    return campaign


# Called in the same transaction when a campaign opens (the workspaces listen; this module cannot
# import them: they build on it).
_open_listeners: list[Callable[[Campaign], object]] = []


def on_open(listener: Callable[[Campaign], object]) -> None:
    if listener not in _open_listeners:
        _open_listeners.append(listener)


def open_campaign(campaign: Campaign, admin) -> Campaign:
    """draft → open: unit officers see the campaign and can register their pledges — only once its
    criteria add up (the rules of the import, :func:`portal.criteria_rules.check_sums`). Every unit
    with an active officer gets its workspace at once, so reminders and dashboards find it."""
    nodes = [Node(c.code, c.kind, c.max_points, c.parent.code if c.parent else None) for c in campaign.criteria]
    problems = check_sums(nodes, campaign.scale, number=fmt_points)
    if problems:
        raise WorkflowError(_("The criteria do not add up yet (%(problems)s); correct them on the criteria page "
                              "before opening the campaign. Nothing was changed.",
                              problems="; ".join(p.message for p in problems)))
    _move(campaign, "open", admin)
    for listener in _open_listeners:
        listener(campaign)
    return campaign


def start_scoring(campaign: Campaign, admin) -> Campaign:
    """open → scoring: the campaign moves to self-scoring and review."""
    return _move(campaign, "start_scoring", admin)


def close_campaign(campaign: Campaign, admin) -> Campaign:
    """scoring → closed: sets the state and writes the audit event, nothing more.

    The consequences of a closed campaign (the lock on every change, reopening with a reason)
    belong to the closing area, which builds on this function; keep this the single place that
    moves a campaign to ``closed``."""
    return _move(campaign, "close", admin)


TRANSITION_CALLS = {"open": open_campaign, "start_scoring": start_scoring, "close": close_campaign}


def set_current(campaign: Campaign, admin) -> Campaign:
    """Mark ``campaign`` as the one people work on (and no other)."""
    previous = db.session.execute(db.select(Campaign).where(Campaign.is_current.is_(True))).scalars().all()
    for other in previous:
        if other.id != campaign.id:
            other.is_current = False
    db.session.flush()
    campaign.is_current = True
    _audit(campaign, "campaign_set_current", admin,
           before={"current": [c.year for c in previous]}, after={"current": [campaign.year]})
    return campaign


def shift_years(day: date | None, years: int) -> date | None:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


CAMPAIGN_COPIED = ("name", "theme", "scale", "threshold_excellent", "threshold_good", "threshold_completed",
                   "tie_break")
CRITERION_COPIED = ("code", "kind", "title", "max_points", "evidence_required", "guidance", "position")
AWARD_TYPE_COPIED = ("code", "name", "nominee", "level", "rule_cluster_rank_max", "rule_min_classification",
                     "rule_max_per_cluster", "rule_min_service_years", "rule_consecutive_excellent_years",
                     "vote_threshold_percent", "vote_denominator", "position")


def check_new_year(year: int | None) -> int:
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise WorkflowError(_("Enter a year from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                            status=422, field="year")
    taken = db.session.execute(db.select(Campaign.id).where(Campaign.year == year)).first()
    if taken:
        raise WorkflowError(_("A campaign for %(year)d exists already.", year=year), status=422, field="year")
    return year


def copy_campaign(source: Campaign, year: int, admin) -> Campaign:
    """A new ``draft`` campaign for ``year`` with the source's criteria tree (positions and parents),
    award types with every rule, review levels with their members, thresholds, tie-break, scale and
    texts; dates shifted by whole years.
    Clusters and units are not per campaign: they stay as they are and serve both years.
    The source is only read. Runs inside the caller's transaction (``perform``)."""
    check_new_year(year)
    years = year - source.year
    copy = Campaign(year=year, state=CampaignState.DRAFT, is_current=False,
                    **{field: getattr(source, field) for field in CAMPAIGN_COPIED + ORGANISATION_FIELDS})
    copy.name = copy.name.replace(str(source.year), str(year))
    for field in DATE_FIELDS:
        setattr(copy, field, shift_years(getattr(source, field), years))
    db.session.add(copy)
    db.session.flush()
    new_ids: dict[int, Criterion] = {}
    pending = sorted(source.criteria, key=lambda c: (c.parent_id is not None, c.position, c.id))
    for criterion in pending:  # groups (no parent) first, so every parent exists before its children
        clone = Criterion(campaign=copy, deadline=shift_years(criterion.deadline, years),
                          **{f: getattr(criterion, f) for f in CRITERION_COPIED})
        if criterion.parent_id is not None:
            clone.parent = new_ids[criterion.parent_id]
        new_ids[criterion.id] = clone
        db.session.add(clone)
    for award in source.award_types:
        db.session.add(AwardType(campaign=copy, required_documents=list(award.required_documents or []),
                                 **{f: getattr(award, f) for f in AWARD_TYPE_COPIED}))
    levels = db.session.execute(db.select(ReviewLevel).where(ReviewLevel.campaign_id == source.id)
                                .order_by(ReviewLevel.position)).scalars()
    for level in levels:
        db.session.add(ReviewLevel(campaign_id=copy.id, position=level.position, name=level.name, scope=level.scope,
                                   members=list(level.members)))
    _audit(copy, "campaign_copied", admin, after={"from_year": source.year, "year": year})
    return copy


# The settings the ranking is computed from: they change only while the final result is not locked.
RANKING_BASIS = ("scale", "threshold_excellent", "threshold_good", "threshold_completed", "tie_break")


def update_campaign(campaign: Campaign, values: dict, version: int, admin) -> Campaign:
    """Save the edited settings (already validated by the form); a stale ``version`` is a conflict."""
    if version != campaign.version:
        raise Conflict()
    before = {k: _plain(getattr(campaign, k)) for k in values}
    if any(k in RANKING_BASIS and before[k] != _plain(v) for k, v in values.items()):
        ensure_result_unlocked(campaign)  # the approved ranking's classifications and order stay as approved
    for key, value in values.items():
        setattr(campaign, key, value)
    changed = {k: _plain(v) for k, v in values.items() if before[k] != _plain(v)}
    _audit(campaign, "campaign_edited", admin, before={k: before[k] for k in changed}, after=changed)
    return campaign


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return str(value) if value is not None and not isinstance(value, str) else value
