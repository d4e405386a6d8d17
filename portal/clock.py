"""The portal's one clock: the province's time zone and "today" there.

Deadlines are dates in Vietnam (UTC+7); timestamps are stored in UTC.  Nothing else in the portal
calls ``date.today()`` or a naive ``datetime.now()``: between 00:00 and 07:00 Vietnam time the
server's UTC date is still yesterday.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

TZ_NAME = "Asia/Ho_Chi_Minh"
TZ = ZoneInfo(TZ_NAME)


def now() -> datetime:
    """The current moment, aware, in UTC (what the database stores)."""
    return datetime.now(timezone.utc)


def local_now() -> datetime:
    """The current moment in the province's time zone."""
    return datetime.now(TZ)


def today() -> date:
    """Today's date in the province (what deadlines are compared with)."""
    return local_now().date()


def local(moment: datetime) -> datetime:
    """An aware moment shown in the province's time zone."""
    return moment.astimezone(TZ)
