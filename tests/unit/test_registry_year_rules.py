"""Pure rules of a programme's year (services/registry/domain_year.py): who may take part in an
activity, who may be recorded as trained or recognised, dates, attendance counts."""

from __future__ import annotations

from datetime import date

from services.registry.domain_year import (
    Person,
    activity_participant_problem,
    attendance,
    attendance_label,
    held_problem,
    mentor_problem,
    past_problem,
    unknown_ids,
    untrained,
)

TEACHER = Person(id="t", school_id="s1", category="teacher", active=True, consented=True)
PUPIL = Person(id="p", school_id="s1", category="pupil", active=True, consented=True)


def test_activity_participants_are_enrolled_people_or_the_schools_teachers() -> None:
    assert activity_participant_problem(TEACHER, "s1") is None  # staff, not enrolled
    assert activity_participant_problem(Person(**{**TEACHER.__dict__, "enrolled": False}), "s1") is None
    assert "зачисленный" in activity_participant_problem(PUPIL, "s1")
    assert activity_participant_problem(Person(**{**PUPIL.__dict__, "enrolled": True}), "s1") is None
    assert "школы программы" in activity_participant_problem(TEACHER, "s2")
    assert "школы программы" in activity_participant_problem(None, "s1")
    assert "выбыл" in activity_participant_problem(Person(**{**TEACHER.__dict__, "active": False}), "s1")
    assert "согласия" in activity_participant_problem(Person(**{**TEACHER.__dict__, "consented": False}), "s1")


def test_training_and_recognition_are_for_teachers_and_mentors() -> None:
    assert mentor_problem(TEACHER, "s1") is None
    assert mentor_problem(Person(**{**PUPIL.__dict__, "mentors": True}), "s1") is None  # a pupil mentor
    student = Person(id="st", school_id="s1", category="student", active=True, consented=True, mentors=True)
    assert mentor_problem(student, "s1") is None  # a partner's person who mentors
    assert "педагогов и наставников" in mentor_problem(PUPIL, "s1")
    assert mentor_problem(TEACHER, "s2") is not None and mentor_problem(None, "s1") is not None


def test_dates_and_counts() -> None:
    today = date(2026, 12, 2)
    assert held_problem(date(2026, 12, 2), today) is None
    assert held_problem(date(2026, 11, 1), today) is None  # earlier than planned is fine: both dates are kept
    assert "будущем" in held_problem(date(2026, 12, 3), today)
    assert past_problem(date(2026, 12, 3), today, "Дата") == "Дата не может быть в будущем"
    assert attendance({"a": True, "b": False, "c": True}) == (3, 2)
    assert attendance_label(3, 2, held=True) == "пришли 2 из 3"
    assert attendance_label(3, 0, held=False) == "приглашены 3"
    assert attendance_label(0, 0, held=False) == "участники не выбраны"
    assert unknown_ids(["x", "a", "x"], ["a", "b"]) == ["x"]
    assert untrained(["m1", "m2", "m3"], {"m2"}) == ["m1", "m3"]
