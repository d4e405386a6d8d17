"""The small chart of a unit's history page: one bar per year (the total, out of the campaign's
scale), drawn as inline SVG on the server — no JavaScript library.  The page puts the same figures
in a table beside it, which is what screen readers and printouts use."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.history.services import YearRecord

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 36   # room for the axis labels
BAR_MAX = 56


@dataclass
class Bar:
    year: int
    x: float
    y: float
    width: float
    height: float
    total: Decimal | None  # None: a year known only by its imported classification (no bar, a dash)
    classification: str   # the CSS modifier: excellent / good / completed / not_completed / none


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[tuple[float, Decimal]]   # (y, value)
    baseline: float
    plot_left: int
    plot_right: int


def total_chart(records: list[YearRecord]) -> Chart | None:
    """One slot per year, a bar where the year has figures; None when no year has any."""
    shown = records
    if not any(r.total is not None for r in shown):
        return None
    scale = max([r.campaign.scale for r in shown if r.campaign is not None]
                + [r.total for r in shown if r.total is not None] + [Decimal(1)])
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(shown)
    width = min(BAR_MAX, slot * 0.6)
    baseline = TOP + plot_height

    def y_of(value: Decimal) -> float:
        return round(baseline - float(max(value, Decimal(0)) / scale) * plot_height, 1)

    bars = []
    for index, record in enumerate(shown):
        top = y_of(record.total) if record.total is not None else baseline
        bars.append(Bar(record.year, round(LEFT + slot * index + (slot - width) / 2, 1), top, round(width, 1),
                        round(baseline - top, 1), record.total,
                        record.classification.value if record.classification else "none"))
    gridlines = [(y_of(scale * part / 4), scale * part / 4) for part in range(5)]
    return Chart(WIDTH, HEIGHT, bars, gridlines, baseline, LEFT, WIDTH - RIGHT)
