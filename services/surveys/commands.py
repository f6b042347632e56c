"""What the surveys use cases take and give back: plain commands and results, no web types.

The HTTP API (api.py, schemas.py: `ResponseIn.command()`, `CampaignIn.command()`; the `*Out`
models read the results), the pages (web*.py, views.py) and the school systems' commands
(handlers.py) translate into and out of these; the use cases (service.py and its modules) never
import schemas.py (tests/unit/test_architecture.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shared.contracts.surveys import InstrumentRef


@dataclass(frozen=True)
class SubmitResponse:
    """Submit a completed response (one answer per item code)."""

    instrument: InstrumentRef
    respondent_id: str
    answers: Mapping[str, Any]
    role: str | None = None  # default: the respondent's role
    stage: str | None = None
    campaign_id: str | None = None
    submission_id: str | None = None  # idempotency key: resubmitting it returns the first response


@dataclass(frozen=True)
class OpenCampaign:
    """Open a campaign: who is asked (a selection, or explicit respondents), which instrument, when."""

    instrument: InstrumentRef
    opens_on: date
    closes_on: date
    title: str | None = None
    school_id: str | None = None
    municipality_id: str | None = None
    programme_id: str | None = None
    role: str | None = None
    form: str | None = None
    category: str | None = None
    stage: str | None = None
    respondent_ids: Sequence[str] | None = None


@dataclass(frozen=True)
class ResponseResult:
    id: str
    submission_id: str
    instrument: InstrumentRef
    respondent_id: str
    respondent_role: str
    school_id: str
    academic_year: str
    pair_id: str | None
    stage: str | None
    campaign_id: str | None
    scores: dict[str, float]


@dataclass(frozen=True)
class InstrumentResult:
    code: str
    version: int
    title: str
    respondent_role: str
    respondent_roles: list[str]
    staged: bool
    description: str
    origin: str
    owner_id: str | None
    used: bool
    items: list[dict[str, Any]]
    scales: dict[str, list[str]]
    definition: dict[str, Any]


@dataclass(frozen=True)
class InviteeResult:
    participant_id: str
    school_id: str
    role: str
    status: str
    link_path: str | None
    response_id: str | None


@dataclass(frozen=True)
class CampaignResult:
    id: str
    title: str
    instrument: InstrumentRef
    school_id: str | None
    municipality_id: str | None
    programme_id: str | None
    role: str | None
    form: str | None
    category: str | None
    stage: str | None
    opens_on: date
    closes_on: date
    status: str
    invited: int
    responded: int
    response_rate: float | None
    invitees: list[InviteeResult] = field(default_factory=list)


@dataclass(frozen=True)
class GrowthResult:
    respondent_id: str
    instrument: InstrumentRef
    start: dict[str, float] | None
    end: dict[str, float] | None
    growth: dict[str, float] | None
