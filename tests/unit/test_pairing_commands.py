"""Pairing's request bodies translate into their use cases' plain commands whole (issue 18): every
field the API accepts reaches the use case, with its value, and nothing else is added."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from pydantic import BaseModel

from services.pairing import meetings_schemas as m
from services.pairing import schemas as s

BODIES: list[BaseModel] = [
    s.PairIn(mentor_id="t1", mentee_ids=["e1", "e2"], form="teacher_teacher", how="group"),
    s.PairIn(mentor_id="t1", mentee_ids=["e1"]),
    s.MatchingSettingsIn(form="teacher_teacher", how="one_to_one", scope="school", objective="best_score",
                         weights={"same_subject": 12.5}, min_experience_gap=3, require_coverage=True, min_score=4, stable=True),
    s.MatchingSettingsIn(),
    s.SubjectVocabularyIn(terms=[s.SubjectTermIn(name="алгебра", subject="математика")]),
    s.RunIn(objective="max_matched"),
    s.RunIn(),
    s.RejectIn(reason="не подходит"),
    s.ReplaceIn(mentor_id="t2", reason="по просьбе"),
    s.ExclusionIn(mentor_id="t1", mentee_id="e1", reason="родственники"),
    s.MentorPreferencesIn(mentee_ids=["e2", "e1"]),
    s.MentorLimitsIn(refused_ids=["e3"], grade_from=5, grade_to=9, reason="только средняя школа"),
    s.MentorLimitsIn(),
    s.PreferencesIn(mentor_ids=["t2", "t1"]),
    s.EndIn(outcome="terminated", reason="переезд"),
    s.PlanIn(goals=[s.GoalIn(area="methodological", goal="Освоить проектную задачу")]),
    s.MeasureIn(title="Пробный урок", area="methodological", kind="урок", starts_on=date(2026, 10, 1), due_on=date(2026, 10, 9)),
    s.MeasureResultIn(done_on=date(2026, 10, 9), product="Конспект", mentee_view="Полезно"),
    m.MeetingIn(held_on=date(2026, 10, 2), minutes=45, format="online", topic="Разбор урока", measure_ids=["x"], note="заметка"),
    m.ReflectionIn(text="Получилось", usefulness=4),
]


@pytest.mark.parametrize("body", BODIES, ids=lambda b: type(b).__name__)
def test_a_body_becomes_its_command_whole(body: BaseModel) -> None:
    command = body.command()  # type: ignore[attr-defined]
    assert dataclasses.is_dataclass(command) and not isinstance(command, BaseModel)
    assert dataclasses.asdict(command) == body.model_dump()


def test_every_request_body_has_a_command() -> None:
    bodies = {type(b) for b in BODIES}
    for module in (s, m):
        for name, value in vars(module).items():
            if name.endswith("In") and isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                assert value in bodies or name in ("SubjectTermIn", "GoalIn"), f"{name}: no command() covered here"
