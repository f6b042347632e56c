"""How numbers and dates read for people in Russia: the one place for it, used by pages,
CSV exports and PDFs alike (decimal comma, a thin no-break space between thousands,
dates as dd.mm.yyyy)."""

from __future__ import annotations

from datetime import date, datetime

from shared.clock import local_time

DASH = "—"
MINUS = "\u2212"  # a minus sign, not a hyphen: «−0,94»
THOUSANDS = "\u202f"  # narrow no-break space, as in ГОСТ 8.417 and Russian typography


def number(value: float | int | None, digits: int = 2) -> str:
    """12345.678 → «12 345,68»; whole numbers without a fraction; None → «—»."""
    if value is None:
        return DASH
    rounded = round(float(value), digits)
    text = f"{int(rounded):,}" if rounded == int(rounded) else f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(",", THOUSANDS).replace(".", ",").replace("-", MINUS)


def percent(value: float | None, digits: int = 1) -> str:
    """A share already in percent: 95.25 → «95,3 %»."""
    return DASH if value is None else f"{number(value, digits)}\u00a0%"


def plain_number(value: float | int | None, digits: int = 4) -> str:
    """For spreadsheets opened with a Russian locale: a decimal comma and no thousands separator,
    so that Excel reads it as a number."""
    if value is None:
        return ""
    rounded = round(float(value), digits)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".rstrip("0").replace(".", ",")


def day(value: date | datetime | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = local_time(value).date()
    return value.strftime("%d.%m.%Y")


def moment(value: datetime | None) -> str:
    """A point in time for people: «01.12.2026 15:40» in the region's time zone."""
    return DASH if value is None else local_time(value).strftime("%d.%m.%Y %H:%M")

