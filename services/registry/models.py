"""The registry's own tables (names prefixed: SQLModel has one metadata per process)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class Municipality(SQLModel, table=True):
    __tablename__ = "registry_municipality"

    id: str = Field(primary_key=True)
    name: str


class School(SQLModel, table=True):
    __tablename__ = "registry_school"

    id: str = Field(primary_key=True)
    name: str
    municipality_id: str = Field(foreign_key="registry_municipality.id", index=True)
    low_results: bool = False
    difficult_conditions: bool = False
    registered_at: datetime = Field(default_factory=utcnow)


class Participant(SQLModel, table=True):
    __tablename__ = "registry_participant"
    __table_args__ = (UniqueConstraint("school_id", "external_id", name="uq_registry_participant_external"),)

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    external_id: str | None = None
    category: str
    full_name: str
    subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    experience_years: int | None = None
    birth_year: int | None = None
    grade: int | None = None
    young_specialist: bool = False
    registered_at: datetime = Field(default_factory=utcnow)


class Programme(SQLModel, table=True):
    __tablename__ = "registry_programme"

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    academic_year: str
    title: str
    forms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    stage: str = "launched"


class Enrolment(SQLModel, table=True):
    __tablename__ = "registry_enrolment"
    __table_args__ = (UniqueConstraint("participant_id", "programme_id", "role", name="uq_registry_enrolment"),)

    id: str = Field(primary_key=True)
    participant_id: str = Field(foreign_key="registry_participant.id", index=True)
    programme_id: str = Field(foreign_key="registry_programme.id", index=True)
    role: str
    capacity: int | None = None
    active: bool = True


TABLES = (Municipality, School, Participant, Programme, Enrolment)
