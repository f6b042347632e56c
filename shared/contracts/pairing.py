"""Events the pairing service publishes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.contracts.envelope import EventData

Form = Literal[
    "teacher_teacher",
    "teacher_pupil",
    "pupil_pupil",
    "student_pupil",
    "employer_pupil",
    "employer_student",
    "head_teacher",
]
"""Form by who mentors whom (учитель – учитель, …, руководитель – учитель)."""


class PairFormed(EventData):
    event_type = "pairing.pair.formed.v1"
    description = "A curator confirmed a mentor with one or more mentees: the pair (or group) works."

    pair_id: str
    programme_id: str
    school_id: str
    mentor_id: str
    mentee_ids: list[str] = Field(min_length=1)
    form: Form
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")

    def subject(self) -> str:
        return self.pair_id
