"""The catalogue of every Nastavnik event: one place that says what exists and who makes it."""

from __future__ import annotations

from shared.contracts.envelope import EventData
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.contracts.reports import IndicatorsUpdated
from shared.contracts.surveys import ResponseCompleted

EVENTS: tuple[type[EventData], ...] = (
    SchoolRegistered,
    ParticipantRegistered,
    ParticipantEnrolled,
    PairFormed,
    ResponseCompleted,
    IndicatorsUpdated,
)

BY_TYPE: dict[str, type[EventData]] = {event.event_type: event for event in EVENTS}


def producer_of(event_type: str) -> str:
    """The service that owns an event type: the first segment of its name."""
    return event_type.split(".", 1)[0]


def event_class(event_type: str) -> type[EventData]:
    try:
        return BY_TYPE[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None
