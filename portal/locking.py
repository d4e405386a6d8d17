"""Reopening a closed campaign: the only way a closed campaign's data may change again.

The lock itself is :func:`portal.workflow.ensure_campaign_open_for_changes`, called by every
service that writes campaign data.  Reopening needs an administrator and a reason, moves the
campaign back to scoring and is written to the audit chain with that reason.  The scoreboard's
counter moves on, so cached tables and ceremony screens stop showing "final".
"""
from __future__ import annotations

from flask_babel import gettext as _

from portal import live
from portal.access import Denied
from portal.audit.services import append
from portal.extensions import db
from portal.models import Campaign, CampaignState, Role, User
from portal.workflow import WorkflowError

REASON_MAX = 1000


def reopen_campaign(campaign: Campaign, admin: User, reason: str | None) -> Campaign:
    """Move a closed campaign back to scoring, for ``admin``, with ``reason`` in the audit chain."""
    if admin is None or admin.role is not Role.ADMIN:
        raise Denied(403)
    text = (reason or "").strip()
    if not text:
        raise WorkflowError(_("Give the reason for reopening the campaign."), 422, field="reason")
    if len(text) > REASON_MAX:
        raise WorkflowError(_("At most %(n)s characters.", n=REASON_MAX), 422, field="reason")
    if campaign.state is not CampaignState.CLOSED:
        raise WorkflowError(_("Only a closed campaign can be reopened."))
    from_state = campaign.state
    campaign.state = CampaignState.SCORING
    append("reopen", "campaign", campaign.id, admin, from_state=from_state.value, to_state=campaign.state.value,
           after={"reason": text})
    live.bump(live.SCOREBOARD)
    db.session.flush()
    return campaign
