"""A date is the region's calendar day, not the server's. The server keeps moments in UTC; a
curator in the region who records a meeting «сегодня» at 00:30 Moscow time means the new day,
while the server's `date.today()` (UTC) is still yesterday and would refuse the meeting as one
in the future. Every "today" and every date taken from a moment goes through shared.clock."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared import clock, formatting

ROOT = Path(__file__).resolve().parents[2]
LATE_EVENING_UTC = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 00:30 on 3 December in Moscow


def test_a_moment_after_the_regions_midnight_is_the_next_day() -> None:
    assert clock.local_date(LATE_EVENING_UTC) == date(2026, 12, 3)
    assert clock.local_date(LATE_EVENING_UTC.replace(tzinfo=None)) == date(2026, 12, 3)  # stored naive, in UTC
    assert clock.local_date(datetime(2026, 12, 2, 20, 59, tzinfo=UTC)) == date(2026, 12, 2)


def test_today_is_the_regions_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: LATE_EVENING_UTC)
    assert clock.today() == date(2026, 12, 3)
    assert clock.academic_year_of(clock.today()) == "2026/2027"


def test_pages_show_the_regions_day_of_a_moment() -> None:
    assert formatting.day(LATE_EVENING_UTC) == "03.12.2026"
    assert formatting.moment(LATE_EVENING_UTC) == "03.12.2026 00:30"


def _server_days(source: str) -> list[int]:
    """Lines that take a date or a wall-clock time from the server's clock: `date.today()`,
    `datetime.now()` / `datetime.utcnow()` without a zone, `utcnow().date()`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else None
        naive_now = name == "now" and not node.args and not node.keywords
        if (owner_name, name) in (("date", "today"), ("datetime", "utcnow")) or (owner_name == "datetime" and naive_now):
            found.append(node.lineno)
        elif name == "date" and isinstance(owner, ast.Call) and not node.args:
            called = owner.func
            if (isinstance(called, ast.Name) and called.id == "utcnow") or (isinstance(called, ast.Attribute) and called.attr in ("utcnow", "now")):
                found.append(node.lineno)
    return found


def test_the_rule_finds_each_way_of_asking_the_servers_day() -> None:
    source = "date.today()\ndatetime.now()\nutcnow().date()\nclock.utcnow().date()\ndatetime.now(UTC).date()\ndatetime.utcnow()\n"
    assert _server_days(source) == [1, 2, 3, 4, 5, 6]
    assert _server_days("clock.today()\nclock.local_date(moment)\ndatetime.now(UTC)\nvalue.date()\n") == []


def test_no_module_asks_the_server_for_the_day() -> None:
    offenders = []
    for folder in ("services", "shared", "nastavnik", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "shared" / "clock.py" or "static" in path.parts:
                continue
            offenders += [f"{path.relative_to(ROOT)}:{line}" for line in _server_days(path.read_text(encoding="utf-8"))]
    assert offenders == [], "use shared.clock.today() / clock.local_date(moment): " + ", ".join(offenders)
