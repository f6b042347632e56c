"""The tables of a school programme's documents (issue 15): the documents themselves (their
details and where their file is kept) and the curator's appointment by order. The files' bytes
live in the file store (shared/files.py: a folder, or the table `registry_file`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from shared.clock import utcnow


class ProgrammeDocument(SQLModel, table=True):
    """A document of a school's programme: an order, the regulation, the roadmap, the curator's
    appointment order… and its file. The file's name is the one the user gave (checked, shown,
    sent back in the download's header); the store knows only the random `file_key`."""

    __tablename__ = "registry_programme_document"

    id: str = Field(primary_key=True)
    programme_id: str = Field(foreign_key="registry_programme.id", index=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    kind: str  # shared.vocabulary.DOCUMENT_KINDS
    number: str | None = None
    issued_on: date
    title: str | None = None
    file_name: str
    file_kind: str  # pdf | docx | xlsx (found by content)
    file_size: int
    file_key: str = Field(max_length=32, unique=True)
    uploaded_by: str = Field(description="The uploader's id (a withdrawn person's: a keyed pseudonym).")
    uploaded_role: str = ""
    uploaded_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class ProgrammeCuratorOrder(SQLModel, table=True):
    """The programme's curator as the director appointed them: the person, the date and the
    recorded appointment order (a `curator_order` document of the programme). One per programme:
    a new appointment replaces it. Erased when the person withdraws."""

    __tablename__ = "registry_programme_curator"

    id: str = Field(primary_key=True)
    programme_id: str = Field(foreign_key="registry_programme.id", unique=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    participant_id: str = Field(foreign_key="registry_participant.id", index=True)
    appointed_on: date
    order_document_id: str = Field(foreign_key="registry_programme_document.id", index=True)
    appointed_by: str = ""
    recorded_at: datetime = Field(default_factory=utcnow)
