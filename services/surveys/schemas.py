"""Request and response bodies of the surveys API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.surveys import InstrumentRef


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument: InstrumentRef
    respondent_id: str = Field(min_length=1)
    stage: Literal["start", "end"] | None = None
    answers: dict[str, int | float | str | None]
    submission_id: str | None = Field(
        default=None, min_length=8, max_length=100, description="Idempotency key: resubmitting it returns the first response."
    )


class ResponseOut(BaseModel):
    id: str
    submission_id: str
    instrument: InstrumentRef
    respondent_id: str
    respondent_role: str
    school_id: str
    academic_year: str
    pair_id: str | None
    stage: str | None
    scores: dict[str, float]


class InstrumentOut(BaseModel):
    code: str
    version: int
    title: str
    respondent_role: str
    description: str
    items: list[dict]
    scales: dict[str, list[str]]
