"""The registry's tables of a programme's year (issue 15): a programme's activities and who came,
the training and the recognition of the school's mentors (docs/registry.md, «Activities, training
and recognition»). Composed into models.TABLES."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class Activity(SQLModel, table=True):
    """A programme's activity (ACTIVITY_KINDS): planned, then held (held_on) or cancelled."""

    __tablename__ = "registry_activity"

    id: str = Field(primary_key=True)
    programme_id: str = Field(foreign_key="registry_programme.id", index=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    kind: str
    title: str
    planned_on: date
    held_on: date | None = None
    place: str | None = None
    format: str | None = None
    cancelled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class ActivityParticipant(SQLModel, table=True):
    """A person listed as an activity's participant; `attended` is set when it is marked held."""

    __tablename__ = "registry_activity_participant"

    activity_id: str = Field(foreign_key="registry_activity.id", primary_key=True)
    participant_id: str = Field(foreign_key="registry_participant.id", primary_key=True, index=True)
    attended: bool = False


class Training(SQLModel, table=True):
    """A course, an intensive, a seminar… a mentor completed (TRAINING_KINDS)."""

    __tablename__ = "registry_training"

    id: str = Field(primary_key=True)
    person_id: str = Field(foreign_key="registry_participant.id", index=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    academic_year: str = Field(index=True)
    kind: str
    title: str
    organiser: str
    completed_on: date
    hours: int | None = None
    certificate: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Recognition(SQLModel, table=True):
    """A mentor's contest, award, ИКУ or olympiad (RECOGNITION_KINDS) with its level and result."""

    __tablename__ = "registry_recognition"

    id: str = Field(primary_key=True)
    person_id: str = Field(foreign_key="registry_participant.id", index=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    academic_year: str = Field(index=True)
    kind: str
    level: str
    result: str
    title: str
    awarded_on: date
    created_at: datetime = Field(default_factory=utcnow)


YEAR_TABLES: tuple[type[SQLModel], ...] = (Activity, ActivityParticipant, Training, Recognition)
