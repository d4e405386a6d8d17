"""Dates, points and numbers as people read them, in the current language.

One module for templates, services, exports and the scoreboard.  It imports nothing of the
portal but the clock, so every layer can use it.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import g, has_app_context
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext, ngettext

from portal import clock

CENT = Decimal("0.01")


def fmt_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (and HH:MM for a moment, in the province's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy HH:mm")
    return format_date(value, "dd/MM/yyyy")


def decimal_symbol() -> str:
    """The current language's decimal separator ("," in Vietnamese), looked up once per request."""
    if has_app_context() and "decimal_symbol" in g:
        return g.decimal_symbol
    locale = get_locale() if has_app_context() else None
    symbol = locale.number_symbols.get("latn", {}).get("decimal", ".") if locale else "."
    if has_app_context():
        g.decimal_symbol = symbol
    return symbol


def points_text(value: Decimal | float | int | str, symbol: str) -> str:
    """Points without trailing zeros, with ``symbol`` as the decimal separator: 12,5 · 87 · 3,75.

    Below 1000 (all points, in practice) this skips Babel's general formatter, because a page
    formats hundreds of them; a value must already be finite."""
    number = Decimal(value).quantize(CENT)
    if abs(number) >= 1000:
        return format_decimal(number, format="#,##0.##")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", symbol) if "." in text else text


def fmt_points(value: Decimal | float | int | str | None) -> str:
    """Points in the current language's separators ("–" when there is none)."""
    if value is None or value == "":
        return "–"
    return points_text(value, decimal_symbol())


def fmt_number(value: int | Decimal | float | None, places: str = "#,##0.##") -> str:
    """A general number with the language's grouping and decimal separators (1.234,5 in Vietnamese)."""
    if value is None:
        return "–"
    return format_decimal(value, format=places)


def fmt_filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{format_decimal(size / 1024, format='#,##0.#')} KB"
    return f"{format_decimal(size / 1024 / 1024, format='#,##0.#')} MB"


def fmt_waited(since: datetime) -> str:
    """How long something has waited: "today", "1 day", "12 days"."""
    days = (clock.now() - since).days
    if days < 1:
        return gettext("today")
    return ngettext("%(num)s day", "%(num)s days", days)


def days_until(day: date) -> int:
    """Whole days from today in the province to ``day`` (negative when it has passed)."""
    return (day - clock.today()).days
