"""Standings rows turned into display strings in plain Python, once per rendered version: the table
template then only places them (a province's 200 rows would otherwise cost thousands of filter calls)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portal.formatting import decimal_symbol, fmt_date, points_text
from portal.labels import classification_label
from portal.scoreboard.progress import stage_text
from portal.scoreboard.services import is_complete

BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 16, 6, 24


def _formatter():
    symbol = decimal_symbol()
    cache: dict[str, str] = {}

    def points(value: str) -> str:
        text = cache.get(value)
        if text is None:
            text = cache[value] = points_text(value, symbol)
        return text

    return points


def classification_text(row: dict) -> str:
    """The classification as shown: only a fully reviewed unit is classified."""
    if not is_complete(row) or not row.get("classification"):
        return _("not yet classifiable")
    return classification_label(row["classification"])


def progress_text(row: dict) -> str:
    """"12/22 reviewed": the approved items of all the scored items, shown beside "not yet classifiable"."""
    return _("%(approved)s/%(total)s reviewed", approved=row["approved_items"], total=row["total_items"])


def bars(groups: list[dict]) -> tuple[int, str, str]:
    """(width, frames path, fills path): one <path> each for the whole row's bars."""
    frames, fills = [], []
    for index, group in enumerate(groups):
        x = index * (BAR_WIDTH + BAR_GAP) + 2
        maximum = float(group["maximum"]) or 1.0
        height = round(min(float(group["approved"]) / maximum, 1.0) * BAR_HEIGHT, 1)
        frames.append(f"M{x} 2h{BAR_WIDTH}v{BAR_HEIGHT}h-{BAR_WIDTH}z")
        if height:
            fills.append(f"M{x} {2 + BAR_HEIGHT - height}h{BAR_WIDTH}v{height}h-{BAR_WIDTH}z")
    width = len(groups) * (BAR_WIDTH + BAR_GAP)
    return width, "".join(frames), "".join(fills)


def ended_text(row: dict) -> str:
    """The mark of a unit that ended during the year, with its last day when known (rows frozen
    before the date was kept carry only the flag)."""
    if not row.get("ended_on"):
        return _("ended")
    return _("ended its activity on %(day)s", day=fmt_date(date.fromisoformat(row["ended_on"])))


def present(rows: list[dict], view: str) -> list[dict]:
    points = _formatter()
    labels: dict[str, str] = {}
    pending = _("not yet classifiable")
    shown = []
    for row in rows:
        overall = view == "overall"
        width, frames, fills = bars(row["groups"])
        group_points = [points(g["approved"]) for g in row["groups"]]
        complete = is_complete(row)
        classification = row["classification"] if complete else None
        if classification and classification not in labels:
            labels[classification] = classification_label(classification)
        shown.append({
            "unit_id": row["unit_id"], "short_name": row["short_name"], "cluster": row["cluster"],
            "ended": ended_text(row) if row["ended"] else "", "rank": row["rank"] if overall else row["cluster_rank"],
            "tied": row["tied"] if overall else row["cluster_tied"], "total": points(row["total"]),
            "complete": complete, "classification": classification or "pending",
            "classification_label": labels[classification] if classification else pending,
            "reviewed": "" if complete else progress_text(row),
            "provisional": points(row["provisional"]),
            "progress": f'{row["approved_items"]}/{row["submitted_items"]}/{row["total_items"]}',
            "chain": row.get("chain"), "chain_text": stage_text(row.get("chain")),
            "bars_width": width, "bars_frames": frames, "bars_fills": fills,
            "bars_label": "; ".join(f'{g["code"]}: {p}/{points(g["maximum"])}' for g, p in zip(row["groups"], group_points)),
            "bars_numbers": " · ".join(group_points),
        })
    return shown
