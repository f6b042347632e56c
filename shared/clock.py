"""Time facts shared by every service."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def academic_year_of(day: date) -> str:
    """The Russian academic year runs from 1 September to 31 August: '2026/2027'."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"
