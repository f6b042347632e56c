"""Events the pairing service publishes."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.contracts.envelope import EventData
from shared.vocabulary import Form as Form  # by who mentors whom: the vocabulary's list
from shared.vocabulary import HowForm as HowForm

EndOutcome = Literal["completed", "terminated"]


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
    how: HowForm | None = Field(default=None, description="Form by how; absent from producers before it existed.")
    proposal_id: str | None = Field(default=None, description="The matcher's proposal the curator confirmed, if any.")

    def subject(self) -> str:
        return self.pair_id


class PairEnded(EventData):
    event_type = "pairing.pair.ended.v1"
    description = (
        "A pair (or group) stopped working: completed as planned, or terminated early with a reason "
        "(the curator's decision, or a participant withdrew). Its mentees may be matched again."
    )

    pair_id: str
    programme_id: str
    school_id: str
    mentor_id: str
    mentee_ids: list[str] = Field(min_length=1)
    form: Form
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    outcome: EndOutcome
    reason: str | None = Field(default=None, description="Why it ended (Russian, for people); no personal data.")

    def subject(self) -> str:
        return self.pair_id


class MatchingCompleted(EventData):
    event_type = "pairing.matching.completed.v1"
    description = "The matcher proposed pairs for a programme's cohort: how many mentees were matched and how many not."

    run_id: str
    programme_id: str
    school_id: str | None = Field(default=None, description="The school when the run covered one school only.")
    academic_year: str | None = Field(default=None, pattern=r"^\d{4}/\d{4}$")
    objective: Literal["max_matched", "best_score"]
    form: Form
    how: HowForm
    mentees: int = Field(ge=0, description="Mentees in the run (free, not yet paired).")
    mentors: int = Field(ge=0)
    matched: int = Field(ge=0)
    unmatched: int = Field(ge=0)
    total_score: float

    def subject(self) -> str:
        return self.run_id


class PlanUpdated(EventData):
    event_type = "pairing.plan.updated.v1"
    description = (
        "A pair's development plan (ИОМ / индивидуальный план развития) changed: goals per deficit area "
        "and the roadmap's measures, with how many are done."
    )

    pair_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    goal_areas: list[str] = Field(default_factory=list, description="Deficit area codes the plan has goals for.")
    measures_total: int = Field(ge=0)
    measures_done: int = Field(ge=0)

    def subject(self) -> str:
        return self.pair_id


class PlanMeasureCompleted(EventData):
    event_type = "pairing.plan.measure_completed.v1"
    description = "A measure of a pair's development plan was done, with its result (a product); progress counts included."

    pair_id: str
    measure_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    area: str | None = Field(default=None, description="The deficit area the measure works on.")
    measures_total: int = Field(ge=0)
    measures_done: int = Field(ge=0)

    def subject(self) -> str:
        return self.measure_id


class MeetingRecorded(EventData):
    event_type = "pairing.meeting.recorded.v1"
    description = (
        "A pair's meeting was recorded or changed in the pair's working log: when and for how long. The topic "
        "and the mentee's reflection stay in pairing."
    )

    meeting_id: str
    pair_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    held_on: date
    minutes: int = Field(ge=1, le=1440)

    def subject(self) -> str:
        return self.meeting_id


class MeetingRemoved(EventData):
    event_type = "pairing.meeting.removed.v1"
    description = "A meeting was removed from a pair's log (recorded by mistake)."

    meeting_id: str
    pair_id: str
    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    held_on: date

    def subject(self) -> str:
        return self.meeting_id
