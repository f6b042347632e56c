"""Events the surveys service publishes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventData

RespondentRole = Literal["mentor", "mentee", "curator"]

DEFICIT_AREAS: dict[str, str] = {
    "scientific_theoretical": "научно-теоретические",
    "regulatory_legal": "нормативные правовые",
    "subject_professional": "предметно-профессиональные",
    "psychological_pedagogical": "психолого-педагогические",
    "methodological": "методические",
    "ict_digital": "ИКТ-компетенции и цифровизация",
    "extracurricular_upbringing": "внеурочная и воспитательная деятельность",
    "health_saving": "здоровьесбережение обучающихся",
}
"""Areas of professional deficits (seed 003): the scale codes of the deficit self-diagnosis
(`deficit_self_diagnosis`), which pairing reads from surveys.response.completed.v1 scores."""
DEFICIT_INSTRUMENT = "deficit_self_diagnosis"
Stage = Literal["start", "end"]


class InstrumentRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(min_length=1)
    version: int = Field(ge=1)


class ResponseCompleted(EventData):
    event_type = "surveys.response.completed.v1"
    description = "A respondent completed a questionnaire; scores are per scale."

    response_id: str
    instrument: InstrumentRef
    respondent_id: str
    respondent_role: RespondentRole
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    pair_id: str | None = None
    stage: Stage | None = None
    scores: dict[str, float]

    def subject(self) -> str:
        return self.response_id
