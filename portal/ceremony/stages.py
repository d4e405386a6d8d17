"""What the ceremony screen shows at each step of the reveal.

Step 0: the title. Steps 1…N: ranks revealed from last to first. Then each cluster's leaders, one
step per cluster — every unit sharing the cluster's first place, since a tie is a rule of the
ranking. Last: the awards, one page per step — each award type on its own page(s), a few nominees a
page in large type, so the hall reads them from the back (until the council's decisions are recorded,
one page says so).

Every name on the screen is the unit's full name (``name``): the rank rows, the leaders and the awards
read the same, as the decisions write them."""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.collation import vi_key
from portal.formatting import fmt_points

# Nominees on one award page: two columns of three, each name in full on up to two lines.
AWARDS_PER_PAGE = 6


@dataclass
class AwardPage:
    award: object                 # the AwardType (name, level, nominee kind)
    entries: list[dict]           # {"nominee", "position", "unit"}: the person (or unit) in full
    page: int = 1                 # this award type's page …
    pages: int = 1                # … of its pages


@dataclass
class Stage:
    kind: str                     # "title", "ranks", "leaders", "awards", "live"
    rows: list[dict] = field(default_factory=list)
    revealed: set[int] = field(default_factory=set)   # unit ids whose row is shown
    leaders: list[dict] = field(default_factory=list)  # {"cluster": name, "units": [rows sharing first place]}
    announcement: str = ""
    award_page: AwardPage | None = None                # the awards stage's page (None: no award yet)
    award_step: int = 0                                # this page's number among all award pages …
    award_steps: int = 0                               # … of how many


def _in_order(rows: list[dict]) -> list[dict]:
    """Rank first; units sharing a rank in Vietnamese alphabetical order."""
    return sorted(rows, key=lambda r: (r["rank"], vi_key(r["short_name"]), r["code"]))


def unit_name(row: dict) -> str:
    """The unit's name as the ceremony shows it: in full (rows frozen before full names were kept fall
    back to the short one)."""
    return row.get("name") or row["short_name"]


def cluster_leaders(rows: list[dict]) -> list[dict]:
    """Each cluster's first place — all the units that share it — clusters in Vietnamese order."""
    clusters: dict[int, dict] = {}
    for row in _in_order(rows):
        if row["cluster_rank"] == 1:
            clusters.setdefault(row["cluster_id"], {"cluster": row["cluster"], "units": []})["units"].append(row)
    return sorted(clusters.values(), key=lambda c: vi_key(c["cluster"]))


def award_pages(awards: list[tuple[object, list]], per_page: int = AWARDS_PER_PAGE) -> list[AwardPage]:
    """The award list cut into screen pages: award type by award type, at most ``per_page`` nominees
    a page. ``awards`` is ``portal.nominations.services.awarded``'s list of (award type, nominations)."""
    pages: list[AwardPage] = []
    for award, nominations in awards:
        entries = [{"nominee": n.nominee, "position": n.nominee_position if n.nominee_name else "",
                    "unit": n.unit.name if n.nominee_name else ""} for n in nominations]
        chunks = [entries[i:i + per_page] for i in range(0, len(entries), per_page)] or [[]]
        pages.extend(AwardPage(award, chunk, number, len(chunks)) for number, chunk in enumerate(chunks, 1))
    return pages


def reveal_stages(rows: list[dict], award_page_count: int = 0) -> int:
    """Steps of the reveal: one per unit (last to first), one per cluster's leaders, then one per award
    page (at least one, which says when no award is decided yet)."""
    return len(rows) + len(cluster_leaders(rows)) + max(1, award_page_count)


def stage_for(rows: list[dict], step: int, frozen: bool, awards: list[AwardPage] | None = None) -> Stage:
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
                     announcement=f'{newest["rank"]}. {unit_name(newest)} — {fmt_points(newest["total"])}')
    leaders = cluster_leaders(ordered)
    everyone = {r["unit_id"] for r in ordered}
    shown = step - count
    if shown <= len(leaders):
        newest = leaders[shown - 1]
        names = ", ".join(unit_name(r) for r in newest["units"])
        return Stage("leaders", rows=ordered, revealed=everyone, leaders=leaders[:shown],
                     announcement=f'{newest["cluster"]}: {names}')
    awards = awards or []
    if not awards:
        return Stage("awards", rows=ordered, revealed=everyone, leaders=leaders)
    # Decisions recorded after the last step move nothing back: past the end stays on the last page.
    index = min(shown - len(leaders), len(awards)) - 1
    page = awards[index]
    return Stage("awards", rows=ordered, revealed=everyone, leaders=leaders, award_page=page,
                 award_step=index + 1, award_steps=len(awards),
                 announcement=f'{page.award.name}: {", ".join(e["nominee"] for e in page.entries)}')
