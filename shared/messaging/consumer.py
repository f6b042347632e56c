"""The one way a service consumes an event: parse → claim inbox → use case → commit.

- A body that is not a valid envelope of the expected type is dead-lettered at once
  (rejected without requeue) and the reason is logged with the field paths.
- A redelivered message whose id the inbox already holds is acknowledged and changes nothing.
- A transient failure (the database unreachable, a cut connection, a serialization failure or
  a deadlock: shared.messaging.faults) does not spend a delivery: the message is held, and
  applied again once the database answers.
- Any other failure is nacked and redelivered until the queue's delivery limit dead-letters it;
  the consumer recognises the last allowed delivery (`x-delivery-count`), so that dead-letter
  is counted in `nastavnik_events_dead_lettered_total` and logged as `event.dead_lettered`
  (reason `delivery_limit`) too.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from faststream.exceptions import NackMessage, RejectMessage
from pydantic import ValidationError

from shared.contracts.envelope import Envelope, EventData, parse_envelope
from shared.messaging import inbox
from shared.messaging.faults import InfrastructureWait, last_delivery
from shared.messaging.outbox import UnitOfWork, Work
from shared.metrics import ServiceMetrics

E = TypeVar("E", bound=EventData)
T = TypeVar("T")
Handler = Callable[[Work, Envelope, E], Awaitable[None]]


async def _always() -> bool:
    return True


class InvalidEvent(Exception):
    """The message can never be applied as it is: dead-letter it at once."""


def parse_event(body: bytes, event_cls: type[E]) -> tuple[Envelope, E]:
    """Validate the envelope and its data; InvalidEvent names the failing fields."""
    try:
        envelope = parse_envelope(body)
    except ValidationError as exc:
        raise InvalidEvent(_describe(exc)) from None
    if envelope.type != event_cls.event_type:
        raise InvalidEvent(f"type: expected {event_cls.event_type}, got {envelope.type}")
    try:
        return envelope, event_cls.model_validate(envelope.data)
    except ValidationError as exc:
        raise InvalidEvent(_describe(exc, prefix="data")) from None


def _describe(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in (prefix, *error["loc"]) if p) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


class EventConsumer:
    """Applies consumed events for one service; `in_memory` mode never raises to the producer."""

    def __init__(
        self,
        service: str,
        uow: UnitOfWork,
        metrics: ServiceMetrics,
        in_memory: bool,
        *,
        delivery_limit: int = 5,
        probe: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.service = service
        self.uow = uow
        self.metrics = metrics
        self.in_memory = in_memory
        self.delivery_limit = delivery_limit
        self.log = structlog.get_logger().bind(service=service)
        self.memory_dead_letters: list[dict] = []
        self.waiting = InfrastructureWait(probe or _always, metrics, self.log)

    async def retrying(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """Run `operation`, waiting out transient failures (not on the in-memory broker, whose
        publisher waits for the handler: there a failure is final)."""
        if self.in_memory:
            return await operation()
        return await self.waiting.run(operation, what)

    def note_failure(self, event_type: str, message_id: str | None, body: bytes, headers: dict | None, exc: Exception) -> None:
        """After a non-transient failure, before the nack: if this was the last delivery the
        queue allows, the nack makes RabbitMQ dead-letter the message (x-death reason
        `delivery_limit`) — count and log it here, where it is known."""
        if not self.in_memory and last_delivery(headers, self.delivery_limit):
            self.dead_letter(
                event_type, message_id, body, "delivery_limit", f"failed on the last of {self.delivery_limit + 1} deliveries: {exc!r}"[:1000]
            )

    async def process(
        self, event_cls: type[E], handler: Handler[E], body: bytes, message_id: str | None, headers: dict | None = None
    ) -> None:
        started = time.perf_counter()
        try:
            envelope, data = parse_event(body, event_cls)
        except InvalidEvent as exc:
            self.dead_letter(event_cls.event_type, message_id, body, "invalid", str(exc))
            if self.in_memory:
                return
            raise RejectMessage() from exc
        with structlog.contextvars.bound_contextvars(
            event_type=envelope.type, message_id=envelope.id, correlation_id=envelope.correlationid
        ):
            try:
                applied = await self.retrying(lambda: self._apply(envelope, data, handler, body), envelope.type)
            except InvalidEvent as exc:
                self.dead_letter(envelope.type, envelope.id, body, "rejected", str(exc))
                if self.in_memory:
                    return
                raise RejectMessage() from exc
            except Exception as exc:
                self.log.exception("event.failed", will_retry=not self.in_memory and not last_delivery(headers, self.delivery_limit))
                self.note_failure(envelope.type, envelope.id, body, headers, exc)
                if self.in_memory:
                    self.dead_letter(envelope.type, envelope.id, body, "failed", repr(exc))
                    return
                raise NackMessage() from exc
            if applied:
                self.metrics.events_consumed.labels(envelope.type).inc()
                self.metrics.handler_duration.labels(envelope.type).observe(time.perf_counter() - started)
            else:
                self.metrics.inbox_duplicates.labels(envelope.type).inc()
                self.log.info("event.duplicate_skipped")

    async def _apply(self, envelope: Envelope, data: EventData, handler: Handler, body: bytes) -> bool:
        async with self.uow(correlation_id=envelope.correlationid) as work:
            if not await inbox.claim(work.session, self.service, envelope.id, envelope.type, body.decode()):
                return False
            await handler(work, envelope, data)
        return True

    async def process_command(
        self, handler, rejection, body: bytes, routing_key: str, user_id: str | None, message_id: str | None,  # noqa: ANN001
        headers: dict | None = None,
    ) -> None:
        """Apply a school system's command (see shared.messaging.inbound). Every event it causes
        (the rejection included) carries the command's `id` as its `correlationid`."""
        from shared.messaging.inbound import Command, CommandRejected, authorised, school_of

        school_id = school_of(routing_key)
        try:
            envelope = parse_envelope(body)
        except ValidationError as exc:
            self.dead_letter("command", message_id, body, "invalid", _describe(exc))
            if self.in_memory:
                return
            raise RejectMessage() from exc
        if school_id is None or not routing_key.endswith(envelope.type):
            self.dead_letter(envelope.type, envelope.id, body, "invalid", f"routing key {routing_key} does not name the school and {envelope.type}")
            if self.in_memory:
                return
            raise RejectMessage()
        command = Command(envelope, school_id)

        async def apply() -> None:
            try:
                if not authorised(school_id, user_id):
                    raise CommandRejected(f"user {user_id} may not act for school {school_id}")
                async with self.uow(correlation_id=envelope.id) as work:
                    if not await inbox.claim(work.session, self.service, envelope.id, envelope.type, body.decode()):
                        self.metrics.inbox_duplicates.labels(envelope.type).inc()
                        return
                    await handler(work, command)
                self.metrics.events_consumed.labels(envelope.type).inc()
            except CommandRejected as exc:
                self.log.warning("command.rejected", reason=exc.reason, errors=exc.errors)
                async with self.uow(correlation_id=envelope.id) as work:
                    if await inbox.claim(work.session, self.service, envelope.id, envelope.type, body.decode()):
                        work.emit(rejection(command, school_id, exc.reason, exc.errors))

        with structlog.contextvars.bound_contextvars(command_type=envelope.type, message_id=envelope.id, school_id=school_id):
            try:
                await self.retrying(apply, envelope.type)
            except Exception as exc:
                self.log.exception("command.failed", will_retry=not self.in_memory and not last_delivery(headers, self.delivery_limit))
                self.note_failure(envelope.type, envelope.id, body, headers, exc)
                if self.in_memory:
                    self.dead_letter(envelope.type, envelope.id, body, "failed", repr(exc))
                    return
                raise NackMessage() from exc

    def dead_letter(self, event_type: str, message_id: str | None, body: bytes, reason: str, detail: str) -> None:
        self.metrics.dead_lettered.labels(event_type, reason).inc()
        self.log.error(
            "event.dead_lettered", event_type=event_type, message_id=message_id, reason=reason, detail=detail
        )
        if self.in_memory:
            self.memory_dead_letters.append(
                {"event_type": event_type, "message_id": message_id, "reason": detail, "body": body.decode("utf-8", "replace")}
            )
