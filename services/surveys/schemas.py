"""Request and response bodies of the surveys API: each request body turns into the use case's
plain command (`command()`, services/surveys/commands.py); each response body reads a result."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.surveys import InstrumentRef
from shared.limits import ANSWERS_MAX, LIST_MAX, MAPPING_MAX, Id, IdList, Item, Text
from shared.vocabulary import Category, Role

from services.surveys.commands import OpenCampaign, SubmitResponse

# Each answer is bounded: free text up to TEXT_MAX characters, a choice list or a matrix of up to
# LIST_MAX / MAPPING_MAX items; a response holds at most ANSWERS_MAX answers (shared/limits.py).
Answer = int | float | Text | Annotated[list[Text], Field(max_length=LIST_MAX)] | Annotated[
    dict[Item, int | float | Text | None], Field(max_length=MAPPING_MAX)] | None


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument: InstrumentRef
    respondent_id: Id
    role: Role | None = Field(
        default=None, description="For instruments several roles answer (deficits, growth); default: the respondent's role."
    )
    stage: Literal["start", "end"] | None = None
    campaign_id: Id | None = None
    answers: dict[Item, Answer] = Field(max_length=ANSWERS_MAX)
    submission_id: str | None = Field(
        default=None, min_length=8, max_length=100, description="Idempotency key: resubmitting it returns the first response."
    )

    def command(self) -> SubmitResponse:
        return SubmitResponse(instrument=self.instrument, respondent_id=self.respondent_id, answers=dict(self.answers),
                              role=self.role, stage=self.stage, campaign_id=self.campaign_id, submission_id=self.submission_id)


class ResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)

    id: str
    submission_id: str
    instrument: InstrumentRef
    respondent_id: str
    respondent_role: str
    school_id: str
    academic_year: str
    pair_id: str | None
    stage: str | None
    campaign_id: str | None = None
    scores: dict[str, float]


class InstrumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)

    code: str
    version: int
    title: str
    respondent_role: str
    respondent_roles: list[str]
    staged: bool
    description: str
    origin: Literal["built_in", "region", "school"] = "built_in"
    owner_id: str | None = None
    used: bool = True
    items: list[dict]
    scales: dict[str, list[str]]
    definition: dict[str, Any]


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    instrument: InstrumentRef
    school_id: Id | None = Field(
        default=None, description="Region or municipal staff: one school; none for the whole region (or municipality)."
    )
    municipality_id: Id | None = Field(
        default=None, description="Every school of one municipality (region staff; a municipal coordinator's own by default)."
    )
    programme_id: Id | None = None
    role: Role | None = None
    form: Item | None = None
    category: Category | None = Field(
        default=None, description="Only people of this category (педагоги, обучающиеся, студенты, работодатели)."
    )
    stage: Literal["start", "end"] | None = None
    opens_on: date
    closes_on: date
    respondent_ids: IdList | None = Field(default=None, description="Explicit respondents instead of (or narrowing) the selection.")

    def command(self) -> OpenCampaign:
        return OpenCampaign(
            instrument=self.instrument, opens_on=self.opens_on, closes_on=self.closes_on, title=self.title,
            school_id=self.school_id, municipality_id=self.municipality_id, programme_id=self.programme_id, role=self.role,
            form=self.form, category=self.category, stage=self.stage, respondent_ids=self.respondent_ids,
        )


class InviteeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)

    participant_id: str
    school_id: str
    role: str
    status: str
    link_path: str | None
    response_id: str | None


class CampaignOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)

    id: str
    title: str
    instrument: InstrumentRef
    school_id: str | None
    municipality_id: str | None = None
    programme_id: str | None
    role: str | None
    form: str | None
    category: str | None = None
    stage: str | None
    opens_on: date
    closes_on: date
    status: str
    invited: int
    responded: int
    response_rate: float | None
    invitees: list[InviteeOut] = Field(default_factory=list)


class GrowthOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)

    respondent_id: str
    instrument: InstrumentRef
    start: dict[str, float] | None
    end: dict[str, float] | None
    growth: dict[str, float] | None
