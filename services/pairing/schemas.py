"""Request and response bodies of the pairing API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.pairing import Form


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentor_id: str = Field(min_length=1)
    mentee_ids: list[str] = Field(min_length=1, max_length=30)
    form: Form = "teacher_teacher"


class PairOut(BaseModel):
    id: str
    programme_id: str
    school_id: str
    mentor_id: str
    mentee_ids: list[str]
    form: str
    academic_year: str
    status: str
