"""Finding the campaign people are working on."""
from __future__ import annotations

from flask import abort

from portal.extensions import db
from portal.models import Campaign


def current_campaign() -> Campaign | None:
    """The campaign marked current, else the latest by year."""
    return db.session.execute(
        db.select(Campaign).order_by(Campaign.is_current.desc(), Campaign.year.desc()).limit(1)
    ).scalar_one_or_none()


def current_campaign_or_404() -> Campaign:
    """For views: the current campaign, or "not found" when none has been set up."""
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign
