"""The catalogue of every Nastavnik event: one place that says what exists and who makes it.

Every EventData subclass defined in a producer's contract module (registry, registry_year,
pairing, surveys, reports, practices) is an event: adding the class is all it takes to be catalogued, documented and
given a generated schema."""

from __future__ import annotations

from shared.contracts import pairing, practices, registry, registry_year, reports, surveys
from shared.contracts.envelope import EventData

PRODUCER_MODULES = (registry, registry_year, pairing, surveys, reports, practices)


def _events_of(module) -> list[type[EventData]]:  # noqa: ANN001
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, EventData) and value is not EventData
        and value.__module__ == module.__name__ and hasattr(value, "event_type")
    ]


EVENTS: tuple[type[EventData], ...] = tuple(event for module in PRODUCER_MODULES for event in _events_of(module))

BY_TYPE: dict[str, type[EventData]] = {event.event_type: event for event in EVENTS}


def producer_of(event_type: str) -> str:
    """The service that owns an event type: the first segment of its name."""
    return event_type.split(".", 1)[0]


def event_class(event_type: str) -> type[EventData]:
    try:
        return BY_TYPE[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None
