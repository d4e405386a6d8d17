"""Reading what people type and what URLs carry: one strict parser per kind of value.

Numbers are ASCII digits only (``int("²")`` and ``"٣".isdigit()`` would otherwise slip through);
points accept the Vietnamese decimal comma; dates stay within a sensible range; text refuses
control characters (newline and tab are allowed in multi-line text).  Nothing here raises anything
but :class:`ValueError`, so every caller can turn a bad value into a message.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_INT = re.compile(r"[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,12}(?:[.,][0-9]{1,6})?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")

# The earliest and latest dates the portal accepts anywhere (campaigns run for a year; documents
# and classifications of earlier years go back a few decades).
MIN_DATE = date(1945, 1, 1)
MAX_DATE = date(2100, 12, 31)

# C0 controls but tab, newline and carriage return (a browser sends CRLF in a textarea), DEL, C1.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Invisible and direction-changing characters, refused in file names (they disguise extensions).
INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def parse_int(raw, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number written in ASCII digits, within the bounds; ValueError otherwise."""
    text = raw.strip() if isinstance(raw, str) else raw
    if isinstance(text, bool) or text is None:
        raise ValueError("not a number")
    if isinstance(text, int):
        number = text
    elif isinstance(text, str) and _INT.fullmatch(text):
        number = int(text)
    else:
        raise ValueError("not a number")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError("out of range")
    return number


def positive_int(raw, maximum: int = 2**31 - 1) -> int | None:
    """An id or page number from a URL: a positive whole number, or None (never an error)."""
    try:
        return parse_int(raw, minimum=1, maximum=maximum)
    except ValueError:
        return None


def parse_decimal(raw, *, minimum: Decimal | None = None, maximum: Decimal | None = None) -> Decimal:
    """A decimal number, "12,5" or "12.5", in ASCII digits and within the bounds; ValueError otherwise."""
    if isinstance(raw, Decimal):
        number = raw
    else:
        text = str(raw).strip().replace(" ", "") if raw is not None else ""
        if not _DECIMAL.fullmatch(text):
            raise ValueError("not a number")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ValueError("out of range")
    return number


def parse_date(raw, *, earliest: date = MIN_DATE, latest: date = MAX_DATE) -> date:
    """A date as yyyy-mm-dd (what a date input sends) or dd/mm/yyyy, within the range."""
    text = (raw or "").strip() if isinstance(raw, str) else ""
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _VN_DATE.fullmatch(text)
        if not match:
            raise ValueError("not a date")
        day, month, year = (int(part) for part in match.groups())
    value = date(year, month, day)  # ValueError for 31/02
    if not earliest <= value <= latest:
        raise ValueError("out of range")
    return value


def optional_date(raw, **bounds) -> date | None:
    """A date filter from a URL: None when empty or unreadable (filters never fail)."""
    try:
        return parse_date(raw, **bounds)
    except ValueError:
        return None


def has_control_characters(text: str, multiline: bool = True) -> bool:
    """True if ``text`` holds a character no one types (NUL, escape, …); newline and tab are
    allowed in multi-line text."""
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL_LINE
    return bool(pattern.search(text))
