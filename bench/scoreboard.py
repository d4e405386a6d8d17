"""Benchmark: the live scoreboard, 200 units × 30 items all approved, served by gunicorn (2 workers).

    .venv/bin/python bench/scoreboard.py [--units 200] [--items 30] [--seconds 5]

Needs wrk (Debian: apt-get install wrk). Loads from wrk on loopback, 2 threads, 16 connections,
and prints requests/s, p99 and the ratio to the minimal route for: the minimal route (/healthz),
the "no change" poll (204), the scoreboard served after a change (from the version cache); then the
cold render (standings + template, cache emptied each time) timed in-process.
Targets (issue #5): poll ≥ 0.5 × minimal, cached ≥ 0.3 ×, cold render under 50 ms.
Uses a temporary SQLite file, or $BENCH_DATABASE_URL (it is emptied!).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from decimal import Decimal

from common import ROOT, make_app

WRK = shutil.which("wrk")


def fill(app, units: int, items: int) -> str:
    import sqlalchemy as sa

    from portal import live
    from portal.extensions import db
    from portal.models import (Campaign, CampaignState, Cluster, Criterion, CriterionKind, Role, ScoreLine,
                               ScoreState, Unit, UnitKind)
    from tests.factories import gen_user

    with app.app_context():
        campaign = Campaign(year=2025, name="Phong trào thi đua (benchmark)", state=CampaignState.OPEN, is_current=True,
                            registration_deadline=date(2025, 3, 31), reporting_deadline=date(2025, 11, 30),
                            review_end=date(2025, 12, 15))
        db.session.add(campaign)
        clusters = [Cluster(code=f"C{i}", name=f"Cụm thi đua số {i}", description="") for i in range(1, 5)]
        db.session.add_all(clusters)
        db.session.flush()
        per_group = items // 6
        leaves = []
        for g in range(6):
            group = Criterion(campaign_id=campaign.id, code=str(g + 1), kind=CriterionKind.GROUP, title=f"Nhiệm vụ {g + 1}",
                              max_points=Decimal(per_group * 4), position=g * 100)
            db.session.add(group)
            db.session.flush()
            for i in range(per_group):
                leaf = Criterion(campaign_id=campaign.id, parent_id=group.id, code=f"{g + 1}.{i + 1}", kind=CriterionKind.ITEM,
                                 title=f"Tiêu chí {g + 1}.{i + 1}", max_points=Decimal(4), position=g * 100 + i + 1)
                db.session.add(leaf)
                leaves.append(leaf)
        db.session.flush()
        db.session.execute(sa.insert(Unit), [
            {"code": f"U{i:03d}", "name": f"Ban Tổ chức Huyện ủy số {i}", "short_name": f"Đơn vị {i}",
             "kind": UnitKind.DISTRICT_COMMITTEE.value, "cluster_id": clusters[i % 4].id, "valid_from": date(2025, 1, 1)}
            for i in range(units)])
        unit_ids = db.session.execute(sa.select(Unit.id)).scalars().all()
        db.session.execute(sa.insert(ScoreLine), [
            {"campaign_id": campaign.id, "unit_id": u, "criterion_id": leaf.id, "self_score": Decimal(4),
             "approved_score": Decimal((u * 7 + n) % 17) / 4, "state": ScoreState.APPROVED.value, "explanation": "",
             "review_reason": "", "review_comment": "", "version": 1}
            for u in unit_ids for n, leaf in enumerate(leaves)])
        live.bump(live.SCOREBOARD)
        reviewer = gen_user(role=Role.REVIEWER, username="bench-reviewer")
        db.session.commit()
        return reviewer.username


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(base: str, username: str) -> str:
    from tests.factories import PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(f"{base}/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, cookie: str, seconds: int) -> tuple[float, float]:
    # Browsers ask for compressed answers; so does the load generator.
    out = subprocess.run([WRK, "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}",
                          "-H", "Accept-Encoding: gzip", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rate, float(p99.group(1)) * factor if p99 else 0.0


def cold_render(app, username: str, repeat: int) -> list[float]:
    """Server time of a render from scratch: the cache emptied and the version moved before each."""
    import sqlalchemy as sa

    from portal import live
    from portal.extensions import db
    from portal.models import RenderedScoreboard

    client = app.test_client()
    from tests.factories import PASSWORD

    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/login", data={"username": username, "password": PASSWORD})
    times = []
    for _ in range(repeat):
        with app.app_context():
            db.session.execute(sa.delete(RenderedScoreboard))
            live.bump(live.SCOREBOARD)
            db.session.commit()
        start = time.perf_counter()
        response = client.get("/scoreboard/table?v=0")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    if WRK is None:
        sys.exit("wrk is needed: apt-get install wrk")
    app = make_app("scoreboard")
    username = fill(app, args.units, args.items)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret", PYTHONPATH=str(ROOT))
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        cookie = login(base, username)
        with app.app_context():
            from portal import live

            version = live.current(live.SCOREBOARD)
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", cookie)]
        assert opener.open(f"{base}/scoreboard/table?v=0").status == 200  # renders and caches this version
        results = {
            "minimal route (/healthz)": wrk(f"{base}/healthz", cookie, args.seconds),
            "scoreboard poll, nothing changed (204)": wrk(f"{base}/scoreboard/table?v={version}", cookie, args.seconds),
            "scoreboard after a change (cached table)": wrk(f"{base}/scoreboard/table?v=0", cookie, args.seconds),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    with app.app_context():
        from portal.extensions import db

        print(f"database: {db.engine.dialect.name}; {args.units} units × {args.items} items, all approved; "
              f"gunicorn 2 workers; wrk 2 threads, 16 connections, {args.seconds}s each")
    base_rate = results["minimal route (/healthz)"][0]
    print(f"{'request':<44} {'req/s':>9} {'p99 ms':>8} {'× minimal':>10}")
    for name, (rate, p99) in results.items():
        print(f"{name:<44} {rate:>9.0f} {p99:>8.2f} {rate / base_rate:>10.2f}")
    times = cold_render(app, username, 15)
    print(f"{'cold render (standings + template), in-process':<44} median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
