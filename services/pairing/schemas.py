"""Request and response bodies of the pairing API: each request body translates into its use case's
plain command (`command()`, services/pairing/commands.py); each response body reads a result."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.pairing import EndOutcome, Form, HowForm
from shared.limits import MAPPING_MAX, Id

from services.pairing.commands import (
    ChangeMatchingRules,
    EndPair,
    ExcludePair,
    FormPair,
    Goal,
    MeasureDetails,
    Objective,
    RankMentees,
    RankMentors,
    RecordMeasureResult,
    RejectProposal,
    ReplaceMentor,
    ReplaceVocabulary,
    RunMatching,
    Scope,
    SetGoals,
    SetMentorLimits,
    Term,
)

_RESULT = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentor_id: Id
    mentee_ids: list[Id] = Field(min_length=1, max_length=30)
    form: Form = "teacher_teacher"
    how: HowForm | None = Field(default=None, description="Form by how; by default group for several mentees, else one to one.")

    def command(self) -> FormPair:
        return FormPair(mentor_id=self.mentor_id, mentee_ids=list(self.mentee_ids), form=self.form, how=self.how)


class PairOut(BaseModel):
    model_config = _RESULT

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

    def command(self) -> ChangeMatchingRules:
        return ChangeMatchingRules(
            form=self.form, how=self.how, scope=self.scope, objective=self.objective,
            weights=None if self.weights is None else dict(self.weights), min_experience_gap=self.min_experience_gap,
            require_coverage=self.require_coverage, min_score=self.min_score, stable=self.stable,
        )


class SubjectTermIn(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)  # also read from a result (commands.py)

    name: str = Field(min_length=1, max_length=200, description="A synonym or a narrower subject: «алгебра».")
    subject: str = Field(min_length=1, max_length=200, description="The subject it belongs to: «математика».")


class SubjectVocabularyIn(BaseModel):
    """The region's whole list of subjects with synonyms and relations; replaces the earlier one."""

    model_config = ConfigDict(extra="forbid")

    terms: list[SubjectTermIn] = Field(max_length=5000)

    def command(self) -> ReplaceVocabulary:
        return ReplaceVocabulary(terms=[Term(name=t.name, subject=t.subject) for t in self.terms])


class SubjectVocabularyOut(BaseModel):
    model_config = _RESULT

    terms: list[SubjectTermIn]


class MatchingSettingsOut(BaseModel):
    model_config = _RESULT

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

    def command(self) -> RunMatching:
        return RunMatching(objective=self.objective)


class MemberOut(BaseModel):
    model_config = _RESULT

    mentee_id: str
    display_name: str | None = None
    score: float
    breakdown: dict[str, float]


class ProposalOut(BaseModel):
    model_config = _RESULT

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
    model_config = _RESULT

    mentee_id: str
    display_name: str | None = None
    reason: str
    message: str
    candidates: int


class RunOut(BaseModel):
    model_config = _RESULT

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

    def command(self) -> RejectProposal:
        return RejectProposal(reason=self.reason)


class ReplaceIn(BaseModel):
    """Replace the proposed mentor by hand (same mentees)."""

    model_config = ConfigDict(extra="forbid")

    mentor_id: Id
    reason: str | None = Field(default=None, max_length=500)

    def command(self) -> ReplaceMentor:
        return ReplaceMentor(mentor_id=self.mentor_id, reason=self.reason)


class ExclusionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentor_id: Id
    mentee_id: Id
    reason: str | None = Field(default=None, max_length=500)

    def command(self) -> ExcludePair:
        return ExcludePair(mentor_id=self.mentor_id, mentee_id=self.mentee_id, reason=self.reason)


class MentorPreferencesIn(BaseModel):
    """The mentor's ranking of mentees: first = most wanted."""

    model_config = ConfigDict(extra="forbid")

    mentee_ids: list[Id] = Field(max_length=30)

    def command(self) -> RankMentees:
        return RankMentees(mentee_ids=list(self.mentee_ids))


class MentorLimitsIn(BaseModel):
    """A mentor's own hard rules in a programme: mentees they refuse («не этот наставляемый»)
    and, for pupils, the grades they take (from, to; either may be empty). Replaces the old."""

    model_config = ConfigDict(extra="forbid")

    refused_ids: list[Id] = Field(default_factory=list, max_length=200)
    grade_from: int | None = Field(default=None, ge=1, le=11)
    grade_to: int | None = Field(default=None, ge=1, le=11)
    reason: str | None = Field(default=None, max_length=500)

    def command(self) -> SetMentorLimits:
        return SetMentorLimits(refused_ids=list(self.refused_ids), grade_from=self.grade_from, grade_to=self.grade_to, reason=self.reason)


class MentorLimitsOut(MentorLimitsIn):
    model_config = ConfigDict(extra="forbid", from_attributes=True)  # read from the use case's result (commands.py)

    programme_id: str
    mentor_id: str


class PreferencesIn(BaseModel):
    """The mentee's ranking of mentors from the preference questionnaire: first = most wanted."""

    model_config = ConfigDict(extra="forbid")

    mentor_ids: list[Id] = Field(max_length=20)

    def command(self) -> RankMentors:
        return RankMentors(mentor_ids=list(self.mentor_ids))


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: EndOutcome
    reason: str | None = Field(default=None, max_length=500)

    def command(self) -> EndPair:
        return EndPair(outcome=self.outcome, reason=self.reason)


class GoalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)  # also read from a result (commands.py)

    area: Id = Field(description="A deficit area code.")
    goal: str = Field(min_length=1, max_length=1000)


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goals: list[GoalIn] = Field(max_length=20)

    def command(self) -> SetGoals:
        return SetGoals(goals=[Goal(area=g.area, goal=g.goal) for g in self.goals])


class MeasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    area: Id | None = None
    kind: str | None = Field(default=None, max_length=100, description="курс, пробный урок, проект, мероприятие …")
    starts_on: date | None = None
    due_on: date

    def command(self) -> MeasureDetails:
        return MeasureDetails(title=self.title, due_on=self.due_on, area=self.area, kind=self.kind, starts_on=self.starts_on)


class MeasureResultIn(BaseModel):
    """Close a measure with its product, and/or record the mentee's own view of it."""

    model_config = ConfigDict(extra="forbid")

    done_on: date | None = None
    product: str | None = Field(default=None, max_length=2000)
    mentee_view: str | None = Field(default=None, max_length=2000)

    def command(self) -> RecordMeasureResult:
        return RecordMeasureResult(done_on=self.done_on, product=self.product, mentee_view=self.mentee_view)


class MeasureOut(BaseModel):
    model_config = _RESULT

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
    model_config = _RESULT

    pair_id: str
    goals: list[GoalIn]
    measures: list[MeasureOut]
    measures_done: int
    measures_total: int
