"""Numbers and dates as people in Russia read them (shared/formatting.py)."""

from datetime import UTC, date, datetime

from shared import formatting


def test_numbers_have_a_decimal_comma_thin_thousands_and_a_real_minus() -> None:
    assert formatting.number(12345.678) == "12\u202f345,68"
    assert formatting.number(7.333333) == "7,33"
    assert formatting.number(3.0) == "3"
    assert formatting.number(-0.94) == "\u22120,94"
    assert formatting.number(None) == "—"
    assert formatting.percent(95.238) == "95,2\u00a0%"


def test_spreadsheet_numbers_keep_a_plain_minus_and_no_separator() -> None:
    assert formatting.plain_number(12345.5) == "12345,5"
    assert formatting.plain_number(-0.94) == "-0,94"
    assert formatting.plain_number(None) == ""


def test_dates_read_day_month_year_in_the_regions_time() -> None:
    assert formatting.day(date(2026, 9, 1)) == "01.09.2026"
    assert formatting.moment(datetime(2026, 12, 1, 21, 30, tzinfo=UTC)) == "02.12.2026 00:30"
