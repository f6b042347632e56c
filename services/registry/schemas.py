"""Request and response bodies of the registry API (validated at the edge: 422 names the field).

Each request body turns into the use case's plain command (`command()`, services/registry/commands.py;
a partial update into the mapping of the fields given, `changes()`); each response body reads a
result or a stored row (`from_attributes`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.registry import Consent, PersonChanges, PersonFields
from shared.limits import Id, ItemList
from shared.validation import Patch
from shared.vocabulary import AgeBand as AgeBand
from shared.vocabulary import Category as Category
from shared.vocabulary import PartnerKind, Role
from shared.vocabulary import ProgrammeStage as Stage

from services.registry.commands import Enrol, LaunchProgramme, RegisterPartner, RegisterPerson, RegisterSchool
from services.registry.domain import PROGRAMME_LIMITS, SCHOOL_LIMITS, person_problem

ACADEMIC_YEAR = r"^\d{4}/\d{4}$"


class Changes(Patch):
    """A partial update whose use case takes the mapping of the fields given."""

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class SchoolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school_id: str | None = Field(default=None, min_length=1, max_length=SCHOOL_LIMITS["school_id"], description="Own id, e.g. from ФИС ФРДО.")
    name: str = Field(min_length=1, max_length=SCHOOL_LIMITS["name"])
    municipality_id: str = Field(min_length=1, max_length=SCHOOL_LIMITS["municipality_id"])
    municipality_name: str = Field(min_length=1, max_length=SCHOOL_LIMITS["municipality_name"])
    low_results: bool = False
    difficult_conditions: bool = False

    def command(self) -> RegisterSchool:
        return RegisterSchool(**dict(self))



class SchoolPatch(Changes):
    model_config = ConfigDict(extra="forbid")
    __nullable__ = frozenset({"municipality_name"})  # null: keep the municipality's name

    name: str | None = Field(default=None, min_length=1, max_length=300)
    municipality_id: str | None = Field(default=None, min_length=1, max_length=64)
    municipality_name: str | None = Field(default=None, min_length=1, max_length=200)
    low_results: bool | None = None
    difficult_conditions: bool | None = None


class PartnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner_id: str | None = Field(default=None, min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=300)
    kind: PartnerKind
    municipality_id: str | None = Field(default=None, min_length=1, max_length=64, description="An existing municipality, if local.")

    def command(self) -> RegisterPartner:
        return RegisterPartner(**dict(self))



class ParticipantIn(PersonFields):
    model_config = ConfigDict(extra="forbid")

    category: Category
    external_id: str | None = Field(default=None, min_length=1, max_length=100, description="The person's id in the school's own system.")
    consent: Consent | None = Field(
        default=None,
        description="Consent to personal-data processing (152-ФЗ). Without it the person stays in the registry "
        "only: no event announces them and they cannot be enrolled.",
    )

    @model_validator(mode="after")
    def grade_only_for_pupils(self) -> ParticipantIn:
        # the grade's rule is the domain's (person_problem); the other fields' are checked by the use case
        problem = person_problem(self.category, self.grade, None)
        if problem is not None:
            raise ValueError(problem[1])
        return self

    def command(self) -> RegisterPerson:
        return RegisterPerson(**dict(self))



class ParticipantPatch(Changes, PersonChanges):
    """Only the fields given change; null clears a field that may be empty, and is refused for
    the name, subjects and «вновь прибывший»."""

    model_config = ConfigDict(extra="forbid")
    __nullable__ = frozenset({"external_id", "position", "experience_years", "birth_year", "age_band", "qualification",
                              "grade", "partner_id", "self_determination", "class_direction"})

    external_id: str | None = Field(default=None, min_length=1, max_length=100)


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["consent_withdrawn", "left_school"]


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=PROGRAMME_LIMITS["title"])
    academic_year: str = Field(pattern=ACADEMIC_YEAR, examples=["2026/2027"])
    forms: ItemList = Field(default_factory=lambda: ["teacher_teacher"])
    code: str | None = Field(default=None, min_length=1, max_length=PROGRAMME_LIMITS["code"], description="The school's own code of the programme.")
    curator_id: Id | None = Field(default=None, description="A teacher of the school (enrolled as curator).")
    stage: Stage = "preparing"

    def command(self) -> LaunchProgramme:
        return LaunchProgramme(**dict(self))



class ProgrammePatch(Changes):
    model_config = ConfigDict(extra="forbid")
    __nullable__ = frozenset({"curator_id"})  # null: no curator

    title: str | None = Field(default=None, min_length=1, max_length=300)
    forms: ItemList | None = None
    curator_id: Id | None = None
    stage: Stage | None = None


class EnrolmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: Id
    role: Role
    capacity: int | None = Field(default=None, ge=1, le=30)


# -- responses --------------------------------------------------------------------------

    def command(self) -> Enrol:
        return Enrol(**dict(self))



class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class MunicipalityOut(Out):
    id: str
    name: str


class RegionOut(Out):
    id: str
    name: str
    municipalities: list[MunicipalityOut]


class SchoolOut(Out):
    id: str
    name: str
    municipality_id: str
    low_results: bool
    difficult_conditions: bool
    registered_at: datetime


class PartnerOut(Out):
    id: str
    name: str
    kind: str
    municipality_id: str | None


class ParticipantOut(Out):
    id: str
    school_id: str
    external_id: str | None
    category: str
    full_name: str
    subjects: list[str]
    position: str | None
    experience_years: int | None
    birth_year: int | None
    age_band: str | None
    qualification: str | None
    newly_arrived: bool
    grade: int | None
    partner_id: str | None
    self_determination: str | None = None
    class_direction: str | None = None
    young_specialist: bool
    status: str = Field(description="active, withdrawn (consent withdrawn) or left (left the school)")
    consent_by: str | None
    consent_date: date | None
    account_allowed: bool = Field(default=False, description="The consent allows an account (pupils)")
    contact_email: str | None = Field(default=None, description="Address for notifications, stored with consent only")
    registered_at: datetime


class ProgrammeOut(Out):
    id: str
    school_id: str
    code: str | None
    academic_year: str
    title: str
    forms: list[str]
    curator_id: str | None
    stage: str
    launched_at: datetime
    closed_at: datetime | None


class EnrolmentOut(Out):
    id: str
    participant_id: str
    programme_id: str
    role: str
    capacity: int | None
    active: bool
    ended_at: datetime | None = None


class WithdrawalOut(BaseModel):
    participant_id: str
    status: str
    ended_programme_ids: list[str]
