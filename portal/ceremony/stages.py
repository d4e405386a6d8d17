"""What the ceremony screen shows at each step of the reveal.

Step 0: the title. Steps 1…N: ranks revealed from last to first. Then each cluster's leaders, one
step per cluster — every unit sharing the cluster's first place, since a tie is a rule of the
ranking. Last: the award list (filled by the nominations feature; until then it says so)."""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.collation import vi_key
from portal.formatting import fmt_points


@dataclass
class Stage:
    kind: str                     # "title", "ranks", "leaders", "awards", "live"
    rows: list[dict] = field(default_factory=list)
    revealed: set[int] = field(default_factory=set)   # unit ids whose row is shown
    leaders: list[dict] = field(default_factory=list)  # {"cluster": name, "units": [rows sharing first place]}
    announcement: str = ""


def _in_order(rows: list[dict]) -> list[dict]:
    """Rank first; units sharing a rank in Vietnamese alphabetical order."""
    return sorted(rows, key=lambda r: (r["rank"], vi_key(r["short_name"]), r["code"]))


def cluster_leaders(rows: list[dict]) -> list[dict]:
    """Each cluster's first place — all the units that share it — clusters in Vietnamese order."""
    clusters: dict[int, dict] = {}
    for row in _in_order(rows):
        if row["cluster_rank"] == 1:
            clusters.setdefault(row["cluster_id"], {"cluster": row["cluster"], "units": []})["units"].append(row)
    return sorted(clusters.values(), key=lambda c: vi_key(c["cluster"]))


def reveal_stages(rows: list[dict]) -> int:
    """Steps of the reveal: one per unit (last to first), one per cluster's leaders, then the awards."""
    return len(rows) + len(cluster_leaders(rows)) + 1


def stage_for(rows: list[dict], step: int, frozen: bool) -> Stage:
    if not frozen:
        return Stage("live", rows=_in_order(rows), revealed={r["unit_id"] for r in rows})
    ordered = _in_order(rows)
    if step <= 0:
        return Stage("title", rows=ordered)
    count = len(ordered)
    if step <= count:
        revealed = ordered[count - step:]
        newest = revealed[0]
        return Stage("ranks", rows=ordered, revealed={r["unit_id"] for r in revealed},
                     announcement=f'{newest["rank"]}. {newest["short_name"]} — {fmt_points(newest["total"])}')
    leaders = cluster_leaders(ordered)
    everyone = {r["unit_id"] for r in ordered}
    shown = step - count
    if shown <= len(leaders):
        newest = leaders[shown - 1]
        names = ", ".join(r["short_name"] for r in newest["units"])
        return Stage("leaders", rows=ordered, revealed=everyone, leaders=leaders[:shown],
                     announcement=f'{newest["cluster"]}: {names}')
    return Stage("awards", rows=ordered, revealed=everyone, leaders=leaders)
