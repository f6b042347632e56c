"""What every service is made of at run time: settings, logger, metrics, database, broker,
outbox relay, unit of work and event consumer. Each service's composition root builds one, the
same way (docs/developing.md): `ServiceRuntime(name, settings, tables, relay=…)`, then
`publishes`, `consumes` / `consumes_in_batches` / `consumes_commands`, and `on_start` /
`on_stop` for its own background work; nothing is replaced after construction."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from faststream import AckPolicy
from faststream.exceptions import SubscriberNotFound
from faststream.message import StreamMessage
from faststream.rabbit import Channel, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from faststream.rabbit.prometheus import RabbitPrometheusMiddleware
from sqlmodel import SQLModel

from shared.audit import AuditLog, audit_table
from shared.contracts.envelope import EventData
from shared.db import Database
from shared.logging import configure_logging, get_logger
from shared.messaging import broker_state
from shared.messaging.batching import BatchHandler, BatchingConsumer
from shared.messaging.cluster import use_cluster
from shared.messaging.consumer import EventConsumer, Handler
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import OutboxMessage, OutboxRelay, UnitOfWork, routing_headers
from shared.messaging.stall import StallWatch
from shared.messaging.topology import EVENTS_EXCHANGE, INBOUND_EXCHANGE, consumer_queue, inbound_queue, queue_name
from shared.messaging.transport import transport_for
from shared.metrics import ServiceMetrics
from shared.revocation import RevocationList, revocation_table
from shared.settings import Settings

IN_MEMORY_URL = "amqp://guest:guest@in-memory:5672/"
PUBLISH_GRACE = 5.0
"""Seconds a publish on RabbitMQ may take beyond its confirm timeout (`publish_timeout`) before it is cut short."""

Hook = Callable[[], Awaitable[None] | None]
"""A start or stop hook: a function, or a coroutine function, of no arguments."""
RelayFactory = Callable[["ServiceRuntime"], OutboxRelay]
"""Builds a service's outbox relay from its runtime (its database, `publish_row`, metrics, log,
settings); called once, before the unit of work and the consumer are built on it."""


def standard_relay(runtime: ServiceRuntime) -> OutboxRelay:
    """The relay of every service: publishes each event through its FastStream publisher."""
    return OutboxRelay(runtime.db, runtime.publish_row, runtime.metrics, runtime.log, retention=runtime.settings.outbox_retention)


def bulk_relay(runtime: ServiceRuntime) -> OutboxRelay:
    """The relay for bulk volumes (an import writes hundreds of thousands of events at once): on
    RabbitMQ it publishes straight on its own channel, one AMQP transaction per 1,000 events
    (shared.messaging.outbox); on the in-memory broker it is the standard relay."""
    settings = runtime.settings
    return OutboxRelay(runtime.db, runtime.publish_row, runtime.metrics, runtime.log, retention=settings.outbox_retention,
                       broker_urls=settings.broker_urls, publish_timeout=max(30.0, settings.publish_timeout))


async def _whole_message(message: StreamMessage) -> StreamMessage:
    """Hand the handler the framework's message itself, as its one argument: the consumer reads
    and validates the raw body (a malformed one is dead-lettered with its reason instead of
    failing inside the framework), and settles the message. Asking for the message by a second,
    context-injected argument instead costs a worker-thread hop per message (fast_depends solves
    a context field synchronously in the thread pool): a quarter of a consumer's CPU under load."""
    return message


def service_tables(name: str, tables: Sequence[type[SQLModel]]) -> list[type[SQLModel]]:
    """Every table of a service's database: its own, the outbox and inbox, its audit log and
    revocation list (the metadata its migrations cover)."""
    return [OutboxMessage, InboxMessage, *tables, *[t for t in (audit_table(name), revocation_table(name)) if t not in tables]]


