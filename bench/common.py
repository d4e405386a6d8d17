"""Shared by the benchmark scripts: a throw-away database, timing, and the report table."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(name: str):
    """The portal on a fresh database: $BENCH_DATABASE_URL, or a temporary SQLite file."""
    from portal import create_app
    from portal.db_setup import rebuild_schema

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix=f'bench-{name}-')}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench",
                      "UPLOAD_DIR": tempfile.mkdtemp(prefix="bench-uploads-")})
    with app.app_context():
        rebuild_schema()
    return app


def measure_all(client, routes: dict[str, tuple], repeat: int) -> dict[str, list[float]]:
    """Seconds per request for each named (url, expected status[, the client to ask with — another
    signed-in person]), measured in interleaved rounds so that a burst of load on this shared
    machine hits every route alike, not one of them."""
    routes = {name: (route[0], route[1], route[2] if len(route) > 2 else client) for name, route in routes.items()}
    for url, expect, asker in routes.values():  # warm-up
        for _ in range(2):
            response = asker.get(url)
            assert response.status_code == expect, (url, response.status_code)
    times: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(repeat):
        for name, (url, expect, asker) in routes.items():
            start = time.perf_counter()
            response = asker.get(url)
            times[name].append(time.perf_counter() - start)
            assert response.status_code == expect, (url, response.status_code)
    return times


def report(results: dict[str, list[float]], baseline: str) -> None:
    base = statistics.median(results[baseline])
    print(f"{'route':<44} {'median ms':>10} {'p95 ms':>8} {'speed vs minimal':>17}")
    for name, times in results.items():
        median = statistics.median(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        print(f"{name:<44} {median * 1000:>10.2f} {p95 * 1000:>8.2f} {base / median:>17.2f}")
