"""Events the registry publishes: who is who in the region — and the commands school
information systems send it (see docs/registry.md).

Personal data leaves the registry only for a person whose consent to processing (152-ФЗ) is
recorded: `registry.participant.*` events about a person are emitted only after that. Events
carry what consumers need (a display name, category, subjects, experience, grade), never a
birth date, a legal representative or the school system's own id."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventData
from shared.limits import Id, Subjects
from shared.vocabulary import AgeBand as AgeBand
from shared.vocabulary import Category as Category
from shared.vocabulary import PartnerKind as PartnerKind
from shared.vocabulary import ProgrammeStage as ProgrammeStage
from shared.vocabulary import Role as EnrolmentRole
from shared.vocabulary import SelfDetermination as SelfDetermination

WithdrawalReason = Literal["consent_withdrawn", "left_school"]


class SchoolRegistered(EventData):
    event_type = "registry.school.registered.v1"
    description = "A school of the region was registered."

    school_id: str
    name: str
    municipality_id: str
    municipality_name: str
    region_id: str
    low_results: bool = Field(default=False, description="School with low educational results.")
    difficult_conditions: bool = Field(default=False, description="School in difficult social conditions (ШНОР).")

    def subject(self) -> str:
        return self.school_id


class SchoolUpdated(EventData):
    event_type = "registry.school.updated.v1"
    description = "A school's name, municipality or flags changed: the school's whole current state."

    school_id: str
    name: str
    municipality_id: str
    municipality_name: str
    region_id: str
    low_results: bool = False
    difficult_conditions: bool = False

    def subject(self) -> str:
        return self.school_id


class PartnerRegistered(EventData):
    event_type = "registry.partner.registered.v1"
    description = "A network partner (university, college, employer) whose people mentor in the region's schools."

    partner_id: str
    name: str
    kind: PartnerKind
    region_id: str
    municipality_id: str | None = None

    def subject(self) -> str:
        return self.partner_id


class PartnerUpdated(EventData):
    event_type = "registry.partner.updated.v1"
    description = "A network partner's name, kind or municipality changed: its whole current state."

    partner_id: str
    name: str
    kind: PartnerKind
    region_id: str
    municipality_id: str | None = None

    def subject(self) -> str:
        return self.partner_id


class ParticipantRegistered(EventData):
    event_type = "registry.participant.registered.v1"
    description = (
        "A person (teacher, pupil, student, employer) joined a school's mentoring base. Emitted once their "
        "consent to personal-data processing (for a pupil: the legal representative's) is recorded."
    )

    participant_id: str
    school_id: str
    category: Category
    display_name: str = Field(description="Name shown to curators; the only personal data carried.")
    subjects: list[str] = Field(default_factory=list)
    experience_years: int | None = Field(default=None, ge=0)
    young_specialist: bool = False
    grade: int | None = Field(default=None, ge=1, le=11, description="Pupils only.")
    position: str | None = Field(default=None, description="Teachers: position (должность), e.g. учитель, заместитель директора.")
    newly_arrived: bool = Field(default=False, description="Teachers newly arrived at the school (вновь пришедшие).")
    partner_id: str | None = Field(default=None, description="Students and employer representatives: their organisation.")
    self_determination: SelfDetermination | None = Field(
        default=None, description="Pupils: professional self-determination the school recorded (none: not recorded)."
    )
    class_direction: str | None = Field(
        default=None,
        description="Pupils: the subject or direction of their class (e.g. педагогический класс, химико-биологический "
        "профиль); none: not recorded. Pairing matches it against a mentor's subjects.",
    )

    def subject(self) -> str:
        return self.participant_id


class ParticipantUpdated(EventData):
    event_type = "registry.participant.updated.v1"
    description = (
        "Something consumers see about a registered person changed: carries the person's whole current "
        "state (the same fields as registry.participant.registered.v1) and the names of the changed fields."
    )

    participant_id: str
    school_id: str
    category: Category
    display_name: str
    subjects: list[str] = Field(default_factory=list)
    experience_years: int | None = Field(default=None, ge=0)
    young_specialist: bool = False
    grade: int | None = Field(default=None, ge=1, le=11)
    position: str | None = None
    newly_arrived: bool = False
    partner_id: str | None = None
    self_determination: SelfDetermination | None = None
    class_direction: str | None = None
    changed: list[str] = Field(default_factory=list, description="Fields that changed, e.g. ['grade', 'display_name'].")

    def subject(self) -> str:
        return self.participant_id


class ParticipantEnrolled(EventData):
    event_type = "registry.participant.enrolled.v1"
    description = "A person was enrolled in a mentoring programme as mentor, mentee or curator."

    participant_id: str
    programme_id: str
    school_id: str
    role: EnrolmentRole
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    capacity: int | None = Field(default=None, ge=1, description="Mentors only: mentees at once.")

    def subject(self) -> str:
        return self.participant_id


class EnrolmentEnded(EventData):
    event_type = "registry.participant.enrolment_ended.v1"
    description = (
        "One enrolment of a person in a programme ended (the school ended it); the person stays in the registry and "
        "in their other programmes. Closing a programme (registry.programme.closed.v1) and withdrawal "
        "(registry.participant.withdrawn.v1) end enrolments without this event. Enrolling the person again in the "
        "same role is announced as registry.participant.enrolled.v1."
    )

    participant_id: str
    programme_id: str
    school_id: str
    role: EnrolmentRole

    def subject(self) -> str:
        return self.participant_id


class ParticipantWithdrawn(EventData):
    event_type = "registry.participant.withdrawn.v1"
    description = (
        "A person withdrew consent to personal-data processing (152-ФЗ) or left the school: their enrolments "
        "are ended, and every consumer must erase or anonymise what it holds about them."
    )

    participant_id: str
    school_id: str
    reason: WithdrawalReason
    ended_programme_ids: list[str] = Field(default_factory=list)

    def subject(self) -> str:
        return self.participant_id


class ProgrammeLaunched(EventData):
    event_type = "registry.programme.launched.v1"
    description = "A school launched a mentoring programme for an academic year, with the forms it runs."

    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    title: str
    forms: list[str] = Field(default_factory=list)
    stage: ProgrammeStage = "preparing"
    curator_id: str | None = Field(default=None, description="The participant id of the programme's curator.")

    def subject(self) -> str:
        return self.programme_id


class ProgrammeUpdated(EventData):
    event_type = "registry.programme.updated.v1"
    description = "A programme's title, forms, curator or stage changed (closing is registry.programme.closed.v1)."

    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")
    title: str
    forms: list[str] = Field(default_factory=list)
    stage: ProgrammeStage
    curator_id: str | None = None
    changed: list[str] = Field(default_factory=list)

    def subject(self) -> str:
        return self.programme_id


class ProgrammeClosed(EventData):
    event_type = "registry.programme.closed.v1"
    description = "A programme was closed: its enrolments ended."

    programme_id: str
    school_id: str
    academic_year: str = Field(pattern=r"^\d{4}/\d{4}$")

    def subject(self) -> str:
        return self.programme_id


class CommandError(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str = Field(description="Dotted path in the command's data, e.g. data.grade; empty for the whole command.")
    message: str = Field(description="Why, in Russian (the message a school's operator reads).")


class CommandRejected(EventData):
    event_type = "registry.command.rejected.v1"
    description = (
        "A school system's command (registry.participant.register.v1 / update.v1 / withdraw.v1) was not "
        "applied: the reason, and the fields at fault. The command's id is the CloudEvents subject."
    )

    command_id: str | None = Field(default=None, description="The rejected command's CloudEvents id.")
    command_type: str | None = None
    school_id: str
    reason: str = Field(description="Why, in Russian.")
    code: str = Field(default="rejected", description="Machine-readable: invalid, not_found, conflict, forbidden, no_consent, rejected.")
    errors: list[CommandError] = Field(default_factory=list)
    external_id: str | None = Field(default=None, description="The school system's id of the person, echoed back.")

    def subject(self) -> str | None:
        return self.command_id


# -- commands from school information systems (not events: no catalogue entry) -----------------


class Consent(BaseModel):
    """Consent to personal-data processing (152-ФЗ), as the school recorded it."""

    model_config = ConfigDict(extra="forbid")

    given_by: Literal["self", "legal_representative"] = Field(
        description="Who gave it: the person, or (for a pupil, always) the legal representative."
    )
    representative_name: str | None = Field(default=None, max_length=200, description="Legal representative's name.")
    document: str | None = Field(default=None, max_length=200, description="The consent's reference, e.g. № 15 от 01.09.2026.")
    date: str | None = Field(default=None, description="ISO date the consent was signed (default: today).")
    account_allowed: bool = Field(
        default=False, description="The consent allows an account to sign in (a pupil: only then; others by their role)."
    )
    contact_email: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="An address for invitations and reminders; stored only with contact_email_consent.",
    )
    contact_email_consent: bool = Field(
        default=False, description="The person (for a pupil, the legal representative) agreed to be written to at contact_email."
    )


class RegistryCommand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    command_type: ClassVar[str]
    school_id: str | None = Field(default=None, description="If given, must equal the routing key's school.")
    external_id: str = Field(min_length=1, max_length=100, description="The person's id in the school's own system.")


class PersonFields(BaseModel):
    """A person's fields as the registry takes them, with their limits: one home for the school
    commands and the registry's API (services/registry/schemas.py builds on it)."""

    full_name: str = Field(min_length=1, max_length=200)
    subjects: Subjects = Field(default_factory=list)
    position: str | None = Field(default=None, max_length=200, description="Teachers: должность.")
    experience_years: int | None = Field(default=None, ge=0, le=70)
    birth_year: int | None = Field(default=None, ge=1930, le=2030)
    age_band: AgeBand | None = Field(default=None, description="When the school gives no birth year: до 35 / 35 и старше.")
    qualification: str | None = Field(default=None, max_length=100, description="Квалификационная категория.")
    newly_arrived: bool = False
    grade: int | None = Field(default=None, ge=1, le=11)
    partner_id: Id | None = Field(default=None, description="Students, employer representatives.")
    self_determination: SelfDetermination | None = Field(
        default=None, description="Pupils: professional self-determination — undecided, pedagogical or other.",
    )
    class_direction: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="Pupils: the subject or direction of their class, e.g. педагогический класс, химико-биологический профиль.",
    )


