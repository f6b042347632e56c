"""Issue 12: every indicator of services/reports/domain.py is driven from a non-empty input to its
expected value by a flow test through the public entry points (tests/flow/, never a hand-built
event). This test fails when an indicator is named in no flow test — a new indicator must come
with one. KNOWN_GAPS lists the indicators that had none when the rule was introduced: debt to
pay off, never to grow (a code leaving it must get a flow test; the list may only shrink)."""

from __future__ import annotations

import re
from pathlib import Path

from services.reports.domain import INDICATORS

FLOW = Path(__file__).resolve().parents[1] / "flow"
KNOWN_GAPS: frozenset[str] = frozenset()


def named_in_flow_tests() -> set[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in FLOW.glob("test_*.py"))
    return {indicator.code for indicator in INDICATORS if re.search(rf"[\"']{re.escape(indicator.code)}[\"']", text)}


def test_every_indicator_has_a_flow_test() -> None:
    missing = sorted({indicator.code for indicator in INDICATORS} - named_in_flow_tests() - KNOWN_GAPS)
    assert missing == [], f"indicators without a flow test through the public entry points: {missing}"


def test_the_known_gaps_only_shrink() -> None:
    codes = {indicator.code for indicator in INDICATORS}
    closed = sorted(KNOWN_GAPS & named_in_flow_tests())
    assert closed == [], f"these now have a flow test: remove them from KNOWN_GAPS: {closed}"
    assert codes >= KNOWN_GAPS, f"not indicators (any more): {sorted(KNOWN_GAPS - codes)}"
