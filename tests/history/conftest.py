"""Earlier years: a 2024 campaign copied from the real 2025 data, with its own scores."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.campaign.services import copy_campaign
from portal.extensions import db
from portal.models import (Campaign, CampaignState, Criterion, CriterionKind, ScoreboardState, ScoreLine, ScoreState,
                           Role)
from portal.workspace.services import ensure_workspace
from tests import factories


def approve_year(unit, campaign, fraction=Decimal(1)):
    """Approved scores on every item of ``campaign`` for ``unit`` (fraction of each maximum)."""
    ensure_workspace(unit, campaign)
    lines = db.session.execute(sa.select(ScoreLine).join(Criterion).where(
        ScoreLine.unit_id == unit.id, ScoreLine.campaign_id == campaign.id,
        Criterion.kind == CriterionKind.ITEM)).scalars().all()
    for line in lines:
        line.self_score = line.approved_score = (line.criterion.max_points * fraction).quantize(Decimal("0.25"))
        line.state = ScoreState.APPROVED
    db.session.flush()


def earlier_year(source, year, state=CampaignState.CLOSED, published=True) -> Campaign:
    """A copy of ``source`` for ``year`` (criteria and award types), in ``state``, board published."""
    campaign = copy_campaign(source, year, factories.gen_user(role=Role.ADMIN))
    campaign.state = state
    db.session.add(ScoreboardState(campaign_id=campaign.id, published=published, reveal_step=0))
    db.session.flush()
    return campaign


def exist_since(*units, year=2023):
    for unit in units:
        unit.valid_from = date(year, 1, 1)
    db.session.flush()


@pytest.fixture
def year_2024(campaign, units):
    """2024, closed and published: Biên Hòa excellent (100), Long Khánh good (75); 2025 is current."""
    exist_since(*units)
    c2024 = earlier_year(campaign, 2024)
    approve_year(units[0], c2024)
    approve_year(units[1], c2024, Decimal("0.75"))
    db.session.add(ScoreboardState(campaign_id=campaign.id, published=True, reveal_step=0))
    db.session.commit()
    return c2024