class PersonChanges(BaseModel):
    """The same fields, each optional: only those given change."""

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    subjects: Subjects | None = None
    position: str | None = Field(default=None, max_length=200)
    experience_years: int | None = Field(default=None, ge=0, le=70)
    birth_year: int | None = Field(default=None, ge=1930, le=2030)
    age_band: AgeBand | None = None
    qualification: str | None = Field(default=None, max_length=100)
    newly_arrived: bool | None = None
    grade: int | None = Field(default=None, ge=1, le=11)
    partner_id: Id | None = None
    self_determination: SelfDetermination | None = None
    class_direction: str | None = Field(default=None, min_length=1, max_length=200)


class RegisterParticipant(RegistryCommand, PersonFields):
    command_type = "registry.participant.register.v1"

    category: Category
    consent: Consent | None = None


class UpdateParticipant(RegistryCommand, PersonChanges):
    """Only the fields given change; `consent` records consent for a person who had none."""

    command_type = "registry.participant.update.v1"

    consent: Consent | None = None


class WithdrawParticipant(RegistryCommand):
    command_type = "registry.participant.withdraw.v1"

    reason: WithdrawalReason


COMMANDS: dict[str, type[RegistryCommand]] = {
    command.command_type: command for command in (RegisterParticipant, UpdateParticipant, WithdrawParticipant)
}


