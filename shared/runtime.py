"""What every service is made of at run time: settings, logger, metrics, database, broker,
outbox relay, unit of work and event consumer. Each service's composition root builds one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from faststream import AckPolicy
from faststream.exceptions import SubscriberNotFound
from faststream.rabbit import Channel, RabbitBroker
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
from shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    INBOUND_EXCHANGE,
    SCHOOLS_EXCHANGE,
    consumer_queue,
    dead_letter_queue,
    inbound_queue,
    queue_name,
)
from shared.metrics import ServiceMetrics
from shared.revocation import RevocationList, revocation_table
from shared.settings import Settings

IN_MEMORY_URL = "amqp://guest:guest@in-memory:5672/"


async def _raw_body(message) -> bytes:  # noqa: ANN001
    """Hand the handler the raw bytes: the consumer validates them itself, so that a
    malformed body is dead-lettered with its reason instead of failing inside the framework."""
    return message.body


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
        self.in_memory = settings.in_memory_broker
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
        self._consumed_queues: list[str] = []
        self._batching: list[BatchingConsumer] = []
        self.relay = OutboxRelay(self.db, self._publish, self.metrics, self.log, retention=settings.outbox_retention)
        self.uow = UnitOfWork(self.db, name, self.relay)
        self._scrape_hooks: list[Callable[[], Awaitable[None]]] = [self._refresh_outbox_gauges]
        broker_state.watch()
        self.metrics.broker_blocked.set_function(lambda: 1.0 if broker_state.blocked_reason(self.broker) else 0.0)
        self.consumer = EventConsumer(
            name, self.uow, self.metrics, self.in_memory, delivery_limit=settings.delivery_limit, probe=self.db.ping
        )
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
            await consumer.process(event, handler, body, message.message_id, message.headers)

        on_message.__name__ = f"{self.name}_on_{event.event_type.replace('.', '_')}"
        self.broker.subscriber(
            queue,
            EVENTS_EXCHANGE,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_raw_body,
            title=queue_name(self.name, event.event_type),
            description=event.description,
        )(on_message)
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

            on_message = self._batch_receiver(batches, event)
            self.broker.subscriber(
                queue,
                EVENTS_EXCHANGE,
                # room for the batch being applied and the next one arriving meanwhile
                channel=Channel(prefetch_count=max(self.settings.prefetch, 2 * max_batch)),
                ack_policy=AckPolicy.MANUAL,  # acknowledged by the batch, after its commit
                decoder=_raw_body,
                title=queue_name(self.name, event.event_type),
                description=event.description,
            )(on_message)
            self._consumed_queues.append(queue.name)

    def _batch_receiver(self, batches: BatchingConsumer, event: type[EventData]):  # noqa: ANN202
        in_memory = self.in_memory

        async def on_message(body: bytes, message: RabbitMessage) -> None:
            await batches.receive(event, body, None if in_memory else message)

        on_message.__name__ = f"{self.name}_on_{event.event_type.replace('.', '_')}"
        return on_message

    def publisher(self, event_type: str):  # noqa: ANN201
        """The FastStream publisher of a produced event type (tests read its `.mock`)."""
        return self._publishers[event_type]

    def consumes_commands(self, handler, rejection) -> None:  # noqa: ANN001
        """Subscribe to school systems' commands for this service (`school.*.<service>.#` on the
        inbound exchange) through the queue `<service>.inbound`; see shared.messaging.inbound."""
        queue = inbound_queue(self.name, self.settings.delivery_limit)
        consumer = self.consumer

        async def on_command(body: bytes, message: RabbitMessage) -> None:
            raw = message.raw_message
            await consumer.process_command(
                handler, rejection, body, raw.routing_key or "", raw.user_id, message.message_id, message.headers
            )

        on_command.__name__ = f"{self.name}_on_inbound_command"
        self.broker.subscriber(
            queue,
            INBOUND_EXCHANGE,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_raw_body,
            title=queue.name,
            description=f"Commands from school information systems for {self.name}.",
        )(on_command)
        self._consumed_queues.append(queue.name)

    async def _refresh_outbox_gauges(self) -> None:
        await self.relay.refresh_gauges()  # the relay a composition root put in place (registry's bulk relay)

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
        """Upgrade (or, under `serve`, check) the schema, connect (unless the in-memory broker is
        patched in), start the relay."""
        if self.upgrade_schema:
            await self.db.create_tables()
        else:
            await self.db.require_head()
        if not self.in_memory:
            await self.broker.connect()
            connection = getattr(self.broker, "_connection", None)  # aio-pika's robust connection
            if connection is not None and hasattr(connection, "reconnect_callbacks"):
                # the relay retries the moment the broker is back, not when its backoff ends
                connection.reconnect_callbacks.add(lambda *_: self.relay.resume())
            await self._declare_dead_letter_queues()
            await self.broker.start()
        for batches in self._batching:
            batches.start()
        await self.relay.start()
        await self.revocations.start(self.log)
        self.audit.start(self.log)
        self.log.info("service.started", broker="memory" if self.in_memory else "rabbitmq")

    async def stop(self) -> None:
        await self.audit.stop()
        await self.revocations.stop()
        for batches in self._batching:
            await batches.stop()
        await self.relay.stop()
        if not self.in_memory:
            await self.broker.stop()
        await self.db.dispose()
        self.log.info("service.stopped")

    async def _declare_dead_letter_queues(self) -> None:
        await self.broker.declare_exchange(EVENTS_EXCHANGE)
        await self.broker.declare_exchange(INBOUND_EXCHANGE)
        schools = await self.broker.declare_exchange(SCHOOLS_EXCHANGE)
        await schools.bind(EVENTS_EXCHANGE.name, routing_key="#")
        dlx = await self.broker.declare_exchange(DEAD_LETTER_EXCHANGE)
        for name in self._consumed_queues:
            dlq = await self.broker.declare_queue(dead_letter_queue(name))
            await dlq.bind(dlx, routing_key=name)

    async def ready(self) -> dict[str, bool]:
        return (await self.readiness())[0]

    async def readiness(self) -> tuple[dict[str, bool], dict[str, str]]:
        """Checks (database, broker) and, for each failing one, why: unreachable, or the broker
        blocking the connection (a memory or disk alarm: nothing can be published)."""
        reasons: dict[str, str] = {}
        database = await self.db.ping()
        if not database:
            reasons["database"] = "unreachable"
        if self.in_memory:
            broker = True
        else:
            try:
                broker = await asyncio.wait_for(self.broker.ping(timeout=2.0), 3.0)
            except Exception:  # noqa: BLE001 - whatever the ping raises, the broker is not ready
                broker = False
            blocked = broker_state.blocked_reason(self.broker)
            if not broker:
                reasons["broker"] = "unreachable"
            elif blocked:
                broker = False
                reasons["broker"] = f"the broker blocks publishing: {blocked}"
        return {"database": database, "broker": broker}, reasons

    # -- the relay's publish --------------------------------------------------------------

    async def _publish(self, row: OutboxMessage) -> None:
        publisher = self._publishers.get(row.event_type)
        if publisher is None:
            raise RuntimeError(f"{self.name} has no publisher for {row.event_type}")
        try:
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
