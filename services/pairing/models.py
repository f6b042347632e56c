"""Pairing's own tables: its view of candidates (from registry and surveys events), the
matcher's settings, runs and proposals, the pairs, and their development plans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class Candidate(SQLModel, table=True):
    __tablename__ = "pairing_candidate"

    participant_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    category: str
    display_name: str
    subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    experience_years: int | None = None
    young_specialist: bool = False
    grade: int | None = None
    newly_arrived: bool | None = None  # nullable: added to an existing table
    self_determination: str | None = None  # pupils: pedagogical, other, undecided (registry)
    class_direction: str | None = None  # pupils: the subject or direction of their class (registry)
    partner_id: str | None = None  # students, employer representatives: their organisation


class ProgrammeEnrolment(SQLModel, table=True):
    __tablename__ = "pairing_enrolment"

    participant_id: str = Field(primary_key=True)
    programme_id: str = Field(primary_key=True, index=True)
    role: str = Field(primary_key=True)
    school_id: str
    academic_year: str
    capacity: int | None = None


class Pair(SQLModel, table=True):
    __tablename__ = "pairing_pair"

    id: str = Field(primary_key=True)
    programme_id: str = Field(index=True)
    school_id: str = Field(index=True)
    mentor_id: str = Field(index=True)
    form: str
    academic_year: str
    status: str = "formed"  # formed | completed | terminated
    formed_at: datetime = Field(default_factory=utcnow)
    how: str | None = None
    proposal_id: str | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None


class PairMentee(SQLModel, table=True):
    __tablename__ = "pairing_pair_mentee"

    pair_id: str = Field(primary_key=True, foreign_key="pairing_pair.id")
    mentee_id: str = Field(primary_key=True, index=True)




class Programme(SQLModel, table=True):
    """A programme's title and stage (registry.programme.launched/updated.v1), for the pages."""

    __tablename__ = "pairing_programme"

    programme_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    title: str
    academic_year: str
    stage: str = "preparing"


class School(SQLModel, table=True):
    """The municipality of each school (registry.school.registered.v1): the scope of matching."""

    __tablename__ = "pairing_school"

    school_id: str = Field(primary_key=True)
    municipality_id: str = Field(index=True)


class Profile(SQLModel, table=True):
    """A person's deficit levels (0..1 per area) from their latest deficit diagnostic."""

    __tablename__ = "pairing_profile"

    participant_id: str = Field(primary_key=True)
    deficits: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    response_id: str
    updated_at: datetime = Field(default_factory=utcnow)


class Interests(SQLModel, table=True):
    """A pupil's professional interests (0..1 per type of Климов's ДДО) from their latest answer."""

    __tablename__ = "pairing_interests"

    participant_id: str = Field(primary_key=True)
    levels: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    response_id: str
    updated_at: datetime = Field(default_factory=utcnow)


class Withdrawn(SQLModel, table=True):
    """A tombstone: the person withdrew; late registry events about them are ignored."""

    __tablename__ = "pairing_withdrawn"

    participant_id: str = Field(primary_key=True)
    withdrawn_at: datetime = Field(default_factory=utcnow)


class MatchingSettings(SQLModel, table=True):
    __tablename__ = "pairing_matching_settings"

    programme_id: str = Field(primary_key=True)
    form: str = "teacher_teacher"
    how: str = "one_to_one"
    scope: str = "school"
    objective: str = "max_matched"
    weights: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    min_experience_gap: int = 3
    require_coverage: bool = True
    min_score: float | None = None  # None: the matcher's default (nullable columns: added later)
    stable: bool | None = None
    updated_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Exclusion(SQLModel, table=True):
    """A pair the curator forbids (or rejected): the matcher never proposes it again."""

    __tablename__ = "pairing_exclusion"

    programme_id: str = Field(primary_key=True)
    mentor_id: str = Field(primary_key=True)
    mentee_id: str = Field(primary_key=True)
    reason: str | None = None


class Preference(SQLModel, table=True):
    """A mentee's rank of a mentor (1 = first choice), from the preference questionnaire."""

    __tablename__ = "pairing_preference"

    programme_id: str = Field(primary_key=True)
    mentee_id: str = Field(primary_key=True)
    mentor_id: str = Field(primary_key=True)
    rank: int


class MentorPreference(SQLModel, table=True):
    """A mentor's rank of a mentee (1 = first choice): both sides are heard in matching."""

    __tablename__ = "pairing_mentor_preference"

    programme_id: str = Field(primary_key=True)
    mentor_id: str = Field(primary_key=True)
    mentee_id: str = Field(primary_key=True)
    rank: int


