"""The one way a service consumes a message: parse → claim inbox → use case → commit → settle.
A single message is a batch of one (shared.messaging.batching gathers larger ones), and every
outcome — ack, reject, nack; the inbox, the metrics, the dead-letter log — is decided here, in
`EventConsumer.outcome`, and settled by the transport (shared.messaging.transport: RabbitMQ or
the in-memory broker).

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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from pydantic import ValidationError

from shared.contracts.envelope import Envelope, EventData, parse_envelope
from shared.messaging import inbox
from shared.messaging.faults import InfrastructureWait
from shared.messaging.outbox import UnitOfWork, Work
from shared.messaging.transport import Outcome, Transport, transport_for
from shared.metrics import ServiceMetrics

E = TypeVar("E", bound=EventData)
T = TypeVar("T")
Handler = Callable[[Work, Envelope, E], Awaitable[None]]


@dataclass(frozen=True)
class Delivery:
    envelope: Envelope
    event: EventData
    body: bytes
    message: Any = None  # the broker's message (RabbitMessage); None where nothing is settled


BatchHandler = Callable[[Work, Sequence[Delivery]], Awaitable[None]]


def each(handler: Callable[[Work, Envelope, Any], Awaitable[None]]) -> BatchHandler:
    """A per-event handler applied to every event of a batch in turn, in one transaction: how a
    handler of one event runs on a batch (of one, for `consumes`; of what queued up, for a
    high-volume event whose handler has nothing to share between events)."""

    async def apply(work: Work, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            await handler(work, delivery.envelope, delivery.event)

    return apply


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
    """Applies consumed messages for one service and decides their outcome."""

    def __init__(
        self,
        service: str,
        uow: UnitOfWork,
        metrics: ServiceMetrics,
        transport: Transport | bool,
        *,
        delivery_limit: int = 5,
        probe: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.service = service
        self.uow = uow
        self.metrics = metrics
        self.transport = transport_for(transport) if isinstance(transport, bool) else transport
        self.delivery_limit = delivery_limit
        self.log = structlog.get_logger().bind(service=service)
        self.waiting = InfrastructureWait(probe or _always, metrics, self.log)

    @property
    def memory_dead_letters(self) -> list[dict]:
        """What was dead-lettered on the in-memory broker (RabbitMQ keeps its own in queues)."""
        return self.transport.dead_letters

    async def retrying(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """Run `operation`, waiting out transient failures where the transport redelivers."""
        return await self.transport.run(operation, what, self.waiting)

    # -- the one outcome path -------------------------------------------------------------

    async def outcome(
        self, event_type: str, message_id: str | None, body: bytes, message: Any,
        attempt: Callable[[], Awaitable[T]], *, failed: str = "event.failed",
    ) -> tuple[bool, T | None]:
        """Run `attempt` (waiting out transient failures) and settle the message: ack when it
        returns; reject (dead-letter now) when it raises InvalidEvent; otherwise nack, to be
        redelivered until the delivery limit — or dead-letter it when this failure is final
        (the last delivery, or the in-memory broker). (settled with ack?, attempt's result)."""
        try:
            result = await self.retrying(attempt, event_type)
        except InvalidEvent as exc:
            self.dead_letter(event_type, message_id, body, "rejected", str(exc))
            await self.settle(message, "reject")
            return False, None
        except Exception as exc:
            final = self.transport.final_failure(message, self.delivery_limit, exc)
            self.log.exception(failed, will_retry=final is None)
            if final is not None:
                self.dead_letter(event_type, message_id, body, *final)
            await self.settle(message, "nack")
            return False, None
        await self.settle(message, "ack")
        return True, result

    async def settle(self, message: Any, outcome: Outcome) -> None:
        await self.transport.settle(message, outcome, self.log)

    async def invalid(self, event_type: str, message_id: str | None, body: bytes, message: Any, detail: str) -> None:
        """A message that can never be applied as it is: dead-letter it at once."""
        self.dead_letter(event_type, message_id, body, "invalid", detail)
        await self.settle(message, "reject")

    def dead_letter(self, event_type: str, message_id: str | None, body: bytes, reason: str, detail: str) -> None:
        self.metrics.dead_lettered.labels(event_type, reason).inc()
        self.log.error(
            "event.dead_lettered", event_type=event_type, message_id=message_id, reason=reason, detail=detail
        )
        self.transport.keep(
            {"event_type": event_type, "message_id": message_id, "reason": detail, "body": body.decode("utf-8", "replace")}
        )

    # -- events ---------------------------------------------------------------------------

    async def receive(self, event_cls: type[E], body: bytes, message: Any) -> Delivery | None:
        """The message as a delivery of `event_cls`, or None: it was invalid, and dead-lettered."""
        try:
            envelope, event = parse_event(body, event_cls)
        except InvalidEvent as exc:
            await self.invalid(event_cls.event_type, getattr(message, "message_id", None), body, message, str(exc))
            return None
        return Delivery(envelope, event, body, message)

    async def process(self, event_cls: type[E], handler: Handler[E], body: bytes, message: Any = None) -> None:
        """One message, applied in its own transaction: a batch of one."""
        delivery = await self.receive(event_cls, body, message)
        if delivery is not None:
            await self.apply_alone(delivery, each(handler))

    async def apply_alone(self, delivery: Delivery, handler: BatchHandler) -> None:
        """One delivery in its own transaction, its outcome settled."""
        started = time.perf_counter()
        envelope = delivery.envelope
        with structlog.contextvars.bound_contextvars(
            event_type=envelope.type, message_id=envelope.id, correlation_id=envelope.correlationid
        ):
            settled, applied = await self.outcome(
                envelope.type, envelope.id, delivery.body, delivery.message, lambda: self.claim_and_apply([delivery], handler)
            )
            if settled and applied is not None:
                self.count(*applied, started)

    async def claim_and_apply(self, batch: Sequence[Delivery], handler: BatchHandler) -> tuple[list[Delivery], list[Delivery]]:
        """Claim the batch's messages in the inbox and apply the fresh ones, in one transaction;
        (fresh, duplicates)."""
        correlation = batch[-1].envelope.correlationid if len(batch) == 1 else None
        async with self.uow(correlation_id=correlation) as work:
            claimed = await inbox.claim_many(work.session, self.service, [(d.envelope.id, d.envelope.type, d.body.decode()) for d in batch])
            fresh: list[Delivery] = []
            duplicates: list[Delivery] = []
            for delivery in batch:
                (fresh if delivery.envelope.id in claimed else duplicates).append(delivery)
                claimed.discard(delivery.envelope.id)  # a second copy in the same batch is a duplicate
            if fresh:
                await handler(work, fresh)
        return fresh, duplicates

    def count(self, fresh: Sequence[Delivery], duplicates: Sequence[Delivery], started: float) -> None:
        elapsed = time.perf_counter() - started
        for delivery in fresh:
            self.metrics.events_consumed.labels(delivery.envelope.type).inc()
            self.metrics.handler_duration.labels(delivery.envelope.type).observe(elapsed)
        for delivery in duplicates:
            self.metrics.inbox_duplicates.labels(delivery.envelope.type).inc()
            self.log.info("event.duplicate_skipped", event_type=delivery.envelope.type, message_id=delivery.envelope.id)

    # -- commands -------------------------------------------------------------------------

    async def process_command(self, handler, rejection, body: bytes, message: Any) -> None:  # noqa: ANN001
        """Apply a school system's command (see shared.messaging.inbound). Every event it causes
        (the rejection included) carries the command's `id` as its `correlationid`."""
        from shared.messaging.inbound import Command, CommandRejected, authorised, school_of

        raw = getattr(message, "raw_message", None)
        routing_key, user_id = (getattr(raw, "routing_key", None) or ""), getattr(raw, "user_id", None)
        school_id = school_of(routing_key)
        try:
            envelope = parse_envelope(body)
        except ValidationError as exc:
            await self.invalid("command", getattr(message, "message_id", None), body, message, _describe(exc))
            return
        if school_id is None or not routing_key.endswith(envelope.type):
            detail = f"routing key {routing_key} does not name the school and {envelope.type}"
            await self.invalid(envelope.type, envelope.id, body, message, detail)
            return
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
            await self.outcome(envelope.type, envelope.id, body, message, apply, failed="command.failed")
