"""Surveys' own tables."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class Respondent(SQLModel, table=True):
    __tablename__ = "surveys_respondent"

    participant_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    category: str
    display_name: str | None = Field(default=None, description="The name curators see (registry's display_name).")


class PairMembership(SQLModel, table=True):
    __tablename__ = "surveys_pair_membership"

    pair_id: str = Field(primary_key=True)
    participant_id: str = Field(primary_key=True, index=True)
    role: str
    school_id: str
    academic_year: str
    programme_id: str | None = None
    form: str | None = None
    formed_at: datetime = Field(default_factory=utcnow)


class Enrolment(SQLModel, table=True):
    """Who takes part in which programme, in which role (from registry.participant.enrolled.v1)."""

    __tablename__ = "surveys_enrolment"

    participant_id: str = Field(primary_key=True)
    programme_id: str = Field(primary_key=True, index=True)
    role: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    academic_year: str


class CustomInstrument(SQLModel, table=True):
    """An instrument defined by the region or a school: one row per (code, version)."""

    __tablename__ = "surveys_instrument"

    code: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    owner_scope: str = Field(description="region | school")
    owner_id: str = Field(index=True, description="The region id or the school id.")
    definition: dict = Field(sa_column=Column(JSON, nullable=False))
    used: bool = Field(default=False, description="A campaign or a response uses it: never changed again.")
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Campaign(SQLModel, table=True):
    __tablename__ = "surveys_campaign"

    id: str = Field(primary_key=True)
    title: str
    instrument_code: str
    instrument_version: int
    school_id: str | None = Field(default=None, index=True)
    municipality_id: str | None = Field(
        default=None, description="Set only for a campaign of every school of one municipality (school_id is then None)."
    )
    programme_id: str | None = None
    role: str | None = None
    form: str | None = None
    category: str | None = Field(default=None, description="Only people of this category were asked (teacher, pupil, …).")
    stage: str | None = None
    opens_on: date
    closes_on: date
    status: str = "open"  # open | closed
    opened_by: str
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class Invitation(SQLModel, table=True):
    """A respondent of a campaign, with the personal link's token and a server-side draft."""

    __tablename__ = "surveys_invitation"

    id: str = Field(primary_key=True)
    campaign_id: str = Field(index=True)
    participant_id: str = Field(index=True)
    school_id: str
    role: str
    token: str | None = Field(default=None, unique=True, description="The personal link; erased on withdrawal.")
    status: str = "pending"  # pending | draft | completed
    draft: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    response_id: str | None = None
    reminded_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "surveys_response"

    id: str = Field(primary_key=True)
    submission_id: str = Field(unique=True, description="Client's idempotency key: a retried submit finds this row.")
    instrument_code: str = Field(index=True)
    instrument_version: int
    respondent_id: str = Field(index=True)
    respondent_role: str
    school_id: str = Field(index=True)
    academic_year: str
    pair_id: str | None = None
    stage: str | None = None
    campaign_id: str | None = Field(default=None, index=True)
    channel: str = "api"  # api | form | command
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    anonymised: bool = False
    completed_at: datetime = Field(default_factory=utcnow)


class School(SQLModel, table=True):
    """Which municipality a school is in (registry.school.registered.v1 / updated.v1): the
    municipal coordinator's scope."""

    __tablename__ = "surveys_school"

    school_id: str = Field(primary_key=True)
    municipality_id: str = Field(index=True)
    as_of: datetime = Field(description="Time of the registry event applied: an older one arriving late is ignored.")
    name: str | None = None
    municipality_name: str | None = None


class Programme(SQLModel, table=True):
    """A school's programme (registry.programme.launched.v1 / updated.v1): the campaign form's
    audience by programme, and titles on the pages."""

    __tablename__ = "surveys_programme"

    programme_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    academic_year: str
    title: str
    forms: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Reminder(SQLModel, table=True):
    """A scheduled reminder sent: one per invitation and reminder day, whoever runs the schedule."""

    __tablename__ = "surveys_reminder"

    invitation_id: str = Field(primary_key=True)
    due_on: date = Field(primary_key=True, description="The reminder day (closes_on minus a configured number of days).")
    campaign_id: str = Field(index=True)
    sent_at: datetime = Field(default_factory=utcnow)


class Withdrawn(SQLModel, table=True):
    """A tombstone: the person withdrew their consent; late registry events about them are ignored."""

    __tablename__ = "surveys_withdrawn"

    participant_id: str = Field(primary_key=True)


class EndedEnrolment(SQLModel, table=True):
    """An enrolment the registry ended (registry.participant.enrolment_ended.v1), and when: an
    `enrolled` event of the same enrolment that was sent before it, but arrives after it (another
    queue), must not bring the person back."""

    __tablename__ = "surveys_enrolment_ended"

    participant_id: str = Field(primary_key=True)
    programme_id: str = Field(primary_key=True)
    role: str = Field(primary_key=True)
    ended_at: datetime


class AnswerRead(SQLModel, table=True):
    """An audit record: someone read personal answers (a response page, the list, the XLSX export).
    Written in the transaction that read them; only the region admin sees these."""

    __tablename__ = "surveys_answer_read"

    id: str = Field(primary_key=True)
    reader_id: str = Field(index=True)
    reader_role: str
    read_at: datetime = Field(default_factory=utcnow, index=True)
    what: str = Field(description="response | list | export")
    school_id: str | None = None
    response_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    filter: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


TABLES = (
    Respondent, PairMembership, Enrolment, CustomInstrument, Campaign, Invitation, SurveyResponse, School, Reminder, Withdrawn,
    Programme, EndedEnrolment, AnswerRead,
)