AccountMessagePurpose = Literal["invitation", "password_reset"]


class AccountLinkIssued(EventData):
    event_type = "registry.account.link_issued.v1"
    description = (
        "A one-time sign-in link was issued to a person: an invitation to create their password, or a password "
        "reset. Only for the notification service: it carries the address the person agreed to be written to, "
        "and `link_path` is a capability (deliver it to that address only; it expires at `expires_at`)."
    )

    account_id: str
    purpose: AccountMessagePurpose
    display_name: str
    email: str
    link_path: str = Field(description="Path of the one-time page under the registry, e.g. /registry/invite/<token>.")
    expires_at: datetime

    def subject(self) -> str:
        return self.account_id


class ContactUpdated(EventData):
    event_type = "registry.contact.updated.v1"
    description = (
        "A person's contact e-mail for notifications was recorded or removed (the person, or for a pupil the legal "
        "representative, agreed to it). Only for the notification service; `email` None: do not write any more."
    )

    participant_id: str
    school_id: str
    email: str | None = None

    def subject(self) -> str:
        return self.participant_id


RevocationReason = Literal["withdrawn", "role_changed", "account_disabled", "administrator"]


class SessionsRevoked(EventData):
    event_type = "registry.account.sessions_revoked.v1"
    description = (
        "Every browser session and bearer token of a subject issued before `revoked_before` is no longer valid "
        "(a withdrawal, a role change, an account disabled, or the administrator revoked them). Every service keeps "
        "the latest moment per subject and refuses such tokens on each request (shared/revocation.py)."
    )

    subject_id: str = Field(description="The tokens' `sub`: a participant id, a staff id or an operator's name.")
    revoked_before: datetime
    reason: RevocationReason

    def subject(self) -> str:
        return self.subject_id
