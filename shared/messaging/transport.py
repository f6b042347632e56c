"""Where a service's messages come from, and how their outcome goes back: the one place that
knows whether the broker is RabbitMQ or the in-memory one (FastStream's TestRabbitBroker, for
tests and the one-process `nastavnik run`).

The consumers (shared.messaging.consumer, .batching) decide an outcome — ack, reject (dead-letter
at once) or nack (redeliver) — and hand it to the transport:

- `BrokerTransport` settles it on the message's channel, waits out transient failures
  (shared.messaging.faults), lets a failed message be redelivered until the queue's delivery
  limit dead-letters it, and connects, declares and pings the broker.
- `MemoryTransport` settles nothing: its publisher waits for the handler, so a message is
  applied at once, a failure is final (recorded in `dead_letters`, which tests read) and never
  raised to the producer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar

from faststream.rabbit import RabbitBroker

from shared.messaging import broker_state
from shared.messaging.faults import InfrastructureWait, last_delivery
from shared.messaging.stall import StallWatch
from shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    INBOUND_EXCHANGE,
    SCHOOLS_EXCHANGE,
    dead_letter_queue,
)

T = TypeVar("T")
Outcome = Literal["ack", "reject", "nack"]


class Transport:
    """What both transports share: the message's headers, the dead letters kept in memory."""

    name = "transport"
    immediate = False
    """True: every message is applied at once, a batch of one (the publisher waits for it);
    False: messages that queue up may be gathered into batches."""

    def __init__(self) -> None:
        self.dead_letters: list[dict] = []

    @staticmethod
    def headers(message: Any) -> dict | None:
        return getattr(message, "headers", None)

    async def run(self, operation: Callable[[], Awaitable[T]], what: str, waiting: InfrastructureWait) -> T:
        """Run one attempt at applying messages."""
        raise NotImplementedError

    def final_failure(self, message: Any, delivery_limit: int, exc: Exception) -> tuple[str, str] | None:
        """(reason, detail) of the dead-letter a failure causes now, or None: it is redelivered."""
        raise NotImplementedError

    async def settle(self, message: Any, outcome: Outcome, log: Any) -> None:
        """Give the message's outcome to the broker."""
        raise NotImplementedError

    def keep(self, dead_letter: dict) -> None:
        """A dead-letter's copy, where the transport keeps none of its own."""

    async def open(self, broker: RabbitBroker, consumed_queues: Sequence[str], on_reconnect: Callable[[], None]) -> None:
        raise NotImplementedError

    async def close(self, broker: RabbitBroker) -> None:
        raise NotImplementedError

    def watch_stalls(self, broker: RabbitBroker, watch: StallWatch, queues: Sequence[str], busy: Callable[[], bool],
                     publishing_failed_for: Callable[[], float]) -> None:
        """Start `watch` over the consumed queues and the publishes, where a broker can stop serving an open connection."""

    async def ready(self, broker: RabbitBroker) -> tuple[bool, str | None]:
        raise NotImplementedError


class BrokerTransport(Transport):
    """RabbitMQ: outcomes settle on the channel; failures are retried by redelivery."""

    name = "rabbitmq"

    async def run(self, operation: Callable[[], Awaitable[T]], what: str, waiting: InfrastructureWait) -> T:
        """Run `operation`, waiting out transient failures (the database away, …)."""
        return await waiting.run(operation, what)

    def final_failure(self, message: Any, delivery_limit: int, exc: Exception) -> tuple[str, str] | None:
        """(reason, detail) of the dead-letter a failure causes now, or None: it is redelivered.
        On the last delivery the queue allows, the nack makes RabbitMQ dead-letter it (x-death
        reason `delivery_limit`): counted and logged here, where it is known."""
        if not last_delivery(self.headers(message), delivery_limit):
            return None
        return "delivery_limit", f"failed on the last of {delivery_limit + 1} deliveries: {exc!r}"[:1000]

    async def settle(self, message: Any, outcome: Outcome, log: Any) -> None:
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
            # The channel is gone: the broker redelivers the message, and the inbox skips it if
            # it was applied.
            log.warning("event.settle_failed", outcome=outcome, message_id=getattr(message, "message_id", None), exc_info=True)

    # -- the connection ---------------------------------------------------------------------

    async def open(self, broker: RabbitBroker, consumed_queues: Sequence[str], on_reconnect: Callable[[], None]) -> None:
        """Connect, declare the exchanges and dead-letter queues, start consuming."""
        await broker.connect()
        connection = getattr(broker, "_connection", None)  # aio-pika's robust connection
        if connection is not None and hasattr(connection, "reconnect_callbacks"):
            # the relay retries the moment the broker is back, not when its backoff ends
            connection.reconnect_callbacks.add(lambda *_: on_reconnect())
        await broker.declare_exchange(EVENTS_EXCHANGE)
        await broker.declare_exchange(INBOUND_EXCHANGE)
        schools = await broker.declare_exchange(SCHOOLS_EXCHANGE)
        await schools.bind(EVENTS_EXCHANGE.name, routing_key="#")
        dlx = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
        for name in consumed_queues:
            dlq = await broker.declare_queue(dead_letter_queue(name))
            await dlq.bind(dlx, routing_key=name)
        await broker.start()

    async def close(self, broker: RabbitBroker) -> None:
        await broker.stop()

    def watch_stalls(self, broker: RabbitBroker, watch: StallWatch, queues: Sequence[str], busy: Callable[[], bool],
                     publishing_failed_for: Callable[[], float]) -> None:
        connection = getattr(broker, "_connection", None)  # aio-pika's robust connection
        if connection is not None:
            watch.start(connection, queues, busy, publishing_failed_for)

    async def ready(self, broker: RabbitBroker) -> tuple[bool, str | None]:
        """Whether the broker answers and takes publishes; if not, why: unreachable, or blocking
        the connection (a memory or disk alarm: nothing can be published)."""
        try:
            answers = await asyncio.wait_for(broker.ping(timeout=2.0), 3.0)
        except Exception:  # noqa: BLE001 - whatever the ping raises, the broker is not ready
            answers = False
        if not answers:
            return False, "unreachable"
        blocked = broker_state.blocked_reason(broker)
        if blocked:
            return False, f"the broker blocks publishing: {blocked}"
        return True, None


class MemoryTransport(Transport):
    """The in-memory broker: nothing to settle or connect; a failure is final and kept here."""

    name = "memory"
    immediate = True
    """The publisher waits for the handler: every message is applied at once, a batch of one."""

    async def run(self, operation: Callable[[], Awaitable[T]], what: str, waiting: InfrastructureWait) -> T:
        return await operation()  # a failure is final: nothing would redeliver the message

    def final_failure(self, message: Any, delivery_limit: int, exc: Exception) -> tuple[str, str] | None:
        return "failed", repr(exc)

    async def settle(self, message: Any, outcome: Outcome, log: Any) -> None:
        """Nothing to acknowledge: the outcome is already final."""

    def keep(self, dead_letter: dict) -> None:
        self.dead_letters.append(dead_letter)

    async def open(self, broker: RabbitBroker, consumed_queues: Sequence[str], on_reconnect: Callable[[], None]) -> None:
        """TestRabbitBroker, patched in by the caller, delivers without a connection."""

    async def close(self, broker: RabbitBroker) -> None:
        pass

    async def ready(self, broker: RabbitBroker) -> tuple[bool, str | None]:
        return True, None


def transport_for(in_memory: bool) -> Transport:
    return MemoryTransport() if in_memory else BrokerTransport()
