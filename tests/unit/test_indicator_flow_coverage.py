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
FORMS = ("teacher_teacher", "teacher_pupil", "pupil_pupil", "student_pupil", "employer_pupil", "employer_student", "head_teacher")
KNOWN_GAPS = frozenset({
    "schools_with_programme_share", "mentees_teacher", "mentees_pupil", "mentees_student", "mentees_employer",
    "pairs_formed", "pairs_completed", "pairs_terminated", "mentor_load_mean", "mentors_over_capacity",
    *(f"pairs_{state}_{form}" for state in ("active", "completed", "terminated") for form in FORMS),
    *(f"{who}_satisfaction_{band}_share" for who in ("mentee", "mentor") for band in ("low", "mid", "high")),
    *(f"swot_{scale}_mean" for scale in ("strengths", "weaknesses", "opportunities", "threats")),
    *(f"swot_responses_{form}" for form in FORMS),
    *(f"swot_{scale}_mean_{form}" for scale in ("strengths", "weaknesses", "opportunities", "threats") for form in FORMS),
    "plan_pairs", "plan_measures_total", "plan_measures_done", "plan_measures_done_share", "plan_pairs_done", "plan_pairs_done_share",
    "campaigns_held", "campaign_invited", "campaign_responded", "campaign_response_rate", "regional_campaign_responses",
})


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
    assert KNOWN_GAPS <= codes, f"not indicators (any more): {sorted(KNOWN_GAPS - codes)}"
