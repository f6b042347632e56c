"""Pairing's own tables: its view of candidates (from registry events) and its pairs."""

from __future__ import annotations

from datetime import datetime

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
    status: str = "formed"
    formed_at: datetime = Field(default_factory=utcnow)


class PairMentee(SQLModel, table=True):
    __tablename__ = "pairing_pair_mentee"

    pair_id: str = Field(primary_key=True, foreign_key="pairing_pair.id")
    mentee_id: str = Field(primary_key=True, index=True)


TABLES = (Candidate, ProgrammeEnrolment, Pair, PairMentee)
