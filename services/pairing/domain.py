"""Pairing rules: pure functions, no I/O. The matcher of a later issue lives here too."""

from __future__ import annotations

from dataclasses import dataclass

# Which categories may mentor whom, per form (Р-145 and DOMAIN.md).
FORM_CATEGORIES: dict[str, tuple[str, str]] = {
    "teacher_teacher": ("teacher", "teacher"),
    "teacher_pupil": ("teacher", "pupil"),
    "pupil_pupil": ("pupil", "pupil"),
    "student_pupil": ("student", "pupil"),
    "employer_pupil": ("employer", "pupil"),
    "employer_student": ("employer", "student"),
    "head_teacher": ("teacher", "teacher"),
}


@dataclass(frozen=True)
class Person:
    participant_id: str
    category: str
    grade: int | None = None


def pair_problem(
    form: str,
    mentor: Person,
    mentees: list[Person],
    mentor_capacity: int,
    mentor_load: int,
    already_paired: set[str],
) -> str | None:
    """Why this pair cannot be formed by hand, or None. Messages are for curators: Russian."""
    mentor_category, mentee_category = FORM_CATEGORIES[form]
    if mentor.category != mentor_category:
        return f"В форме {form} наставник должен быть из категории {mentor_category}"
    for mentee in mentees:
        if mentee.participant_id == mentor.participant_id:
            return "Участник не может быть наставником самому себе"
        if mentee.category != mentee_category:
            return f"В форме {form} наставляемый должен быть из категории {mentee_category}"
        if mentee.participant_id in already_paired:
            return f"Наставляемый {mentee.participant_id} уже в паре в этой программе"
        if form == "pupil_pupil" and (mentor.grade or 0) <= (mentee.grade or 0):
            return "В форме «ученик – ученик» наставник учится в более старшем классе"
    if mentor_load + len(mentees) > mentor_capacity:
        return f"Превышена вместимость наставника: {mentor_load} из {mentor_capacity} уже заняты"
    return None
