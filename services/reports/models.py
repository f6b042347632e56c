"""Reports' own tables: its view of schools and people, the counters, and parked events."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class School(SQLModel, table=True):
    __tablename__ = "reports_school"

    id: str = Field(primary_key=True)
    name: str
    municipality_id: str = Field(index=True)
    municipality_name: str
    region_id: str
    low_results: bool = False
    difficult_conditions: bool = False


class Participant(SQLModel, table=True):
    __tablename__ = "reports_participant"

    id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    category: str
    young_specialist: bool = False


class RoleInYear(SQLModel, table=True):
    """A person counted once per role and year, however many programmes they are in."""

    __tablename__ = "reports_role_in_year"

    participant_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    role: str = Field(primary_key=True)


class SchoolInYear(SQLModel, table=True):
    """A school that runs a programme in a year."""

    __tablename__ = "reports_school_in_year"

    school_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)


class Counter(SQLModel, table=True):
    __tablename__ = "reports_counter"

    scope: str = Field(primary_key=True)
    scope_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    value: float = 0


class ParkedEvent(SQLModel, table=True):
    """An event that arrived before the school or person it refers to (queues do not keep
    order between event types); applied as soon as that reference is registered."""

    __tablename__ = "reports_parked_event"

    waiting_for: str = Field(primary_key=True, description="'school:<id>' or 'participant:<id>'")
    message_id: str = Field(primary_key=True)
    event_type: str
    body: str


TABLES = (School, Participant, RoleInYear, SchoolInYear, Counter, ParkedEvent)
