"""What the help page says to each role: the steps of the year with their dates (from the campaign's
settings), which step is now, and whom to ask (the HELP_CONTACT setting and the administrators)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import clock
from portal.extensions import db
from portal.models import Campaign, CampaignState, Role, User


ADMIN_STEPS_DONE = {CampaignState.DRAFT: 0, CampaignState.OPEN: 1, CampaignState.SCORING: 2}


@dataclass
class Step:
    text: str
    day: date | None = None
    status: str = "upcoming"  # done (the campaign has moved on), past (its day has gone), current, upcoming


def steps_for(role: Role, campaign: Campaign) -> list[Step]:
    """The role's work through the year, in order; the first step not yet past is the current one."""
    closing = campaign.ceremony_date or campaign.review_end
    if role is Role.UNIT_OFFICER:
        steps = [
            Step(_l("Register your unit's pledges (target and how it will be done, for every criterion) and submit the registration."),
                 campaign.registration_deadline),
            Step(_l("Report the results of every criterion: progress notes, evidence (files or document numbers) and the self-score; submit them for review."),
                 campaign.reporting_deadline),
            Step(_l("Answer returned items: read the reviewer's comment, correct and submit again; nominate your unit or its people for awards with the dossier documents."),
                 campaign.review_end),
        ]
    elif role is Role.REVIEWER:
        steps = [
            Step(_l("Accept or return the units' pledge registrations."), campaign.registration_deadline),
            Step(_l("Review submitted scores and evidence in the approval queue: approve, adjust with a reason, or return with a comment."),
                 campaign.review_end),
            Step(_l("Forward complete award nominations to the council."), campaign.review_end),
        ]
    elif role is Role.COUNCIL:
        steps = [
            Step(_l("Read the nominations forwarded to the council and vote (agree, disagree or abstain); you can change your vote until the vote closes."),
                 closing),
        ]
    else:
        steps = [
            Step(_l("Check the campaign's settings, criteria, award types, units and accounts, then open the campaign so the units can register."),
                 campaign.registration_deadline),
            Step(_l("Move the campaign to scoring; follow the reviewers' work and the reminders."), campaign.reporting_deadline),
            Step(_l("Close the council's votes and record the award decisions; publish the scoreboard."), campaign.review_end),
            Step(_l("Run the ceremony screen, then close the campaign: its results are then locked."), closing),
        ]
    # The administrator's steps are done by moving the campaign on, whatever the date.
    done_by_state = len(steps) if role is Role.ADMIN and campaign.state is CampaignState.CLOSED else \
        ADMIN_STEPS_DONE.get(campaign.state, 0) if role is Role.ADMIN else 0
    today = clock.today()
    current_found = False
    for index, step in enumerate(steps):
        if index < done_by_state:
            step.status = "done"
        elif step.day is not None and step.day < today:
            step.status = "past"
        elif not current_found:
            step.status, current_found = "current", True
    return steps


def administrators() -> list[User]:
    return list(db.session.execute(sa.select(User).where(User.role == Role.ADMIN, User.active.is_(True))
                                   .order_by(User.full_name)).scalars())
