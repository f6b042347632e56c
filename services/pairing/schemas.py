"""Request and response bodies of the pairing API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.pairing import EndOutcome, Form, HowForm
from shared.limits import MAPPING_MAX, Id


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentor_id: Id
    mentee_ids: list[Id] = Field(min_length=1, max_length=30)
    form: Form = "teacher_teacher"
    how: HowForm | None = Field(default=None, description="Form by how; by default group for several mentees, else one to one.")


class PairOut(BaseModel):
    id: str
    programme_id: str
    school_id: str
    mentor_id: str
    mentee_ids: list[str]
    form: str
    academic_year: str
    status: str
    how: str | None = None
    end_reason: str | None = None


Objective = Literal["max_matched", "best_score"]
Scope = Literal["school", "municipality", "region"]


class MatchingSettingsIn(BaseModel):
    """The matcher's rules for a programme; omitted fields keep their value."""

    model_config = ConfigDict(extra="forbid")

    form: Form | None = None
    how: HowForm | None = None
    scope: Scope | None = None
    objective: Objective | None = None
    weights: dict[str, float] | None = Field(default=None, max_length=MAPPING_MAX, description="Points per criterion at full match.")
    min_experience_gap: int | None = Field(default=None, ge=0, le=40)
    require_coverage: bool | None = None
    min_score: float | None = Field(default=None, ge=0, le=1000, description="No pair scoring fewer points is proposed.")
    stable: bool | None = Field(default=None, description="Stable matching instead of the optimum; its cost is reported.")


class SubjectTermIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="A synonym or a narrower subject: «алгебра».")
    subject: str = Field(min_length=1, max_length=200, description="The subject it belongs to: «математика».")


class SubjectVocabularyIn(BaseModel):
    """The region's whole list of subjects with synonyms and relations; replaces the earlier one."""

    model_config = ConfigDict(extra="forbid")

    terms: list[SubjectTermIn] = Field(max_length=5000)


class SubjectVocabularyOut(BaseModel):
    terms: list[SubjectTermIn]


class MatchingSettingsOut(BaseModel):
    programme_id: str
    form: str
    how: str
    scope: str
    objective: str
    weights: dict[str, float]
    min_experience_gap: int
    require_coverage: bool
    min_score: float
    stable: bool
    criteria: dict[str, str] = Field(description="What each criterion means (Russian).")


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    objective: Objective | None = Field(default=None, description="Overrides the programme's setting for this run.")


class MemberOut(BaseModel):
    mentee_id: str
    display_name: str | None = None
    score: float
    breakdown: dict[str, float]


class ProposalOut(BaseModel):
    id: str
    run_id: str
    programme_id: str
    school_id: str
    mentor_id: str
    mentor_name: str | None = None
    form: str
    how: str
    status: str
    score: float
    members: list[MemberOut]
    pair_id: str | None = None
    note: str | None = None


class UnmatchedOut(BaseModel):
    mentee_id: str
    display_name: str | None = None
    reason: str
    message: str
    candidates: int


class RunOut(BaseModel):
    id: str
    programme_id: str
    objective: str
    rules: dict
    mentees: int
    mentors: int
    matched: int
    unmatched_count: int
    total_score: float
    optimum_score: float | None = Field(default=None, description="Stable runs: the optimum's total score.")
    stability_cost: float | None = Field(default=None, description="Stable runs: points given up for stability.")
    proposals: list[ProposalOut]
    unmatched: list[UnmatchedOut]
    explanation: str


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


class ReplaceIn(BaseModel):
    """Replace the proposed mentor by hand (same mentees)."""

    model_config = ConfigDict(extra="forbid")

    mentor_id: Id
    reason: str | None = Field(default=None, max_length=500)


class ExclusionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentor_id: Id
    mentee_id: Id
    reason: str | None = Field(default=None, max_length=500)


class MentorPreferencesIn(BaseModel):
    """The mentor's ranking of mentees: first = most wanted."""

    model_config = ConfigDict(extra="forbid")

    mentee_ids: list[Id] = Field(max_length=30)


class MentorLimitsIn(BaseModel):
    """A mentor's own hard rules in a programme: mentees they refuse («не этот наставляемый»)
    and, for pupils, the grades they take (from, to; either may be empty). Replaces the old."""

    model_config = ConfigDict(extra="forbid")

    refused_ids: list[Id] = Field(default_factory=list, max_length=200)
    grade_from: int | None = Field(default=None, ge=1, le=11)
    grade_to: int | None = Field(default=None, ge=1, le=11)
    reason: str | None = Field(default=None, max_length=500)


class MentorLimitsOut(MentorLimitsIn):
    programme_id: str
    mentor_id: str


class PreferencesIn(BaseModel):
    """The mentee's ranking of mentors from the preference questionnaire: first = most wanted."""

    model_config = ConfigDict(extra="forbid")

    mentor_ids: list[Id] = Field(max_length=20)


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: EndOutcome
    reason: str | None = Field(default=None, max_length=500)


class GoalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: Id = Field(description="A deficit area code.")
    goal: str = Field(min_length=1, max_length=1000)


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goals: list[GoalIn] = Field(max_length=20)


class MeasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    area: Id | None = None
    kind: str | None = Field(default=None, max_length=100, description="курс, пробный урок, проект, мероприятие …")
    starts_on: date | None = None
    due_on: date


class MeasureResultIn(BaseModel):
    """Close a measure with its product, and/or record the mentee's own view of it."""

    model_config = ConfigDict(extra="forbid")

    done_on: date | None = None
    product: str | None = Field(default=None, max_length=2000)
    mentee_view: str | None = Field(default=None, max_length=2000)


class MeasureOut(BaseModel):
    id: str
    title: str
    area: str | None
    kind: str | None
    starts_on: date | None
    due_on: date
    done_on: date | None
    product: str | None
    mentee_view: str | None


class PlanOut(BaseModel):
    pair_id: str
    goals: list[GoalIn]
    measures: list[MeasureOut]
    measures_done: int
    measures_total: int
