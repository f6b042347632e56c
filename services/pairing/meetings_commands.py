"""What the meetings use cases (meetings.py) take and give back: plain commands and results, no
web types. meetings_schemas.py (`MeetingIn.command()`, `ReflectionIn.command()`; the `*Out` models
read these results) and the pages (web_meetings.py) translate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from services.pairing.domain_meetings import Summary


@dataclass(frozen=True)
class MeetingDetails:
    """A meeting recorded, or changed (every field replaced)."""

    held_on: date
    minutes: int
    format: str  # shared.vocabulary.MEETING_FORMATS
    topic: str
    measure_ids: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True)
class WriteReflection:
    """The calling mentee's own reflection on a meeting."""

    text: str
    usefulness: int | None = None


@dataclass(frozen=True)
class ReflectionResult:
    mentee_id: str
    text: str
    usefulness: int | None
    written_at: datetime


@dataclass(frozen=True)
class MeetingResult:
    """A meeting as the caller may see it (a mentee: without the mentor's note and others' reflections)."""

    id: str
    pair_id: str
    held_on: date
    minutes: int
    format: str
    topic: str
    measure_ids: list[str]
    note: str | None
    reflections: list[ReflectionResult]
    reflections_expected: int


@dataclass(frozen=True)
class MeetingLog:
    pair_id: str
    status: str
    summary: Summary
    meetings: list[MeetingResult]  # latest first
