"""What the pairing use cases take and give back: plain commands and results, no web types.

The HTTP API (api.py, schemas.py: each `*In.command()`; the `*Out` models read these results with
`from_attributes`), the pages (web*.py) and the event handlers (handlers.py) translate into and
out of these; the use cases (service.py, pairs.py, matching.py, preferences.py, plans.py,
vocabulary.py) never import schemas.py (tests/unit/test_use_case_commands.py). A pair's meetings:
meetings_commands.py. Validation of shape and limits stays at the edge (pydantic, the same 422s);
the use cases check what needs the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Objective = Literal["max_matched", "best_score"]
Scope = Literal["school", "municipality", "region"]


# --- pairs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormPair:
    """Form a pair (or a group) by hand; `how` by default: group for several mentees, else one to one."""

    mentor_id: str
    mentee_ids: list[str]
    form: str = "teacher_teacher"
    how: str | None = None


@dataclass(frozen=True)
class EndPair:
    """End a pair: completed, or terminated early (then with a reason)."""

    outcome: str
    reason: str | None = None


@dataclass(frozen=True)
class PairResult:
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


# --- matching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeMatchingRules:
    """The matcher's rules for a programme; None keeps the current value (weights: per criterion)."""

    form: str | None = None
    how: str | None = None
    scope: Scope | None = None
    objective: Objective | None = None
    weights: dict[str, float] | None = None
    min_experience_gap: int | None = None
    require_coverage: bool | None = None
    min_score: float | None = None
    stable: bool | None = None

    def changes(self) -> dict[str, Any]:
        """The values stated (not None)."""
        return {name: value for name, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class RunMatching:
    objective: Objective | None = None  # overrides the programme's setting for this run


@dataclass(frozen=True)
class RejectProposal:
    reason: str | None = None


@dataclass(frozen=True)
class ReplaceMentor:
    """Replace the proposed mentor by hand (same mentees)."""

    mentor_id: str
    reason: str | None = None


@dataclass(frozen=True)
class MatchingRulesResult:
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
    criteria: dict[str, str]  # what each criterion means (Russian)


@dataclass(frozen=True)
class MemberResult:
    mentee_id: str
    display_name: str | None
    score: float
    breakdown: dict[str, float]


@dataclass(frozen=True)
class ProposalResult:
    id: str
    run_id: str
    programme_id: str
    school_id: str
    mentor_id: str
    mentor_name: str | None
    form: str
    how: str
    status: str
    score: float
    members: list[MemberResult]
    pair_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class UnmatchedResult:
    mentee_id: str
    display_name: str | None
    reason: str
    message: str
    candidates: int


@dataclass(frozen=True)
class RunResult:
    id: str
    programme_id: str
    objective: str
    rules: dict
    mentees: int
    mentors: int
    matched: int
    unmatched_count: int
    total_score: float
    optimum_score: float | None
    stability_cost: float | None
    proposals: list[ProposalResult]
    unmatched: list[UnmatchedResult]
    explanation: str


# --- what both sides state before a run ---------------------------------------------------------


@dataclass(frozen=True)
class ExcludePair:
    """A pair the matcher must not propose."""

    mentor_id: str
    mentee_id: str
    reason: str | None = None


@dataclass(frozen=True)
class RankMentors:
    """The mentee's ranking of mentors (first = most wanted)."""

    mentor_ids: list[str]


@dataclass(frozen=True)
class RankMentees:
    """The mentor's ranking of mentees (first = most wanted)."""

    mentee_ids: list[str]


@dataclass(frozen=True)
class SetMentorLimits:
    """A mentor's own hard rules: mentees refused, and for pupils the grades taken (either may be empty)."""

    refused_ids: list[str] = field(default_factory=list)
    grade_from: int | None = None
    grade_to: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class MentorLimitsResult:
    programme_id: str
    mentor_id: str
    refused_ids: list[str] = field(default_factory=list)
    grade_from: int | None = None
    grade_to: int | None = None
    reason: str | None = None


# --- the region's vocabulary of subjects --------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A synonym or a narrower subject (name: «алгебра») and the subject it belongs to («математика»)."""

    name: str
    subject: str


@dataclass(frozen=True)
class ReplaceVocabulary:
    """The region's whole list of subjects; replaces the earlier one."""

    terms: list[Term]


@dataclass(frozen=True)
class VocabularyResult:
    terms: list[Term]


# --- development plans --------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    area: str  # a deficit area code
    goal: str


@dataclass(frozen=True)
class SetGoals:
    goals: list[Goal]


@dataclass(frozen=True)
class MeasureDetails:
    """A measure of the plan, added or corrected (its result stays)."""

    title: str
    due_on: date
    area: str | None = None
    kind: str | None = None
    starts_on: date | None = None

    def fields(self) -> dict[str, Any]:
        return {"title": self.title, "area": self.area, "kind": self.kind, "starts_on": self.starts_on, "due_on": self.due_on}


@dataclass(frozen=True)
class RecordMeasureResult:
    """Close a measure with its product, and/or record the mentee's own view of it."""

    done_on: date | None = None
    product: str | None = None
    mentee_view: str | None = None


@dataclass(frozen=True)
class PlannedMeasure:
    id: str
    title: str
    area: str | None
    kind: str | None
    starts_on: date | None
    due_on: date
    done_on: date | None
    product: str | None
    mentee_view: str | None


@dataclass(frozen=True)
class PlanResult:
    pair_id: str
    goals: list[Goal]
    measures: list[PlannedMeasure]
    measures_done: int
    measures_total: int
