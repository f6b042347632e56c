"""Request and answer bodies of the practices API (checked at the edge): each request body translates into
its use case's plain command (`command()`, services/practices/commands.py); each answer body reads a result."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.limits import IdList, Item, Line, Name
from shared.vocabulary import Form, RoadmapStatus, SchoolLevel

from services.practices.commands import DescribePractice, SaveRoadmapItem, Transition

LongText = Annotated[str, StringConstraints(max_length=20000)]
Required = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
_RESULT = ConfigDict(from_attributes=True)  # read from the use case's result (commands.py)


class PracticeIn(BaseModel):
    """A practice as the school describes it (a new draft, or the draft's new text)."""

    title: Name
    form: Form
    deficit_areas: Annotated[list[Item], Field(max_length=20)] = Field(default_factory=list, description="vocabulary DEFICIT_AREAS codes")
    school_levels: Annotated[list[SchoolLevel], Field(max_length=3)] = Field(default_factory=list)
    description: Required
    results: LongText = ""
    author_ids: IdList = Field(default_factory=list, description="Participants of the school who wrote it.")

    def command(self) -> DescribePractice:
        return DescribePractice(title=self.title, form=self.form, description=self.description,
                                deficit_areas=list(self.deficit_areas), school_levels=list(self.school_levels),
                                results=self.results, author_ids=list(self.author_ids))


class TransitionIn(BaseModel):
    comment: Line | None = Field(default=None, description="Required to return a practice or to withdraw it.")

    def command(self) -> Transition:
        return Transition(comment=self.comment)


class AuthorOut(BaseModel):
    model_config = _RESULT

    participant_id: str
    display_name: str


class FileOut(BaseModel):
    model_config = _RESULT

    id: str
    name: str
    kind: str
    size: int
    uploaded_at: datetime


class HistoryOut(BaseModel):
    model_config = _RESULT

    status: str
    status_name: str
    actor_name: str
    actor_role: str
    comment: str | None
    at: datetime


class PracticeSummary(BaseModel):
    model_config = _RESULT

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
    model_config = _RESULT

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

    def command(self) -> SaveRoadmapItem:
        return SaveRoadmapItem(number=self.number, measure=self.measure, due_on=self.due_on, section=self.section,
                               term=self.term, executors=self.executors, document_type=self.document_type,
                               expected_results=self.expected_results, status=self.status, done_on=self.done_on,
                               note=self.note)


class RoadmapItemOut(RoadmapItemIn):
    model_config = _RESULT

    id: str
    status_name: str
    overdue: bool
    updated_at: datetime
