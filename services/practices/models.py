"""The practices service's own tables: the schools and people it knows from the registry's events,
the practices with their authors, files and status history, and the regional roadmap."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from shared.clock import utcnow
from shared.files import file_table


class School(SQLModel, table=True):
    """A school (registry.school.registered/updated.v1): its name and municipality, for scope checks and search."""

    __tablename__ = "practices_school"

    school_id: str = Field(primary_key=True)
    name: str
    municipality_id: str = Field(index=True)
    municipality_name: str
    region_id: str


class Person(SQLModel, table=True):
    """A participant who may be named as an author: id, name and school only (registry.participant.*)."""

    __tablename__ = "practices_person"

    participant_id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    display_name: str


class Withdrawn(SQLModel, table=True):
    """People who withdrew: a participant event arriving late (its own queue) is not kept."""

    __tablename__ = "practices_withdrawn"

    participant_id: str = Field(primary_key=True)
    withdrawn_at: datetime = Field(default_factory=utcnow)


class Practice(SQLModel, table=True):
    __tablename__ = "practices_practice"

    id: str = Field(primary_key=True)
    school_id: str = Field(index=True)
    title: str
    form: str  # vocabulary.FORMS
    deficit_areas: str = ""  # domain.codes_field of vocabulary.DEFICIT_AREAS
    school_levels: str = ""  # domain.codes_field of vocabulary.SCHOOL_LEVELS
    description: str = Field(sa_type=Text)
    results: str = Field(default="", sa_type=Text)
    search: str = Field(default="", sa_type=Text)  # domain.search_text(title, description)
    status: str = Field(default="draft", index=True)  # vocabulary.PRACTICE_STATUSES
    academic_year: str | None = None  # set at the first submission
    published_on: date | None = None
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class Author(SQLModel, table=True):
    __tablename__ = "practices_author"

    practice_id: str = Field(primary_key=True)
    participant_id: str = Field(primary_key=True, index=True)
    position: int = 0


class Attachment(SQLModel, table=True):
    """A practice's file: its bytes are in the file store under `key` (shared/files.py)."""

    __tablename__ = "practices_attachment"

    id: str = Field(primary_key=True)
    practice_id: str = Field(index=True)
    key: str = Field(max_length=32)
    name: str
    kind: str
    media_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime = Field(default_factory=utcnow)


class HistoryEntry(SQLModel, table=True):
    """One status change: who (account and role), when, and the comment."""

    __tablename__ = "practices_history"

    id: str = Field(primary_key=True)
    practice_id: str = Field(index=True)
    status: str
    actor_id: str = Field(index=True)  # the account's subject (a participant id for people)
    actor_name: str  # shown in the history; erased when that person withdraws
    actor_role: str
    comment: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(default_factory=utcnow)


class RoadmapItem(SQLModel, table=True):
    """An item of the regional roadmap (seed 004): a measure, its term, executors, document type, status."""

    __tablename__ = "practices_roadmap_item"

    id: str = Field(primary_key=True)
    region_id: str
    section: str = ""
    number: str
    measure: str = Field(sa_type=Text)
    term: str = ""  # the term as the roadmap writes it («ежегодно, сентябрь»)
    due_on: date = Field(index=True)
    executors: str = ""
    document_type: str = ""
    expected_results: str = Field(default="", sa_type=Text)
    status: str = "planned"  # vocabulary.ROADMAP_STATUSES
    done_on: date | None = None
    note: str = Field(default="", sa_type=Text)
    updated_by: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


StoredFile = file_table("practices")

TABLES: list[type[SQLModel]] = [School, Person, Withdrawn, Practice, Author, Attachment, HistoryEntry, RoadmapItem, StoredFile]
