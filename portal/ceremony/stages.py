"""What the ceremony screen shows at each step of the reveal.

Step 0: the title. Steps 1…N: ranks revealed from last to first. Then each cluster's leader, one
step each. Last: the award list (filled by the nominations feature; until then it says so)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Stage:
    kind: str                     # "title", "ranks", "leaders", "awards", "live"
    rows: list[dict] = field(default_factory=list)
    revealed: set[int] = field(default_factory=set)   # unit ids whose row is shown
    leaders: list[dict] = field(default_factory=list)
    announcement: str = ""


def stage_for(rows: list[dict], step: int, frozen: bool) -> Stage:
    if not frozen:
        return Stage("live", rows=rows, revealed={r["unit_id"] for r in rows})
    ordered = sorted(rows, key=lambda r: (r["rank"], r["code"]))
    if step <= 0:
        return Stage("title", rows=ordered)
    count = len(ordered)
    if step <= count:
        revealed = ordered[count - step:]
        newest = revealed[0]
        return Stage("ranks", rows=ordered, revealed={r["unit_id"] for r in revealed},
                     announcement=f'{newest["rank"]}. {newest["short_name"]} — {newest["total"]}')
    leaders = []
    for row in sorted((r for r in ordered if r["cluster_rank"] == 1), key=lambda r: (r["cluster"], r["code"])):
        if row["cluster"] not in {leader["cluster"] for leader in leaders}:
            leaders.append(row)
    shown = step - count
    if shown <= len(leaders):
        newest = leaders[shown - 1]
        return Stage("leaders", rows=ordered, revealed={r["unit_id"] for r in ordered}, leaders=leaders[:shown],
                     announcement=f'{newest["cluster"]}: {newest["short_name"]}')
    return Stage("awards", rows=ordered, revealed={r["unit_id"] for r in ordered}, leaders=leaders)
