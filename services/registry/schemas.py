"""Request bodies of the registry API (validated at the edge: 422 names the field)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ACADEMIC_YEAR = r"^\d{4}/\d{4}$"


class SchoolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school_id: str | None = Field(default=None, min_length=1, max_length=64, description="Own id, e.g. from ФИС ФРДО.")
    name: str = Field(min_length=1, max_length=300)
    municipality_id: str = Field(min_length=1, max_length=64)
    municipality_name: str = Field(min_length=1, max_length=200)
    low_results: bool = False
    difficult_conditions: bool = False


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Literal["teacher", "pupil", "student", "employer"]
    full_name: str = Field(min_length=1, max_length=200)
    external_id: str | None = Field(default=None, max_length=100)
    subjects: list[str] = Field(default_factory=list)
    experience_years: int | None = Field(default=None, ge=0, le=70)
    birth_year: int | None = Field(default=None, ge=1930, le=2025)
    grade: int | None = Field(default=None, ge=1, le=11)

    @model_validator(mode="after")
    def grade_only_for_pupils(self) -> ParticipantIn:
        if self.category == "pupil" and self.grade is None:
            raise ValueError("Для обучающегося укажите класс (grade)")
        if self.category != "pupil" and self.grade is not None:
            raise ValueError("Класс (grade) указывается только для обучающегося")
        return self


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    academic_year: str = Field(pattern=ACADEMIC_YEAR, examples=["2026/2027"])
    forms: list[str] = Field(default_factory=lambda: ["teacher_teacher"])


class EnrolmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: str = Field(min_length=1)
    role: Literal["mentor", "mentee", "curator"]
    capacity: int | None = Field(default=None, ge=1, le=30)
