"""Consuming under load: the events waiting in a service's queues are applied several at once,
in one transaction (inbox claims included), and acknowledged after its commit.

One message per transaction costs a commit, its round trips and — for reports — an
announcement per scope for every event. Here a single loop takes whatever has arrived (up to
`max_batch`, never waiting for more: a lone event goes at once), so the batch grows only when
events queue up. The guarantees are the per-message ones:

- a body that is not a valid envelope of its type is dead-lettered at once;
- a message whose id the inbox holds is acknowledged and changes nothing;
- if the database is away (or another transient failure, shared.messaging.faults), the batch
  is held — not nacked, so no delivery is spent — and applied again once the database answers;
  consumption pauses meanwhile;
- if a batch fails otherwise, its messages are applied one by one, so only the failing one is
  nacked (redelivered until the delivery limit dead-letters it — counted and logged by the
  consumer on that last delivery) or, if invalid, rejected;
- a message is acknowledged only after the transaction that applied it committed, so a crash
  in between redelivers it and the inbox skips it.

On the in-memory broker every message is applied at once as a batch of one (tests and the
one-process run see the effect before the publish returns)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from shared.contracts.envelope import Envelope, EventData
from shared.messaging import inbox
from shared.messaging.consumer import EventConsumer, InvalidEvent, parse_event
from shared.messaging.outbox import Work


@dataclass(frozen=True)
class Delivery:
    envelope: Envelope
    event: EventData
    body: bytes
    message: Any = None  # the broker's message (RabbitMessage); None on the in-memory broker


BatchHandler = Callable[[Work, Sequence[Delivery]], Awaitable[None]]


class BatchingConsumer:
    def __init__(
        self, consumer: EventConsumer, handler: BatchHandler, max_batch: int = 200, relevant: Callable[[EventData], bool] | None = None
    ) -> None:
        self.consumer = consumer
        self.handler = handler
        self.max_batch = max_batch
        self.relevant = relevant
        self.log = structlog.get_logger().bind(service=consumer.service)
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def receive(self, event_cls: type[EventData], body: bytes, message: Any) -> None:
        """A subscriber's message: dead-letter it if invalid, else queue it for the next batch."""
        try:
            envelope, event = parse_event(body, event_cls)
        except InvalidEvent as exc:
            self.consumer.dead_letter(event_cls.event_type, getattr(message, "message_id", None), body, "invalid", str(exc))
            if message is not None:
                await message.reject(requeue=False)
            return
        delivery = Delivery(envelope, event, body, message)
        if self.relevant is not None and not self.relevant(event):
            # nothing to apply, so nothing to remember: acknowledged without a transaction
            self.consumer.metrics.events_ignored.labels(envelope.type).inc()
            await self._settle(delivery, "ack")
            return
        if self.consumer.in_memory:
            await self._apply_alone(delivery)
        else:
            self._queue.put_nowait(delivery)

    def start(self) -> None:
        if self._task is None and not self.consumer.in_memory:
            self._task = asyncio.create_task(self._run(), name=f"{self.consumer.service}-batches")

    async def stop(self) -> None:
        """Stop taking batches; messages still queued here are unacknowledged, so the broker
        redelivers them (to this service again, or to another replica)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    # -- the loop -------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self.consumer.retrying(lambda: self._apply_batch(batch), "batch")  # noqa: B023 - awaited within this iteration
            except asyncio.CancelledError:
                raise
            except Exception:
                self.log.warning("batch.failed_applying_one_by_one", size=len(batch), exc_info=True)
                for delivery in batch:
                    await self._apply_alone(delivery)

    async def _apply_batch(self, batch: list[Delivery]) -> None:
        started = time.perf_counter()
        fresh, duplicates = await self._claim_and_apply(batch)
        self.consumer.metrics.batch_size.observe(len(batch))
        for delivery in batch:
            await self._settle(delivery, "ack")
        self._count(fresh, duplicates, started)

    async def _claim_and_apply(self, batch: Sequence[Delivery]) -> tuple[list[Delivery], list[Delivery]]:
        correlation = batch[-1].envelope.correlationid if len(batch) == 1 else None
        async with self.consumer.uow(correlation_id=correlation) as work:
            claimed = await inbox.claim_many(
                work.session, self.consumer.service, [(d.envelope.id, d.envelope.type, d.body.decode()) for d in batch]
            )
            fresh: list[Delivery] = []
            duplicates: list[Delivery] = []
            for delivery in batch:
                (fresh if delivery.envelope.id in claimed else duplicates).append(delivery)
                claimed.discard(delivery.envelope.id)  # a second copy in the same batch is a duplicate
            if fresh:
                await self.handler(work, fresh)
        return fresh, duplicates

    async def _apply_alone(self, delivery: Delivery) -> None:
        """One message in its own transaction: the per-message outcome of EventConsumer."""
        started = time.perf_counter()
        envelope = delivery.envelope
        with structlog.contextvars.bound_contextvars(event_type=envelope.type, message_id=envelope.id, correlation_id=envelope.correlationid):
            try:
                fresh, duplicates = await self.consumer.retrying(lambda: self._claim_and_apply([delivery]), envelope.type)
            except InvalidEvent as exc:
                self.consumer.dead_letter(envelope.type, envelope.id, delivery.body, "rejected", str(exc))
                await self._settle(delivery, "reject")
                return
            except Exception as exc:
                self.log.exception("event.failed", will_retry=not self.consumer.in_memory)
                self.consumer.note_failure(envelope.type, envelope.id, delivery.body, getattr(delivery.message, "headers", None), exc)
                if self.consumer.in_memory:
                    self.consumer.dead_letter(envelope.type, envelope.id, delivery.body, "failed", repr(exc))
                await self._settle(delivery, "nack")
                return
        await self._settle(delivery, "ack")
        self._count(fresh, duplicates, started)

    async def _settle(self, delivery: Delivery, outcome: str) -> None:
        message = delivery.message
        if message is None:
            return
        try:
            if outcome == "ack":
                await message.ack()
            elif outcome == "reject":
                await message.reject(requeue=False)
            else:
                await message.nack(requeue=True)
        except Exception:
            # The channel is gone: the broker redelivers the message, and the inbox skips it
            # if it was applied.
            self.log.warning("event.settle_failed", outcome=outcome, message_id=delivery.envelope.id, exc_info=True)

    def _count(self, fresh: Sequence[Delivery], duplicates: Sequence[Delivery], started: float) -> None:
        metrics = self.consumer.metrics
        elapsed = time.perf_counter() - started
        for delivery in fresh:
            metrics.events_consumed.labels(delivery.envelope.type).inc()
            metrics.handler_duration.labels(delivery.envelope.type).observe(elapsed)
        for delivery in duplicates:
            metrics.inbox_duplicates.labels(delivery.envelope.type).inc()


def each(handler: Callable[[Work, Envelope, Any], Awaitable[None]]) -> BatchHandler:
    """A per-event handler applied to every event of a batch in turn, in one transaction: for a
    high-volume event whose handler has nothing to share between events (pairing reads the
    deficit profile from every completed questionnaire)."""

    async def apply(work: Work, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            await handler(work, delivery.envelope, delivery.event)

    return apply
