"""What the use cases of a programme's year take and give back (issue 18): plain commands to plan
an activity, mark it held, record training and recognition, and the results they return. The
HTTP bodies (year_schemas.py: `ActivityIn.command()`…) and the pages (web_year*.py) translate
into these; year_schemas.py's `*Out` models read the results. A change to an activity is a
mapping of the fields given (see commands.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.registry.year_models import Recognition, Training


@dataclass(frozen=True)
class PlanActivity:
    """Plan an activity of a programme with its participants."""

    kind: str
    title: str
    planned_on: date
    place: str | None = None
    format: str | None = None
    participant_ids: Sequence[str] = field(default_factory=list)


@dataclass(frozen=True)
class MarkHeld:
    """Mark an activity held on a day with who came (some of its participants)."""

    held_on: date
    attended_ids: Sequence[str] = field(default_factory=list)


@dataclass(frozen=True)
class RecordTraining:
    """One course or intensive for several mentors at once."""

    person_ids: Sequence[str]
    kind: str
    title: str
    organiser: str
    completed_on: date
    hours: int | None = None
    certificates: Mapping[str, str] | None = None  # certificate numbers by person id


@dataclass(frozen=True)
class RecordRecognition:
    """A mentor's contest, award or other recognition."""

    person_id: str
    kind: str
    level: str
    result: str
    title: str
    awarded_on: date


@dataclass(frozen=True)
class ActivityPerson:
    participant_id: str
    full_name: str
    attended: bool


@dataclass(frozen=True)
class ActivityResult:
    """An activity with its counts; `participants` (names and marks) only for one activity's read."""

    id: str
    programme_id: str
    school_id: str
    academic_year: str
    kind: str
    title: str
    planned_on: date
    held_on: date | None
    place: str | None
    format: str | None
    cancelled: bool
    participants_invited: int
    participants_attended: int
    participants: list[ActivityPerson] | None = None


@dataclass(frozen=True)
class MentorRecord:
    """A person's training and recognition (the stored rows)."""

    person_id: str
    training: list[Training]
    recognitions: list[Recognition]
