"""Benchmark: the approval queue over 100,000 items across 1,000 units.

    .venv/bin/python bench/review_queue.py [--items 100000] [--units 1000] [--repeat 50] [--levels 3]

Prints, per request measured in-process (server time, no network): the median and p95, and the
speed relative to the minimal route (/healthz) measured in the same run. Targets (issue #4):
a queue page under 50 ms; the "nothing changed" badge poll at least 0.5x the minimal route.
Uses a temporary SQLite file, or $BENCH_DATABASE_URL (it is emptied!).

``--levels 3`` (issue #12) gives the campaign the demo's review chain — specialists item by item →
the board leadership per unit scorecard → the council's ranking — and spreads the units over it:
most still at the first level (lines waiting there, some already passed on to the second), some
with their whole scorecard waiting for the board's sign-off, some signed off. It measures a
specialist's level-1 pages and polls and the board leader's level-2 (scorecard) page and poll.
"""
from __future__ import annotations

import argparse
import random
from datetime import timedelta
from decimal import Decimal

from common import make_app, measure_all, report


def _stage(rng, levels: int) -> str:
    """Where a unit stands in the chain: at the first level, its scorecard waiting at the board, or
    signed off (a one-level chain: every unit is "open", as before)."""
    if levels == 1:
        return "open"
    return rng.choices(["first", "scorecard", "signed"], weights=[70, 20, 10])[0]


def _line(rng, stage: str) -> tuple[str, int]:
    """A line's (queue state, level) for its unit's stage."""
    if stage == "open":
        return rng.choices(["submitted", "approved", "returned"], weights=[3, 6, 1])[0], 1
    # A line passed on to the board waits in its unit's scorecard: its queue row is "in_scorecard".
    if stage == "first":  # waiting at the specialists, or passed on to the board
        return rng.choices([("submitted", 1), ("in_scorecard", 2), ("returned", 1)], weights=[5, 4, 1])[0]
    if stage == "scorecard":
        return "in_scorecard", 2
    return "approved", 2


