"""Benchmark: the approval queue over 100,000 items across 1,000 units.

    .venv/bin/python bench/review_queue.py [--items 100000] [--units 1000] [--repeat 50]

Prints, per request measured in-process (server time, no network): the median and p95, and the
speed relative to the minimal route (/healthz) measured in the same run. Targets (issue #4):
a queue page under 50 ms; the "nothing changed" badge poll at least 0.5x the minimal route.
Uses a temporary SQLite file, or $BENCH_DATABASE_URL (it is emptied!).
"""
from __future__ import annotations

import argparse
import random
from datetime import timedelta
from decimal import Decimal

from common import make_app, measure_all, report


def fill(app, items: int, units: int) -> dict:
    import sqlalchemy as sa

    from portal import live
    from portal.demo.services import DATA_2025
    from portal.extensions import db
    from portal.models import Campaign, Cluster, Criterion, CriterionKind, QueueItem, Role, Unit, UnitKind, utcnow
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
        batch = []
        for i in range(items):
            unit_id, cluster_id = unit_rows[i % len(unit_rows)]
            criterion_id, group_id, max_points = leaves[(i // len(unit_rows)) % len(leaves)]
            state = rng.choices(["submitted", "approved", "returned"], weights=[3, 6, 1])[0]
            score = Decimal(rng.randint(0, int(max_points) * 4)) / 4
            batch.append({"subject_type": "score_line", "subject_id": i + 1, "campaign_id": campaign.id,
                          "unit_id": unit_id, "cluster_id": cluster_id, "task_group_id": group_id,
                          "criterion_id": criterion_id, "state": state, "submissions": 1,
                          "submitted_at": now - timedelta(minutes=rng.randint(0, 60 * 24 * 40)),
                          "self_score": score, "approved_score": score if state == "approved" else None,
                          "gap": -Decimal(rng.randint(0, 8)) / 4 if state == "approved" else Decimal(0)})
            if len(batch) == 5000:
                db.session.execute(sa.insert(QueueItem), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(QueueItem), batch)
        live.bump(live.QUEUE)
        reviewer = gen_user(role=Role.REVIEWER, username="bench-reviewer")
        db.session.commit()
        # As after any bulk load: fresh planner statistics (and on PostgreSQL the visibility map that
        # index-only scans need; autovacuum would get there by itself, later).
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        return {"username": reviewer.username, "password": PASSWORD, "cluster": clusters[1],
                "version": live.current(live.QUEUE)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    app = make_app("queue")
    info = fill(app, args.items, args.units)
    client = app.test_client()
    client.post("/login", data={"username": info["username"], "password": info["password"]})
    with app.app_context():
        from portal.extensions import db

        print(f"database: {db.engine.dialect.name}; {args.items:,} queue items across {args.units:,} units")
    results = measure_all(client, {
        "minimal route (/healthz)": ("/healthz", 200),
        "badge poll, nothing changed (204)": (f"/review/badge?v={info['version']}", 204),
        "queue rows poll, nothing changed (204)": (f"/review/rows?v={info['version']}", 204),
        "queue, first page": ("/review/", 200),
        "queue, filtered (cluster, waiting >7d)": (f"/review/?cluster={info['cluster']}&age=7", 200),
        "queue, sorted by score gap, all states": ("/review/?state=all&sort=gap", 200),
        "queue, page 400": ("/review/?state=all&page=400", 200),
    }, args.repeat)
    report(results, "minimal route (/healthz)")


if __name__ == "__main__":
    main()
