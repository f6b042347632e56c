"""Commands from school information systems, published to `nastavnik.inbound` with the
school's own broker credentials.

A command is a CloudEvents envelope whose `type` is the command type (e.g.
`registry.participant.register.v1`), published with routing key
`school.<school id>.<command type>`. The school is the routing key's second segment; when the
broker stamps a `user_id` (RabbitMQ checks it equals the connection's user), it must be that
school's user — so a school's credentials can only touch its own school.

A command that cannot be applied is answered with the service's `<service>.command.rejected.v1`
event naming the reason, and acknowledged; a malformed envelope is dead-lettered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from shared.contracts.envelope import Envelope, EventData
from shared.messaging.outbox import Work
from shared.messaging.topology import school_user

INTERNAL_USERS = frozenset({"guest", "nastavnik"})


class CommandRejected(Exception):
    """The command is well-formed but cannot be applied: answer it with a rejection event."""

    def __init__(self, reason: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or []


@dataclass(frozen=True)
class Command:
    envelope: Envelope
    school_id: str

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def data(self) -> dict:
        return self.envelope.data


CommandHandler = Callable[[Work, Command], Awaitable[None]]
RejectionFactory = Callable[[Command | None, str, str, list[dict[str, str]]], EventData]
"""(command or None, school id, reason, errors) → the service's rejection event."""


def school_of(routing_key: str) -> str | None:
    parts = routing_key.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "school" else None


def authorised(school_id: str, user_id: str | None) -> bool:
    """A school's user may act for its own school only; internal users (tests, operators) for any."""
    return user_id is None or user_id in INTERNAL_USERS or user_id == school_user(school_id)