def fill(app, items: int, units: int, levels: int = 1) -> dict:
    import sqlalchemy as sa

    from portal import live
    from portal.demo.services import DATA_2025
    from portal.extensions import db
    from portal.models import (Campaign, Cluster, Criterion, CriterionKind, LevelScope, QueueItem, ReviewLevel, Role,
                               Scorecard, ScorecardState, Unit, UnitKind, utcnow)
    from portal.reference.importer import import_directory
    from tests.factories import PASSWORD, gen_user

    rng = random.Random(4)
    with app.app_context():
        import_directory(DATA_2025, 2025)
        db.session.commit()
        campaign = db.session.execute(sa.select(Campaign)).scalar_one()
        campaign.is_current = True
        clusters = db.session.execute(sa.select(Cluster.id)).scalars().all()
        db.session.execute(sa.insert(Unit), [
            {"code": f"B{i:04d}", "name": f"Ban Tổ chức Đảng ủy số {i}", "short_name": f"Đơn vị {i}",
             "kind": UnitKind.DISTRICT_COMMITTEE.value, "cluster_id": clusters[i % len(clusters)],
             "valid_from": campaign.registration_deadline.replace(month=1, day=1)} for i in range(units)])
        unit_rows = db.session.execute(sa.select(Unit.id, Unit.cluster_id).where(Unit.code.like("B%"))).all()
        leaves = db.session.execute(sa.select(Criterion.id, Criterion.parent_id, Criterion.max_points)
                                    .where(Criterion.kind == CriterionKind.ITEM)).all()
        now = utcnow()
        stages = {unit_id: _stage(rng, levels) for unit_id, _cluster in unit_rows}
        batch = []
        for i in range(items):
            unit_id, cluster_id = unit_rows[i % len(unit_rows)]
            criterion_id, group_id, max_points = leaves[(i // len(unit_rows)) % len(leaves)]
            state, level = _line(rng, stages[unit_id])
            score = Decimal(rng.randint(0, int(max_points) * 4)) / 4
            decided = state == "approved" or level > 1
            batch.append({"subject_type": "score_line", "subject_id": i + 1, "campaign_id": campaign.id,
                          "unit_id": unit_id, "cluster_id": cluster_id, "task_group_id": group_id,
                          "criterion_id": criterion_id, "state": state, "submissions": 1, "level": level,
                          "submitted_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 40)),
                          "self_score": score, "approved_score": score if decided else None,
                          "gap": -Decimal(rng.randint(0, 8)) / 4 if decided else Decimal(0)})
            if len(batch) == 5000:
                db.session.execute(sa.insert(QueueItem), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(QueueItem), batch)
        reviewer = gen_user(role=Role.REVIEWER, username="bench-reviewer")
        leader = None
        if levels > 1:
            leader = gen_user(role=Role.REVIEWER, username="bench-leader")
            chair = gen_user(role=Role.COUNCIL, username="bench-chair")
            db.session.flush()
            chain = [("Chuyên viên thẩm định", LevelScope.ITEM, [reviewer]),
                     ("Lãnh đạo Ban", LevelScope.SCORECARD, [leader]),
                     ("Hội đồng thi đua, khen thưởng", LevelScope.RANKING, [chair])][:levels]
            for position, (name, scope, members) in enumerate(chain, start=1):
                level = ReviewLevel(campaign_id=campaign.id, position=position, name=name, scope=scope)
                level.members = members
                db.session.add(level)
            # each unit's scorecard: waiting while lines are at the first level, else at the board or signed off
            card_state = {"first": ScorecardState.WAITING, "scorecard": ScorecardState.SUBMITTED,
                          "signed": ScorecardState.APPROVED}
            db.session.execute(sa.insert(Scorecard), [
                {"campaign_id": campaign.id, "unit_id": unit_id, "state": card_state[stages[unit_id]],
                 "level": 2, "version": 1} for unit_id, _cluster in unit_rows])
            cards = db.session.execute(sa.select(Scorecard.id, Scorecard.unit_id, Scorecard.state)
                                       .where(Scorecard.state != ScorecardState.WAITING)).all()
            clusters_of = dict(unit_rows)
            db.session.execute(sa.insert(QueueItem), [
                {"subject_type": "scorecard", "subject_id": card_id, "campaign_id": campaign.id, "unit_id": unit_id,
                 "cluster_id": clusters_of[unit_id], "state": state.value, "submissions": 1, "level": 2,
                 "submitted_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 10)), "gap": Decimal(0)}
                for card_id, unit_id, state in cards])
        live.bump(live.QUEUE)
        db.session.commit()
        # As after any bulk load: fresh planner statistics (and on PostgreSQL the visibility map that
        # index-only scans need; autovacuum would get there by itself, later).
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        spread = db.session.execute(sa.select(QueueItem.subject_type, QueueItem.state, QueueItem.level, sa.func.count())
                                    .group_by(QueueItem.subject_type, QueueItem.state, QueueItem.level)
                                    .order_by(QueueItem.subject_type, QueueItem.level, QueueItem.state)).all()
        return {"username": reviewer.username, "password": PASSWORD, "cluster": clusters[1],
                "leader": leader.username if leader else None, "version": live.current(live.QUEUE),
                "spread": [tuple(row) for row in spread]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--levels", type=int, default=1, choices=(1, 2, 3),
                        help="review levels of the campaign's chain (3: the 2025 demo's chain)")
    args = parser.parse_args()
    app = make_app("queue")
    info = fill(app, args.items, args.units, args.levels)
    client = app.test_client()
    client.post("/login", data={"username": info["username"], "password": info["password"]})
    with app.app_context():
        from portal.extensions import db

        print(f"database: {db.engine.dialect.name}; {args.items:,} queue items across {args.units:,} units; "
              f"{args.levels} review level(s)")
    if args.levels == 1:
        routes = {
            "minimal route (/healthz)": ("/healthz", 200),
            "badge poll, nothing changed (204)": (f"/review/badge?v={info['version']}", 204),
            "queue rows poll, nothing changed (204)": (f"/review/rows?v={info['version']}", 204),
            "queue, first page": ("/review/", 200),
            "queue, filtered (cluster, waiting >7d)": (f"/review/?cluster={info['cluster']}&age=7", 200),
            "queue, sorted by score gap, all states": ("/review/?state=all&sort=gap", 200),
            "queue, page 400": ("/review/?state=all&page=400", 200),
        }
    else:
        print("queue rows (kind, state, level, count):", ", ".join(f"{k} {s} L{lv}: {n:,}" for k, s, lv, n in info["spread"]))
        leader = app.test_client()
        leader.post("/login", data={"username": info["leader"], "password": info["password"]})
        v = info["version"]
        routes = {
            "minimal route (/healthz)": ("/healthz", 200),
            "L1 badge poll, nothing changed (204)": (f"/review/badge?v={v}", 204),
            "L1 rows poll, nothing changed (204)": (f"/review/rows?level=1&v={v}", 204),
            "L2 badge poll, nothing changed (204)": (f"/review/badge?v={v}", 204, leader),
            "L2 rows poll, nothing changed (204)": (f"/review/rows?level=2&v={v}", 204, leader),
            "L1 queue, first page": ("/review/?level=1", 200),
            "L1 queue, filtered (cluster, >7d)": (f"/review/?level=1&cluster={info['cluster']}&age=7", 200),
            "L1 queue, sorted by gap, all states": ("/review/?level=1&state=all&sort=gap", 200),
            "L1 queue, page 100": ("/review/?level=1&state=all&page=100", 200),
            "L2 queue (scorecards), first page": ("/review/?level=2", 200, leader),
            "L2 queue (scorecards), all states": ("/review/?level=2&state=all", 200, leader),
        }
    results = measure_all(client, routes, args.repeat)
    report(results, "minimal route (/healthz)")


if __name__ == "__main__":
    main()
