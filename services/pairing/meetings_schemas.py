"""Request and response bodies of a pair's meetings (журнал встреч) and the mentees' reflections:
each request body translates into a plain command (`command()`, meetings_commands.py); each
response body reads a result."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.limits import Id
from shared.vocabulary import MeetingFormat

from services.pairing import domain_meetings as rules
from services.pairing.meetings_commands import MeetingDetails, WriteReflection

_RESULT = ConfigDict(from_attributes=True)  # read from the use case's result (meetings_commands.py)


class MeetingIn(BaseModel):
    """A meeting recorded, or changed (every field replaced)."""

    model_config = ConfigDict(extra="forbid")

    held_on: date = Field(description="The day the pair met: not in the future, not before the pair was formed.")
    minutes: int = Field(ge=rules.MINUTES[0], le=rules.MINUTES[1], description="How long, in minutes (1..1440).")
    format: MeetingFormat = Field(description="in_person (очно) or online (онлайн).")
    topic: str = Field(min_length=1, max_length=rules.TOPIC_MAX, description="What the meeting was about.")
    measure_ids: list[Id] = Field(default_factory=list, max_length=rules.MEASURES_MAX,
                                  description="Measures of the pair's plan it worked on.")
    note: str | None = Field(default=None, max_length=rules.NOTE_MAX, description="The mentor's working note (not shown to mentees).")

    def command(self) -> MeetingDetails:
        return MeetingDetails(held_on=self.held_on, minutes=self.minutes, format=self.format, topic=self.topic,
                              measure_ids=list(self.measure_ids), note=self.note)


class ReflectionIn(BaseModel):
    """The calling mentee's own reflection on a meeting: what went well, what was useful, what next."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=rules.REFLECTION_MAX)
    usefulness: int | None = Field(default=None, ge=rules.USEFULNESS[0], le=rules.USEFULNESS[1],
                                   description="How useful the meeting was, 1..5.")

    def command(self) -> WriteReflection:
        return WriteReflection(text=self.text, usefulness=self.usefulness)


class ReflectionOut(BaseModel):
    model_config = _RESULT

    mentee_id: str
    text: str
    usefulness: int | None
    written_at: datetime


class MeetingOut(BaseModel):
    model_config = _RESULT

    id: str
    pair_id: str
    held_on: date
    minutes: int
    format: str
    topic: str
    measure_ids: list[str]
    note: str | None = Field(default=None, description="Shown to the mentor and the curator only.")
    reflections: list[ReflectionOut] = Field(description="A mentee sees their own only.")
    reflections_expected: int = Field(description="Mentees of the pair, each of whom may reflect.")


class MeetingSummaryOut(BaseModel):
    model_config = _RESULT

    this_month: int
    total: int
    minutes: int


class MeetingLogOut(BaseModel):
    model_config = _RESULT

    pair_id: str
    status: str
    summary: MeetingSummaryOut
    meetings: list[MeetingOut] = Field(description="Latest first.")
