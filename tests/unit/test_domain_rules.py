"""Pure rules of the four services, against hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest

from shared.clock import academic_year_of

from services.pairing.domain import Person, pair_problem
from services.registry.domain import enrolment_problem, is_young_specialist
from services.reports import domain as indicators
from services.surveys.domain import BUILT_IN, answer_problems, score

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("category", "birth_year", "experience", "young"),
    [
        ("teacher", 1995, 10, True),   # 31 years old
        ("teacher", 1991, 10, False),  # 35 this year is not under 35, and ten years of work
        ("teacher", 1980, 3, True),    # third year of work
        ("teacher", 1980, 4, False),
        ("teacher", None, None, False),
        ("pupil", 2012, None, False),
    ],
)
def test_young_specialist(category: str, birth_year: int | None, experience: int | None, young: bool) -> None:
    assert is_young_specialist(category, birth_year, experience, TODAY) is young


def test_enrolment_rules() -> None:
    assert enrolment_problem("mentor", "teacher", None) is not None
    assert enrolment_problem("mentor", "teacher", 3) is None
    assert enrolment_problem("mentee", "teacher", 2) is not None
    assert enrolment_problem("curator", "pupil", None) is not None


def test_academic_year_starts_in_september() -> None:
    assert academic_year_of(date(2026, 8, 31)) == "2025/2026"
    assert academic_year_of(date(2026, 9, 1)) == "2026/2027"


def test_pair_rules() -> None:
    mentor, mentee = Person("m", "teacher"), Person("e", "teacher")
    assert pair_problem("teacher_teacher", mentor, [mentee], 2, 0, set()) is None
    assert "вместимость" in pair_problem("teacher_teacher", mentor, [mentee], 2, 2, set())
    assert "самому себе" in pair_problem("teacher_teacher", mentor, [mentor], 2, 0, set())
    assert "уже в паре" in pair_problem("teacher_teacher", mentor, [mentee], 2, 0, {"e"})
    older, younger = Person("a", "pupil", 10), Person("b", "pupil", 6)
    assert pair_problem("pupil_pupil", older, [younger], 1, 0, set()) is None
    assert "старшем классе" in pair_problem("pupil_pupil", younger, [older], 1, 0, set())
    assert "категории" in pair_problem("teacher_pupil", mentor, [mentee], 1, 0, set())


def test_satisfaction_scoring_hand_computed() -> None:
    instrument = BUILT_IN[("satisfaction_mentee", 1)]
    answers = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
    assert answer_problems(instrument, answers) == []
    scores = score(instrument, answers)
    assert scores["satisfaction"] == 8.0  # (8+9+7+10+6)/5
    assert scores["comfort"] == 9.0


def test_invalid_answers_are_reported_per_item() -> None:
    instrument = BUILT_IN[("satisfaction_mentor", 1)]
    problems = answer_problems(instrument, {"effectiveness": 11, "comfort": "high", "unknown": 1, "joint_work": 5.5})
    by_item = {p.item: p.message for p in problems}
    assert "вне шкалы" in by_item["effectiveness"]
    assert "целое число" in by_item["comfort"]
    assert "Неизвестный" in by_item["unknown"]
    assert "целое число" in by_item["joint_work"]
    assert "Обязательный" in by_item["meetings_useful"]
    assert "most_valuable" not in by_item  # optional


def test_indicator_formulas() -> None:
    counters = {
        "schools_total": 3, "young_specialists_total": 4, "mentees_young_specialists": 3,
        "pupils_total": 0, "mentee_satisfaction_sum": 22, "mentee_satisfaction_count": 3,
    }
    values = indicators.compute(counters)
    assert values["schools_total"] == 3
    assert values["young_specialists_in_mentoring_share"] == 75.0
    assert values["pupils_in_mentoring_share"] is None  # no pupils: undefined, not 0
    assert values["mentee_satisfaction_mean"] == 7.33
    assert values["mentor_satisfaction_mean"] is None


def test_every_indicator_is_defined_once_with_a_russian_name() -> None:
    codes = [i.code for i in indicators.INDICATORS]
    assert len(codes) == len(set(codes))
    for indicator in indicators.INDICATORS:
        assert any("а" <= ch <= "я" for ch in indicator.name.lower()), indicator.code
        assert indicator.unit and indicator.formula
