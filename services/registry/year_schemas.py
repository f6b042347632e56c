"""Request and response bodies of a programme's year (issue 15): activities, training and
recognition of mentors. Closed lists come from shared/vocabulary.py. Each request body turns into
the use case's plain command (`command()`, services/registry/year_commands.py; a change into the
mapping of the fields given, `changes()`); each response body reads a result (`from_attributes`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.limits import Id, IdList
from shared.vocabulary import ActivityKind, RecognitionKind, RecognitionLevel, RecognitionResult, TrainingKind

from services.registry.schemas import Changes
from services.registry.year_commands import MarkHeld, PlanActivity, RecordRecognition, RecordTraining

Title = Annotated[str, Field(min_length=1, max_length=300)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ActivityKind
    title: Title = Field(description="Its topic (тема), e.g. «Установочная встреча наставников и наставляемых».")
    planned_on: date
    place: Short | None = Field(default=None, description="Where: a room, a school, a link.")
    format: Short | None = Field(default=None, description="How: очно, дистанционно, смешанно…")
    participant_ids: IdList = Field(default_factory=list, description="People enrolled in the programme or teachers of its school.")

    def command(self) -> PlanActivity:
        return PlanActivity(**dict(self))



class ActivityPatch(Changes):
    model_config = ConfigDict(extra="forbid")
    __nullable__ = frozenset({"place", "format"})

    kind: ActivityKind | None = None
    title: Title | None = None
    planned_on: date | None = None
    place: Short | None = None
    format: Short | None = None
    participant_ids: IdList | None = Field(default=None, description="The whole new list of participants.")


class HeldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    attended_ids: IdList = Field(default_factory=list, description="Who came: some of the activity's participants.")

    def command(self) -> MarkHeld:
        return MarkHeld(**dict(self))



class ActivityPersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (year_commands.py)

    participant_id: str
    full_name: str
    attended: bool


class ActivityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (year_commands.py)

    id: str
    programme_id: str
    school_id: str
    academic_year: str
    kind: str
    title: str
    planned_on: date
    held_on: date | None
    place: str | None
    format: str | None
    cancelled: bool
    participants_invited: int
    participants_attended: int
    participants: list[ActivityPersonOut] | None = Field(default=None, description="Names and marks: one activity's answer only.")


class TrainingIn(BaseModel):
    """One course for several mentors at once."""

    model_config = ConfigDict(extra="forbid")

    person_ids: IdList = Field(min_length=1, description="The trained mentors (teachers or people enrolled as mentors).")
    kind: TrainingKind
    title: Title = Field(description="The course's or the intensive's title.")
    organiser: Short = Field(description="Who ran it: ИРО, ЦНППМ, the school…")
    completed_on: date
    hours: int | None = Field(default=None, ge=1, le=2000)
    certificates: dict[Id, Short] | None = Field(default=None, max_length=200,
                                                 description="Certificate numbers by person id (optional).")

    def command(self) -> RecordTraining:
        return RecordTraining(**dict(self))



class TrainingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    person_id: str
    school_id: str
    academic_year: str
    kind: str
    title: str
    organiser: str
    completed_on: date
    hours: int | None
    certificate: str | None
    created_at: datetime


class RecognitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: Id
    kind: RecognitionKind
    level: RecognitionLevel
    result: RecognitionResult
    title: Title = Field(description="The contest's or the award's title, e.g. «Учитель года».")
    awarded_on: date

    def command(self) -> RecordRecognition:
        return RecordRecognition(**dict(self))



class RecognitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    person_id: str
    school_id: str
    academic_year: str
    kind: str
    level: str
    result: str
    title: str
    awarded_on: date
    created_at: datetime


class MentorRecordOut(BaseModel):
    """A person's training and recognition (their own page, or the school's staff)."""

    model_config = ConfigDict(from_attributes=True)  # read from the use case's result (year_commands.py)

    person_id: str
    training: list[TrainingOut]
    recognitions: list[RecognitionOut]
