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

Every outcome is EventConsumer's (shared.messaging.consumer): a batch shares its claim, its
transaction and its acks; a message alone — one that failed in a batch, or any on the
in-memory broker, whose transport applies each at once (tests and the one-process run see the
effect before the publish returns) — is the consumer's batch of one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import structlog

from shared.contracts.envelope import EventData
from shared.messaging.consumer import BatchHandler as BatchHandler
from shared.messaging.consumer import Delivery as Delivery
from shared.messaging.consumer import EventConsumer
from shared.messaging.consumer import each as each


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
        delivery = await self.consumer.receive(event_cls, body, message)
        if delivery is None:
            return
        if self.relevant is not None and not self.relevant(delivery.event):
            # nothing to apply, so nothing to remember: acknowledged without a transaction
            self.consumer.metrics.events_ignored.labels(delivery.envelope.type).inc()
            await self.consumer.settle(message, "ack")
            return
        if self.consumer.transport.immediate:
            await self.consumer.apply_alone(delivery, self.handler)
        else:
            self._queue.put_nowait(delivery)

    def start(self) -> None:
        if self._task is None and not self.consumer.transport.immediate:
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
                    await self.consumer.apply_alone(delivery, self.handler)

    async def _apply_batch(self, batch: list[Delivery]) -> None:
        started = time.perf_counter()
        fresh, duplicates = await self.consumer.claim_and_apply(batch, self.handler)
        self.consumer.metrics.batch_size.observe(len(batch))
        for delivery in batch:
            await self.consumer.settle(delivery.message, "ack")
        self.consumer.count(fresh, duplicates, started)
