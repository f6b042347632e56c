"""Request and answer bodies of the practices API (checked at the edge)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from shared.limits import IdList, Item, Line, Name
from shared.vocabulary import Form, RoadmapStatus, SchoolLevel

LongText = Annotated[str, StringConstraints(max_length=20000)]
Required = Annotated[str, StringConstraints(min_length=1, max_length=20000)]


class PracticeIn(BaseModel):
    """A practice as the school describes it (a new draft, or the draft's new text)."""

    title: Name
    form: Form
    deficit_areas: Annotated[list[Item], Field(max_length=20)] = Field(default_factory=list, description="vocabulary DEFICIT_AREAS codes")
    school_levels: Annotated[list[SchoolLevel], Field(max_length=3)] = Field(default_factory=list)
    description: Required
    results: LongText = ""
    author_ids: IdList = Field(default_factory=list, description="Participants of the school who wrote it.")


class TransitionIn(BaseModel):
    comment: Line | None = Field(default=None, description="Required to return a practice or to withdraw it.")


class AuthorOut(BaseModel):
    participant_id: str
    display_name: str


class FileOut(BaseModel):
    id: str
    name: str
    kind: str
    size: int
    uploaded_at: datetime


class HistoryOut(BaseModel):
    status: str
    status_name: str
    actor_name: str
    actor_role: str
    comment: str | None
    at: datetime


class PracticeSummary(BaseModel):
    id: str
    school_id: str
    school_name: str
    municipality_id: str | None
    municipality_name: str
    title: str
    form: str
    deficit_areas: list[str]
    school_levels: list[str]
    status: str
    status_name: str
    academic_year: str | None
    published_on: date | None
    updated_at: datetime


class PracticeOut(PracticeSummary):
    description: str
    results: str
    authors: list[AuthorOut]
    files: list[FileOut]
    history: list[HistoryOut]
    actions: list[str] = Field(description="The status changes the caller may make now.")
    editable: bool = Field(description="The caller may change the text, authors and files now.")


class PracticePage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[PracticeSummary]


class RoadmapItemIn(BaseModel):
    section: Line = ""
    number: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    measure: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    term: Line = ""
    due_on: date
    executors: Line = ""
    document_type: Line = ""
    expected_results: Annotated[str, StringConstraints(max_length=4000)] = ""
    status: RoadmapStatus = "planned"
    done_on: date | None = None
    note: Annotated[str, StringConstraints(max_length=4000)] = ""


class RoadmapItemOut(RoadmapItemIn):
    id: str
    status_name: str
    overdue: bool
    updated_at: datetime
