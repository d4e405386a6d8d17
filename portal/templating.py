"""Template globals and filters: labels, Vietnamese dates and numbers, the htmx script tag."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal.config import HTMX_CDN_URL, HTMX_INTEGRITY
from portal.labels import file_kind, history_label, label, state_label
from portal.models import RegistrationState, ScoreState


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd/MM/yyyy HH:mm")
    return format_date(value, "dd/MM/yyyy")


def fmt_points(value: Decimal | float | int | None) -> str:
    """Points with up to two decimals, in the locale's separators (Vietnamese: 12,5)."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.##")


def fmt_filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{format_decimal(size / 1024, format='#,##0.#')} KB"
    return f"{format_decimal(size / 1024 / 1024, format='#,##0.#')} MB"


def htmx_script() -> Markup:
    if current_app.config["HTMX_SOURCE"] == "cdn":
        src = HTMX_CDN_URL
    else:
        src = url_for("static", filename="vendor/htmx.min.js")
    return Markup(
        f'<script src="{src}" integrity="{HTMX_INTEGRITY}" crossorigin="anonymous" defer></script>'
    )


def days_until(day: date) -> int:
    return (day - date.today()).days


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(label=label, date=fmt_date, points=fmt_points, filesize=fmt_filesize,
                                 history_label=history_label, state_label=state_label, file_kind=file_kind)
    app.jinja_env.globals.update(
        htmx_script=htmx_script,
        csrf_token_value=generate_csrf,
        current_locale=lambda: str(get_locale()),
        days_until=days_until,
        ScoreState=ScoreState,
        RegistrationState=RegistrationState,
    )