class MentorLimit(SQLModel, table=True):
    """A mentor's own hard rules in a programme (by the mentor, or a curator on their behalf):
    mentees they refuse, and the grades of pupils they take. The matcher never breaks them."""

    __tablename__ = "pairing_mentor_limit"

    programme_id: str = Field(primary_key=True)
    mentor_id: str = Field(primary_key=True)
    refused: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    grade_from: int | None = None
    grade_to: int | None = None
    reason: str | None = None
    updated_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Partner(SQLModel, table=True):
    """A network partner (registry.partner.registered/updated.v1): its name and kind tell what
    field a student or employer mentor shows a pupil (a pedagogical college, a university …)."""

    __tablename__ = "pairing_partner"

    partner_id: str = Field(primary_key=True)
    name: str
    kind: str


class MatchingRun(SQLModel, table=True):
    __tablename__ = "pairing_matching_run"

    id: str = Field(primary_key=True)
    programme_id: str = Field(index=True)
    school_id: str | None = None
    started_by: str
    created_at: datetime = Field(default_factory=utcnow)
    rules: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    mentees: int = 0
    mentors: int = 0
    matched: int = 0
    total_score: float = 0.0
    optimum_score: float | None = None
    """Stable runs: the optimum's total score (the cost of stability is the difference)."""
    unmatched: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Per unmatched mentee: mentee_id, reason, message, candidates."""


class Proposal(SQLModel, table=True):
    """A pair (or group) the matcher proposed, until the curator decides."""

    __tablename__ = "pairing_proposal"

    id: str = Field(primary_key=True)
    run_id: str = Field(index=True)
    programme_id: str = Field(index=True)
    school_id: str
    mentor_id: str
    form: str
    how: str
    status: str = "proposed"  # proposed | confirmed | rejected | replaced | withdrawn | superseded
    score: float
    members: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Per mentee: mentee_id, score, breakdown (points per criterion)."""
    pair_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None


class Plan(SQLModel, table=True):
    """A pair's development plan (ИОМ / индивидуальный план развития)."""

    __tablename__ = "pairing_plan"

    pair_id: str = Field(primary_key=True)
    goals: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Per goal: area (deficit area code), goal (text)."""
    updated_at: datetime = Field(default_factory=utcnow)


class PlanMeasure(SQLModel, table=True):
    __tablename__ = "pairing_plan_measure"

    id: str = Field(primary_key=True)
    pair_id: str = Field(index=True)
    title: str
    area: str | None = None
    kind: str | None = None
    starts_on: date | None = None
    due_on: date
    done_on: date | None = None
    product: str | None = None
    """The result as a concrete product (методические рекомендации, разработка занятия …)."""
    mentee_view: str | None = None
    """The mentee's own view of the result (seed 003, step 5)."""


class Meeting(SQLModel, table=True):
    """A meeting in a pair's working log (журнал встреч): when, how long, how, about what."""

    __tablename__ = "pairing_meeting"

    id: str = Field(primary_key=True)
    pair_id: str = Field(index=True)
    held_on: date
    minutes: int
    format: str  # shared.vocabulary.MEETING_FORMATS
    topic: str
    measure_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Measures of the pair's plan the meeting worked on."""
    note: str | None = None
    """The mentor's working note (mentor and curator only; erased when the mentor withdraws)."""
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MeetingReflection(SQLModel, table=True):
    """A mentee's short reflection on a meeting (each mentee of a group their own)."""

    __tablename__ = "pairing_meeting_reflection"

    meeting_id: str = Field(primary_key=True, foreign_key="pairing_meeting.id")
    mentee_id: str = Field(primary_key=True, index=True)
    text: str
    usefulness: int | None = None  # 1..5
    written_at: datetime = Field(default_factory=utcnow)


class EndedEnrolment(SQLModel, table=True):
    """An enrolment the registry ended, and when (see shared/enrolments.py)."""

    __tablename__ = "pairing_enrolment_ended"

    participant_id: str = Field(primary_key=True)
    programme_id: str = Field(primary_key=True)
    role: str = Field(primary_key=True)
    ended_at: datetime


class SubjectTerm(SQLModel, table=True):
    """The region's vocabulary of subjects: a name (a synonym or a narrower subject, as the
    matcher spells it) and the subject it belongs to — «алгебра» → «математика»."""

    __tablename__ = "pairing_subject_term"

    name: str = Field(primary_key=True)
    subject: str


TABLES = (
    MentorPreference,
    MentorLimit,
    Partner,
    SubjectTerm,
    Interests,
    Candidate,
    ProgrammeEnrolment,
    EndedEnrolment,
    Pair,
    PairMentee,
    Programme,
    School,
    Profile,
    Withdrawn,
    MatchingSettings,
    Exclusion,
    Preference,
    MatchingRun,
    Proposal,
    Plan,
    PlanMeasure,
    Meeting,
    MeetingReflection,
)
