"""What the practices use cases take and give back: plain commands and results, no web types.

The HTTP API (api.py, schemas.py: each `*In.command()`; the `*Out` models read these results with
`from_attributes`) and the pages (web*.py) translate into and out of these; the use cases
(workflow.py, catalogue.py, roadmap.py) never import schemas.py (tests/unit/test_use_case_commands.py).
Validation of shape and limits stays at the edge (pydantic, the same 422s); the use cases check
what needs the data. The templates read the results' attributes (the same names as the bodies')."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# --- a practice ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DescribePractice:
    """A practice as the school describes it (a new draft, or the draft's new text)."""

    title: str
    form: str
    description: str
    deficit_areas: list[str] = field(default_factory=list)
    school_levels: list[str] = field(default_factory=list)
    results: str = ""
    author_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Transition:
    """A status change's comment (required to return a practice or to withdraw it)."""

    comment: str | None = None


@dataclass(frozen=True)
class Search:
    form: str | None = None
    deficit_area: str | None = None
    school_level: str | None = None
    municipality_id: str | None = None
    text: str | None = None
    status: str | None = None
    school_id: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class AuthorResult:
    participant_id: str
    display_name: str


@dataclass(frozen=True)
class FileResult:
    id: str
    name: str
    kind: str
    size: int
    uploaded_at: datetime


@dataclass(frozen=True)
class HistoryResult:
    status: str
    status_name: str
    actor_name: str
    actor_role: str
    comment: str | None
    at: datetime


@dataclass(frozen=True)
class PracticeSummaryResult:
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


@dataclass(frozen=True)
class PracticeResult(PracticeSummaryResult):
    description: str
    results: str
    authors: list[AuthorResult]
    files: list[FileResult]
    history: list[HistoryResult]
    actions: list[str]  # the status changes the caller may make now
    editable: bool  # the caller may change the text, authors and files now


@dataclass(frozen=True)
class PageResult:
    total: int
    page: int
    per_page: int
    items: list[PracticeSummaryResult]


# --- the regional roadmap -----------------------------------------------------------------------


@dataclass(frozen=True)
class SaveRoadmapItem:
    """A roadmap item as the region administrator states it (a new one, or an item's new values)."""

    number: str
    measure: str
    due_on: date
    section: str = ""
    term: str = ""
    executors: str = ""
    document_type: str = ""
    expected_results: str = ""
    status: str = "planned"
    done_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class RoadmapItemResult:
    id: str
    section: str
    number: str
    measure: str
    term: str
    due_on: date
    executors: str
    document_type: str
    expected_results: str
    status: str
    done_on: date | None
    note: str
    status_name: str
    overdue: bool
    updated_at: datetime
