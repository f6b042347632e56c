"""Request and response bodies of a programme's documents and the curator's appointment."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.limits import Id
from shared.validation import Patch
from shared.vocabulary import DocumentKind


class DocumentPatch(Patch):
    """A document's details (its file is replaced by recording a new document and removing this one)."""

    model_config = ConfigDict(extra="forbid")
    __nullable__ = frozenset({"number", "title"})

    kind: DocumentKind | None = None
    number: str | None = Field(default=None, max_length=50)
    issued_on: date | None = None
    title: str | None = Field(default=None, max_length=300)


class DocumentOut(BaseModel):
    id: str
    programme_id: str
    school_id: str
    kind: DocumentKind
    kind_name: str
    number: str | None
    issued_on: date
    title: str | None
    file_name: str
    file_kind: str
    file_size: int
    uploaded_at: datetime
    updated_at: datetime | None = None


class AppointmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: Id = Field(description="The appointed person: a teacher of the programme's school with consent recorded.")
    order_document_id: Id = Field(description="The recorded appointment order (a document of kind curator_order of this programme).")
    appointed_on: date | None = Field(default=None, description="The appointment's date; by default the order's date.")


class AppointmentOut(BaseModel):
    programme_id: str
    participant_id: str
    full_name: str
    appointed_on: date
    order_document_id: str
    order_number: str | None = None
    order_issued_on: date | None = None


class SummaryOut(BaseModel):
    order: bool
    regulation: bool
    roadmap: bool
    curator: bool
    complete: bool
    missing: list[str] = Field(description="What the monitoring finds missing, in Russian.")


class ProgrammeDocumentsOut(BaseModel):
    programme_id: str
    school_id: str
    academic_year: str
    documents: list[DocumentOut]
    curator: AppointmentOut | None
    summary: SummaryOut
