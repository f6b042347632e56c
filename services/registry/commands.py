"""What the registry's use cases take and give back: plain commands and results, no web types
(issue 18; the pattern of services/surveys/commands.py).

The HTTP API (api*.py, schemas.py: `SchoolIn.command()`, `ParticipantIn.command()`…; the `*Out`
models read the results and the SQLModel rows), the pages (web*.py), the school systems'
commands (handlers.py) and the importer (import_rows.py) translate into these; the use cases
(service.py, participants.py, programmes.py) never import schemas.py
(tests/unit/test_use_case_commands.py). Validation stays at the edge: the HTTP bodies check the
limits and answer 422 naming the field; the use cases check the registry's rules.

A partial update is a mapping of the fields given (`Patch.model_dump(exclude_unset=True)` at the
edge): only those change, an explicit None clears a field that may be empty. The activities and
the training of a programme's year have theirs in year_commands.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.contracts.registry import Consent


@dataclass(frozen=True)
class RegisterSchool:
    """Register a school (in its municipality, created with its name if new)."""

    name: str
    municipality_id: str
    municipality_name: str
    school_id: str | None = None  # default: a new id
    low_results: bool = False
    difficult_conditions: bool = False


@dataclass(frozen=True)
class RegisterPartner:
    """Register a network partner (a university, a college, an employer)."""

    name: str
    kind: str
    partner_id: str | None = None  # default: a new id
    municipality_id: str | None = None  # a local partner's municipality; None: the region's


@dataclass(frozen=True)
class RegisterPerson:
    """Register a person at a school: stored, announced once their consent is recorded."""

    category: str
    full_name: str
    external_id: str | None = None  # the person's id in the school's own system
    consent: Consent | None = None
    subjects: list[str] = field(default_factory=list)
    position: str | None = None
    experience_years: int | None = None
    birth_year: int | None = None
    age_band: str | None = None
    qualification: str | None = None
    newly_arrived: bool = False
    grade: int | None = None
    partner_id: str | None = None
    self_determination: str | None = None
    class_direction: str | None = None


@dataclass(frozen=True)
class LaunchProgramme:
    """Launch a school's mentoring programme (its curator, if named, is enrolled as curator)."""

    title: str
    academic_year: str
    forms: list[str] = field(default_factory=lambda: ["teacher_teacher"])
    code: str | None = None  # the school's own code of the programme
    curator_id: str | None = None
    stage: str = "preparing"


@dataclass(frozen=True)
class Enrol:
    """Enrol a person in a programme with a role (a mentor with a capacity)."""

    participant_id: str
    role: str
    capacity: int | None = None


@dataclass(frozen=True)
class MunicipalityResult:
    id: str
    name: str


@dataclass(frozen=True)
class RegionResult:
    """The region with the municipalities the caller sees."""

    id: str
    name: str
    municipalities: list[MunicipalityResult]
