"""Small builders shared by the scoreboard tests."""
from __future__ import annotations

import threading
from decimal import Decimal

import sqlalchemy as sa

from portal import live
from portal.extensions import db
from portal.models import Criterion, ScoreLine, ScoreState, Unit
from portal.workspace.services import ensure_workspace

SCORED = ["1.1", "1.2", "2.1", "2.2", "2.3"]  # a few of the 22 scored items of the 2025 set


def unit(code: str) -> Unit:
    return db.session.execute(sa.select(Unit).where(Unit.code == code)).scalar_one()


def set_lines(target: Unit, campaign, scores: dict[str, tuple], *, everything_else: ScoreState | None = None) -> None:
    """scores: item code → (approved score or None, state).  ``everything_else`` approves (with 0) or
    otherwise sets every other scored item of the unit, to build complete or nearly complete scorecards."""
    ensure_workspace(target, campaign)
    lines = db.session.execute(sa.select(ScoreLine, Criterion.code).join(Criterion).where(
        ScoreLine.unit_id == target.id, ScoreLine.campaign_id == campaign.id)).all()
    for line, code in lines:
        if code in scores:
            approved, state = scores[code]
        elif everything_else is not None and not code.startswith(("B", "D")):
            approved, state = (0 if everything_else is ScoreState.APPROVED else None), everything_else
        else:
            continue
        line.approved_score = None if approved is None else Decimal(str(approved))
        line.self_score = Decimal(str(approved or 0))
        line.state = state
    live.bump(live.SCOREBOARD)
    db.session.commit()


def in_parallel(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released at the same moment; their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
