"""Standings rows turned into display strings in plain Python, once per rendered version: the table
template then only places them (a province's 200 rows would otherwise cost thousands of filter calls)."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import get_locale

from portal.labels import classification_label

BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 16, 6, 24


def _formatter():
    locale = get_locale()
    symbol = locale.number_symbols.get("latn", {}).get("decimal", ".") if locale else "."
    cache: dict[str, str] = {}

    def points(value: str) -> str:
        text = cache.get(value)
        if text is None:
            number = format(Decimal(value).quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
            text = cache[value] = number.replace(".", symbol)
        return text

    return points


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


def present(rows: list[dict], view: str) -> list[dict]:
    points = _formatter()
    labels: dict[str, str] = {}
    shown = []
    for row in rows:
        overall = view == "overall"
        width, frames, fills = bars(row["groups"])
        group_points = [points(g["approved"]) for g in row["groups"]]
        classification = row["classification"]
        if classification not in labels:
            labels[classification] = classification_label(classification)
        shown.append({
            "unit_id": row["unit_id"], "short_name": row["short_name"], "cluster": row["cluster"],
            "ended": row["ended"], "rank": row["rank"] if overall else row["cluster_rank"],
            "tied": row["tied"] if overall else row["cluster_tied"], "total": points(row["total"]),
            "classification": classification, "classification_label": labels[classification],
            "provisional": points(row["provisional"]),
            "progress": f'{row["approved_items"]}/{row["submitted_items"]}/{row["total_items"]}',
            "bars_width": width, "bars_frames": frames, "bars_fills": fills,
            "bars_label": "; ".join(f'{g["code"]}: {p}/{points(g["maximum"])}' for g, p in zip(row["groups"], group_points)),
            "bars_numbers": " · ".join(group_points),
        })
    return shown
