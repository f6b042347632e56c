"""The CloudEvents 1.0 envelope every Nastavnik event travels in.

The envelope is the same for every event type; only `data` differs. Consumers ignore
attributes they do not know, so producers may add optional ones inside a major version.

A received envelope (every consumer, and the inbound gate of school commands) must carry the
CloudEvents attributes `specversion`, `id`, `source`, `type` and `time` (an RFC 3339 date-time
string) and `data`: `parse_envelope` refuses it otherwise, naming what is missing, and the
consumer dead-letters it. The defaults below only help a producer build a new envelope.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

REQUIRED = ("specversion", "id", "source", "type", "time", "data")
"""Attributes a received envelope must carry (the JSON Schemas' `required`)."""
_RECEIVED = {"received": True}


class EventData(BaseModel):
    """Base of every event's `data`: one subclass per event type and major version."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    """Routing key and CloudEvents `type`: `<producer>.<entity>.<fact>.v<major>`."""

    description: ClassVar[str] = ""

    def subject(self) -> str | None:
        """The CloudEvents `subject`: the id of the entity the event is about."""
        return None


class Envelope(BaseModel):
    """A CloudEvents 1.0 structured-mode JSON envelope."""

    model_config = ConfigDict(extra="ignore")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1)
    source: str = Field(min_length=1, description="The producing service, as /nastavnik/<service>.")
    type: str = Field(min_length=1, description="The event type, equal to the AMQP routing key.")
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str | None = Field(
        default=None, description="CloudEvents extension: the request or event chain this belongs to."
    )
    data: dict[str, Any]

    @model_validator(mode="before")
    @classmethod
    def _complete_when_received(cls, value: Any, info: ValidationInfo) -> Any:
        if not (info.context or {}).get("received") or not isinstance(value, dict):
            return value
        missing = [name for name in REQUIRED if value.get(name) in (None, "")]
        if missing:
            raise ValueError(f"required CloudEvents attribute(s) missing: {', '.join(missing)}")
        if not isinstance(value["time"], str):
            raise ValueError("time: must be an RFC 3339 date-time string, e.g. 2026-09-01T08:00:00Z")
        return value


def parse_envelope(body: bytes | str) -> Envelope:
    """A received envelope, strictly: every attribute of REQUIRED present (pydantic's
    ValidationError otherwise)."""
    return Envelope.model_validate_json(body, context=_RECEIVED)


def new_envelope(source_service: str, data: EventData, correlation_id: str | None = None) -> Envelope:
    """Wrap an event's data in a fresh envelope from `source_service`."""
    return Envelope(
        source=f"/nastavnik/{source_service}",
        type=data.event_type,
        subject=data.subject(),
        correlationid=correlation_id,
        data=data.model_dump(mode="json"),
    )


def school_of(data: dict[str, Any]) -> str | None:
    """The school an event belongs to, if any: its `school_id`, or the scope of a school's
    indicators. A school's information system receives exactly these events."""
    if isinstance(data.get("school_id"), str):
        return data["school_id"]
    if data.get("scope") == "school" and isinstance(data.get("scope_id"), str):
        return data["scope_id"]
    return None
