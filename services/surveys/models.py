"""Surveys' own tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class Respondent(SQLModel, table=True):
    __tablename__ = "surveys_respondent"

    participant_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    category: str


class PairMembership(SQLModel, table=True):
    __tablename__ = "surveys_pair_membership"

    pair_id: str = Field(primary_key=True)
    participant_id: str = Field(primary_key=True, index=True)
    role: str
    school_id: str
    academic_year: str
    formed_at: datetime = Field(default_factory=utcnow)


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
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    completed_at: datetime = Field(default_factory=utcnow)


TABLES = (Respondent, PairMembership, SurveyResponse)