class ServiceRuntime:
    def __init__(
        self,
        name: str,
        settings: Settings,
        tables: Sequence[type[SQLModel]],
        *,
        shared_process: bool = False,
        relay: RelayFactory = standard_relay,
    ) -> None:
        configure_logging(settings.log_level)
        self.name = name
        self.settings = settings
        self.log = get_logger(name)
        self.metrics = ServiceMetrics(name)
        self.db = Database(
            settings.database_url_for(name, shared_process=shared_process),
            service_tables(name, tables),
            service=name,
        )
        self.upgrade_schema = True
        """Upgrade the database to head at start (`run`, tests); `serve` sets False: then a database
        behind head stops the start (the operator runs `nastavnik migrate`)."""
        self.audit = AuditLog(name, self.db, settings.audit_retention_days)
        """The personal-data audit log of this service (shared/audit.py)."""
        self.revocations = RevocationList(name, self.db, settings.revocation_refresh_seconds, timedelta(
            hours=max(settings.token_max_lifetime_hours, settings.session_max_hours)))
        """Revoked sessions and tokens (shared/revocation.py), loaded at start and reloaded."""
        self.transport = transport_for(settings.in_memory_broker)
        """RabbitMQ or the in-memory broker: how messages are settled, and the broker reached."""
        self.broker = RabbitBroker(
            settings.rabbitmq_url or IN_MEMORY_URL,
            default_channel=Channel(prefetch_count=settings.prefetch, publisher_confirms=True),
            middlewares=[RabbitPrometheusMiddleware(registry=self.metrics.registry, app_name=name)],
            logger=self.log,
            graceful_timeout=10.0,
            reconnect_interval=1.0,
        )
        use_cluster(self.broker, settings.broker_urls)  # NASTAVNIK_RABBITMQ_NODES: move to a surviving node
        self._publishers: dict[str, object] = {}
        self._publish_failing_since: float | None = None
        self._consumed_queues: list[str] = []
        self._batching: list[BatchingConsumer] = []
        self._start_hooks: list[Hook] = []
        self._stop_hooks: list[Hook] = []
        self.relay = relay(self)
        self.uow = UnitOfWork(self.db, name, self.relay)
        self._scrape_hooks: list[Callable[[], Awaitable[None]]] = [self._refresh_outbox_gauges]
        broker_state.watch()
        self.metrics.broker_blocked.set_function(lambda: 1.0 if broker_state.blocked_reason(self.broker) else 0.0)
        self.consumer = EventConsumer(
            name, self.uow, self.metrics, self.transport, delivery_limit=settings.delivery_limit, probe=self.db.ping
        )
        self.stall_watch = StallWatch(settings.consumer_stall_seconds, self.log,
                                      lambda queue: self.metrics.consumer_stalls.labels(queue).inc())
        """Restores a consumer the broker stopped feeding (shared/messaging/stall.py)."""
        if name != "registry":  # the registry decides revocations and stores its own in the use case
            from shared.contracts.registry import SessionsRevoked

            self.consumes(SessionsRevoked, self._on_sessions_revoked)

    async def _on_sessions_revoked(self, work, _envelope, data) -> None:  # noqa: ANN001
        from shared.revocation import store

        await store(work.session, self.revocations.table, data.subject_id, data.revoked_before, data.reason)

    # -- wiring, done by the composition root --------------------------------------------

    def publishes(self, *events: type[EventData]) -> None:
        """Declare one publisher per produced event type (documented, mockable in tests)."""
        for event in events:
            self._publishers[event.event_type] = self.broker.publisher(
                exchange=EVENTS_EXCHANGE,
                routing_key=event.event_type,
                persist=True,
                title=event.event_type,
                description=event.description,
            )

    def consumes(self, event: type[EventData], handler: Handler) -> None:
        """Subscribe `handler` to `event` through this service's own durable queue."""
        queue = consumer_queue(self.name, event.event_type, self.settings.delivery_limit)
        consumer = self.consumer

        async def on_message(body: bytes, message: RabbitMessage) -> None:
            await consumer.process(event, handler, body, message)

        on_message.__name__ = f"{self.name}_on_{event.event_type.replace('.', '_')}"
        self._subscribe(queue, EVENTS_EXCHANGE, on_message, queue_name(self.name, event.event_type), event.description)

    def _subscribe(self, queue: RabbitQueue, exchange: RabbitExchange, receiver: Callable, title: str, description: str,
                   **options: Any) -> None:
        """Subscribe `receiver` to `queue`: raw bytes in (the consumer validates them itself); the
        consumer settles each message, and the framework nacks one whose receiver raised."""
        options.setdefault("ack_policy", AckPolicy.NACK_ON_ERROR)
        watch, name = self.stall_watch, queue.name

        async def on_message(message: Any) -> None:
            watch.delivered(name)
            await receiver(message.body, message)

        on_message.__name__ = receiver.__name__
        self.broker.subscriber(queue, exchange, decoder=_whole_message, title=title, description=description, **options)(on_message)
        self._consumed_queues.append(queue.name)

    def consumes_in_batches(
        self,
        events: Sequence[type[EventData]],
        handler: BatchHandler,
        max_batch: int = 200,
        relevant: Callable[[EventData], bool] | None = None,
    ) -> None:
        """Subscribe to each event's own queue, as `consumes` does, but apply what has queued up
        several at once, in one transaction (see shared.messaging.batching). Events for which
        `relevant` is false are acknowledged at once, without touching the database."""
        batches = BatchingConsumer(self.consumer, handler, max_batch, relevant)
        self._batching.append(batches)
        for event in events:
            queue = consumer_queue(self.name, event.event_type, self.settings.delivery_limit)

            self._subscribe(
                queue, EVENTS_EXCHANGE, _receiver(self.name, event, batches), queue_name(self.name, event.event_type),
                event.description,
                # room for the batch being applied and the next one arriving meanwhile
                channel=Channel(prefetch_count=max(self.settings.prefetch, 2 * max_batch)),
                ack_policy=AckPolicy.MANUAL,  # acknowledged by the batch, after its commit
            )

    def publisher(self, event_type: str):  # noqa: ANN201
        """The FastStream publisher of a produced event type (tests read its `.mock`)."""
        return self._publishers[event_type]

    def consumes_commands(self, handler, rejection) -> None:  # noqa: ANN001
        """Subscribe to school systems' commands for this service (`school.*.<service>.#` on the
        inbound exchange) through the queue `<service>.inbound`; see shared.messaging.inbound."""
        queue = inbound_queue(self.name, self.settings.delivery_limit)
        consumer = self.consumer

        async def on_command(body: bytes, message: RabbitMessage) -> None:
            await consumer.process_command(handler, rejection, body, message)

        on_command.__name__ = f"{self.name}_on_inbound_command"
        self._subscribe(queue, INBOUND_EXCHANGE, on_command, queue.name, f"Commands from school information systems for {self.name}.")

    async def _refresh_outbox_gauges(self) -> None:
        await self.relay.refresh_gauges()

    def on_start(self, hook: Hook) -> None:
        """Run `hook` once the runtime has started (the relay publishes what it emits): a
        service's own background work, e.g. surveys' campaign schedule. In the order added."""
        self._start_hooks.append(hook)

    def on_stop(self, hook: Hook) -> None:
        """Run `hook` before the runtime stops, in the reverse order of `on_stop` calls."""
        self._stop_hooks.append(hook)

    def on_scrape(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` before each /metrics answer: gauges read from the database (a COUNT)."""
        self._scrape_hooks.append(hook)

    async def refresh_gauges(self) -> None:
        """The scrape hooks, each within 2 s; a failing one leaves its gauge as it was."""
        for hook in self._scrape_hooks:
            try:
                await asyncio.wait_for(hook(), 2.0)
            except Exception as exc:  # noqa: BLE001 - a failing metrics hook must not fail /metrics
                self.log.warning("metrics.refresh_failed", hook=getattr(hook, "__qualname__", repr(hook)), error=repr(exc)[:200])

    @property
    def produced_types(self) -> list[str]:
        return list(self._publishers)

    @property
    def consumed_queues(self) -> list[str]:
        return list(self._consumed_queues)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Upgrade (or, under `serve`, check) the schema, open the transport (connect to RabbitMQ;
        nothing for the in-memory broker, patched in by the caller), start the relay, then the
        start hooks."""
        if self.upgrade_schema:
            await self.db.create_tables()
        else:
            await self.db.require_head()
        await self.transport.open(self.broker, self._consumed_queues, self.relay.resume)
        self.transport.watch_stalls(self.broker, self.stall_watch, self._consumed_queues, lambda: self.consumer.waiting.running > 0,
                                    lambda: 0.0 if broker_state.blocked_reason(self.broker) else self.publishing_failed_for())
        for batches in self._batching:
            batches.start()
        await self.relay.start()
        await self.revocations.start(self.log)
        self.audit.start(self.log)
        for hook in self._start_hooks:
            await _call(hook)
        self.log.info("service.started", broker=self.transport.name)

    async def stop(self) -> None:
        for hook in reversed(self._stop_hooks):
            await _call(hook)
        await self.audit.stop()
        await self.revocations.stop()
        for batches in self._batching:
            await batches.stop()
        await self.relay.stop()
        await self.stall_watch.stop()
        await self.transport.close(self.broker)
        await self.db.dispose()
        self.log.info("service.stopped")

    async def ready(self) -> dict[str, bool]:
        return (await self.readiness())[0]

    async def readiness(self) -> tuple[dict[str, bool], dict[str, str]]:
        """Checks (database, broker) and, for each failing one, why: unreachable, or the broker
        blocking the connection (a memory or disk alarm: nothing can be published)."""
        reasons: dict[str, str] = {}
        database = await self.db.ping()
        if not database:
            reasons["database"] = "unreachable"
        broker, why = await self.transport.ready(self.broker)
        if why:
            reasons["broker"] = why
        return {"database": database, "broker": broker}, reasons

    # -- the relay's publish --------------------------------------------------------------

    async def publish_row(self, row: OutboxMessage) -> None:
        """Publish one outbox row through its event type's publisher (the standard relay's way).
        On RabbitMQ bounded: a publish waits for its channel to be restored, which a broken
        failover could leave waiting forever; the stall watch reconnects when publishing keeps
        failing. Not in memory: there the publish runs every consumer's handler before it
        returns, and cutting it short would cancel them mid-transaction (an SQLite write lock
        left behind stalled the one-process run for good)."""
        publisher = self._publishers.get(row.event_type)
        if publisher is None:
            raise RuntimeError(f"{self.name} has no publisher for {row.event_type}")
        bound = None if self.transport.immediate else self.settings.publish_timeout + PUBLISH_GRACE
        try:
            async with asyncio.timeout(bound):  # no task per publish, unlike wait_for
                await publisher.publish(  # type: ignore[attr-defined]
                    row.body.encode(),
                    headers=routing_headers(row.body),
                    message_id=row.id,
                    correlation_id=row.correlation_id or row.id,
                    content_type="application/json",
                    timeout=self.settings.publish_timeout,
                )
        except SubscriberNotFound:
            # In-memory broker only: nobody in this process listens to this event type.
            pass
        except Exception:
            if self._publish_failing_since is None:
                self._publish_failing_since = time.monotonic()
            raise
        self._publish_failing_since = None

    def publishing_failed_for(self) -> float:
        """Seconds the broker has refused or timed out every publish (0: the last one went through)."""
        return 0.0 if self._publish_failing_since is None else time.monotonic() - self._publish_failing_since

    _publish = publish_row  # the name the relay tests built a relay with


def _receiver(service: str, event: type[EventData], batches: BatchingConsumer):  # noqa: ANN202
    async def on_message(body: bytes, message: RabbitMessage) -> None:
        await batches.receive(event, body, message)

    on_message.__name__ = f"{service}_on_{event.event_type.replace('.', '_')}"
    return on_message


async def _call(hook: Hook) -> None:
    result = hook()
    if inspect.isawaitable(result):
        await result
