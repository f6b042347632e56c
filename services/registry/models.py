"""The registry's own tables (names prefixed: SQLModel has one metadata per process)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.audit import audit_table
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
    updated_at: datetime | None = None


class Partner(SQLModel, table=True):
    """A network partner: a university, a college or an employer whose people mentor pupils."""

    __tablename__ = "registry_partner"

    id: str = Field(primary_key=True)
    name: str
    kind: str
    municipality_id: str | None = Field(default=None, foreign_key="registry_municipality.id")
    registered_at: datetime = Field(default_factory=utcnow)


class Participant(SQLModel, table=True):
    """A person of a school's mentoring base. `status`: active, withdrawn (consent withdrawn) or
    left (left the school); a withdrawn or left person's personal data is erased (see docs)."""

    __tablename__ = "registry_participant"
    __table_args__ = (
        UniqueConstraint("school_id", "external_id", name="uq_registry_participant_external"),
        Index("ix_registry_participant_tombstone", "school_id", "external_id_hash"),
        # An import looks tombstones up by hash alone, 2,000 at a time: without this index each
        # lookup scanned the whole table (15-23 s per chunk at a million rows; issue 13, M5).
        Index("ix_registry_participant_external_id_hash", "external_id_hash"),
    )

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    external_id: str | None = None
    category: str
    full_name: str
    subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: str | None = None
    experience_years: int | None = None
    birth_year: int | None = None
    age_band: str | None = None
    qualification: str | None = None
    newly_arrived: bool = False
    grade: int | None = None
    self_determination: str | None = Field(default=None, description="Pupils: professional self-determination (vocabulary code).")
    class_direction: str | None = Field(default=None, description="Pupils: the subject or direction of their class (профиль).")
    partner_id: str | None = Field(default=None, foreign_key="registry_partner.id")
    young_specialist: bool = False
    status: str = "active"
    consent_by: str | None = None
    consent_representative: str | None = None
    consent_document: str | None = None
    consent_date: date | None = None
    account_allowed: bool = Field(default=False, description="Consent allows a pupil an account (others: by their role).")
    contact_email: str | None = Field(default=None, description="Only where the person (a pupil's representative) agreed.")
    announced: bool = Field(default=False, description="participant.registered has been emitted (consent recorded).")
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None
    external_id_hash: str | None = Field(default=None, description="Withdrawn people only: a keyed hash of the external id.")
    registered_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime | None = None


class Programme(SQLModel, table=True):
    __tablename__ = "registry_programme"
    __table_args__ = (UniqueConstraint("school_id", "code", name="uq_registry_programme_code"),)

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    code: str | None = Field(default=None, description="The school's own code, the key of imports.")
    academic_year: str
    title: str
    forms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    curator_id: str | None = Field(default=None, foreign_key="registry_participant.id")
    stage: str = "preparing"
    launched_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class Enrolment(SQLModel, table=True):
    __tablename__ = "registry_enrolment"
    __table_args__ = (UniqueConstraint("participant_id", "programme_id", "role", name="uq_registry_enrolment"),)

    id: str = Field(primary_key=True)
    participant_id: str = Field(foreign_key="registry_participant.id", index=True)
    programme_id: str = Field(foreign_key="registry_programme.id", index=True)
    role: str
    capacity: int | None = None
    active: bool = True
    enrolled_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


AuditRecord = audit_table("registry")
"""Who changed or read what (152-ФЗ asks for a record): one row per change, import, withdrawal
and read of personal data — the registry's table of the one audit mechanism (shared/audit.py)."""


class StaffAppointment(SQLModel, table=True):
    """Region staff and municipal coordinators: the registry's record of their appointment is
    where their account's role comes from (services/registry/accounts.py)."""

    __tablename__ = "registry_staff"

    id: str = Field(primary_key=True)
    full_name: str
    email: str = Field(index=True)
    role: str  # region_admin | municipal_coordinator
    municipality_id: str | None = Field(default=None, foreign_key="registry_municipality.id")
    active: bool = True
    appointed_by: str = ""
    appointed_at: datetime = Field(default_factory=utcnow)


class CuratorAppointment(SQLModel, table=True):
    """A participant appointed curator of their school (besides a programme's `curator_id`)."""

    __tablename__ = "registry_curator"
    __table_args__ = (UniqueConstraint("school_id", "participant_id", name="uq_registry_curator"),)

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="registry_school.id", index=True)
    participant_id: str = Field(foreign_key="registry_participant.id", index=True)
    active: bool = True
    appointed_by: str = ""
    appointed_at: datetime = Field(default_factory=utcnow)


class Account(SQLModel, table=True):
    """A person's sign-in: one per staff appointment or participant. The role is not stored:
    it is resolved from the registry at each sign-in. `state`: invited (no password yet),
    active, disabled; locked is `locked_until` in the future."""

    __tablename__ = "registry_account"

    id: str = Field(primary_key=True)
    login: str = Field(unique=True)
    staff_id: str | None = Field(default=None, foreign_key="registry_staff.id", unique=True)
    participant_id: str | None = Field(default=None, foreign_key="registry_participant.id", unique=True)
    school_id: str | None = Field(default=None, index=True)  # participants: their school, for the curator's list
    display_name: str
    password_hash: str | None = None
    state: str = "invited"
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_sign_in_at: datetime | None = None
    password_changed_at: datetime | None = None


class AccountLink(SQLModel, table=True):
    """A one-time link (invitation or password reset): only the token's hash is kept."""

    __tablename__ = "registry_account_link"

    id: str = Field(primary_key=True)
    token_hash: str = Field(unique=True)
    account_id: str = Field(foreign_key="registry_account.id", index=True)
    purpose: str  # invitation | password_reset
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


TABLES: tuple[type[SQLModel], ...] = (Municipality, School, Partner, Participant, Programme, Enrolment, AuditRecord,
          StaffAppointment, CuratorAppointment, Account, AccountLink)


class ImportJobRecord(SQLModel, table=True):
    """An import started from the page or `POST /api/v1/import-jobs`, kept in the database so that
    its progress and report outlive the request and the process (any replica answers about it).
    `state`: queued, running, done, failed, cancelled, interrupted (its process stopped)."""

    __tablename__ = "registry_import_job"

    id: str = Field(primary_key=True)
    owner: str = Field(index=True)
    name: str
    mode: str
    dry_run: bool = False
    school_id: str | None = None
    state: str = "queued"
    total: int = 0
    done: int = 0
    cancel_requested: bool = False
    file_id: str | None = Field(default=None, description="The uploaded file's chunks (kept while it may still be run).")
    report: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    failure: str | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow, description="Heartbeat of the process running it.")


class ImportFileChunk(SQLModel, table=True):
    """An uploaded file, in chunks of a megabyte: any replica can run or apply it."""

    __tablename__ = "registry_import_file"

    file_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


TABLES = (*TABLES, ImportJobRecord, ImportFileChunk)


from services.registry.year_models import YEAR_TABLES  # noqa: E402 - the programme's year (issue 15), its own module

TABLES = (*TABLES, *YEAR_TABLES)

from shared.files import file_table  # noqa: E402

from services.registry.documents_models import ProgrammeCuratorOrder, ProgrammeDocument  # noqa: E402

TABLES = (*TABLES, ProgrammeDocument, ProgrammeCuratorOrder, file_table("registry"))
"""A programme's documents, the curator's appointment by order (documents_models.py) and the
database file store's table `registry_file` (shared/files.py), created whichever store runs."""
