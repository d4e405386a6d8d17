"""Issue #12: each level's queue is the same queue filtered by level — its query count per page
stays the same whatever the number of rows, at an item level and at a scorecard level."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import LevelScope, QueueItem, Role, Scorecard, ScorecardState, Unit, utcnow
from tests import factories
from tests.chain_helpers import BOARD, COUNCIL, SPECIALISTS, make_chain
from tests.helpers import line_of


def fill(campaign, units, template, n: int) -> None:
    """``n`` score lines at each of levels 1 and 2 (in the scorecard level they are not its queue's),
    and ``n`` scorecards waiting at level 2, spread over the units."""
    db.session.execute(sa.delete(QueueItem))
    db.session.execute(sa.delete(Scorecard))
    now = utcnow()
    # every unit's scorecard; the 500 scorecard rows of the queue name them first, then ids with no
    # row behind them (the page reads the queue rows only, as for score lines)
    cards = [Scorecard(campaign_id=campaign.id, unit_id=unit.id, state=ScorecardState.SUBMITTED, level=2,
                       submitted_at=now) for unit in units]
    db.session.add_all(cards)
    db.session.flush()
    rows = []
    for i in range(n):
        unit = units[i % len(units)]
        for level in (1, 2):
            rows.append({"subject_type": "score_line", "subject_id": 100_000 * level + i, "campaign_id": campaign.id,
                         "unit_id": unit.id, "cluster_id": unit.cluster_id, "task_group_id": template.criterion.parent_id,
                         "criterion_id": template.criterion_id,
                         # a line waiting at the scorecard level is in its unit's scorecard, not in a queue
                         "state": "submitted" if level == 1 else "in_scorecard", "level": level,
                         "submitted_at": now - timedelta(minutes=i), "self_score": Decimal(3), "submissions": 1})
        rows.append({"subject_type": "scorecard", "subject_id": cards[i % len(cards)].id + 100_000 * (i // len(cards)), "campaign_id": campaign.id,
                     "unit_id": unit.id, "cluster_id": unit.cluster_id, "state": "submitted", "level": 2,
                     "submitted_at": now - timedelta(minutes=i), "submissions": 1})
    db.session.execute(sa.insert(QueueItem), rows)
    db.session.commit()


def count_statements(client, url) -> tuple[int, str]:
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
        assert response.status_code == 200, url
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements), response.get_data(as_text=True)


@pytest.mark.parametrize("url,kind", [("/review/?level=1", "score_line"), ("/review/?level=2", "scorecard"),
                                      ("/review/?level=1&state=all&sort=gap", "score_line"),
                                      ("/review/rows?level=2", "scorecard")])
def test_each_levels_queue_costs_the_same_for_10_or_500_rows(client, login_as, campaign, units, url, kind):
    reviewer = login_as(Role.REVIEWER)
    chair = factories.gen_user(role=Role.COUNCIL)
    db.session.commit()
    make_chain(campaign, [(SPECIALISTS, LevelScope.ITEM, [reviewer]), (BOARD, LevelScope.SCORECARD, [reviewer]),
                          (COUNCIL, LevelScope.RANKING, [chair])])
    all_units = db.session.execute(sa.select(Unit).where(Unit.cluster_id.is_not(None))).scalars().all()
    template = line_of(units[0], "1.1")

    import portal.review.queries as queries

    original = queries.PER_PAGE
    try:
        fill(campaign, all_units, template, 10)
        queries.PER_PAGE = 10
        small, small_page = count_statements(client, url)
        fill(campaign, all_units, template, 500)
        queries.PER_PAGE = 500
        large, large_page = count_statements(client, url)
    finally:
        queries.PER_PAGE = original
    assert small == large
    shown = re.findall(r'id="queue-row-([a-z_]+)-\d+"', large_page)
    assert len(shown) == 500 and set(shown) == {kind}  # the level's own rows, all of them on the page
