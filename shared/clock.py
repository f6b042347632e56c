"""Time facts shared by every service.

Moments are kept in UTC; a *date* is the region's calendar day. The server may run in UTC (or
anywhere), while a curator in the region writes «сегодня» meaning the day on their wall clock:
from midnight to 03:00 Moscow time the server's `date.today()` is still yesterday. Every
"today" and every date taken from a moment goes through here (a unit test forbids the rest).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

REGION_TIME = ZoneInfo("Europe/Moscow")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_time(moment: datetime) -> datetime:
    """A moment on the region's clock; a naive moment is one stored in UTC (see `utcnow`)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(REGION_TIME)


def local_date(moment: datetime) -> date:
    """The region's calendar day of a moment."""
    return local_time(moment).date()


def today() -> date:
    """The region's calendar day now."""
    return local_date(utcnow())


def academic_year_of(day: date) -> str:
    """The Russian academic year runs from 1 September to 31 August: '2026/2027'."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"
