"""Transactional outbox: a change and its events commit together; a relay publishes the
committed events right after the commit, with confirms, and retries while the broker is away.

On PostgreSQL several replicas may relay the same table: rows are claimed with
`FOR UPDATE SKIP LOCKED`. Given `broker_urls` (the node, or a cluster's nodes), the relay publishes on RabbitMQ in bulk, one
AMQP transaction per 1,000 events (shared.messaging.bulk: for a service writing hundreds of
thousands of events at once); without one, through the service's FastStream publishers. A crash between publish and mark-sent republishes the batch, which
the consumers' inbox absorbs (at least once, applied once)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Index, delete, func, insert, text, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from structlog.stdlib import BoundLogger

from shared.clock import utcnow
from shared.contracts.envelope import EventData, new_envelope, school_of
from shared.db import Database
from shared.messaging.bulk import TransactionalPublisher, claim_and_mark
from shared.messaging.topology import SCHOOL_HEADER, SCOPE_HEADER
from shared.metrics import ServiceMetrics


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    # Only unsent rows, in the relay's order: the relay's `ORDER BY created_at LIMIT n` walks
    # it as an index scan, which marks the entries of rows sent meanwhile dead as it passes.
    # An index over all rows, (sent_at, created_at), made every claim re-visit every row sent
    # since the last vacuum (a bitmap scan): PostgreSQL's CPU per event grew with the table.
    __table_args__ = (
        Index("ix_outbox_unsent", "created_at", postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL")),
    )

    id: str = Field(primary_key=True, description="The event id, also the AMQP message id.")
    event_type: str
    body: str = Field(description="The CloudEvents envelope as JSON.")
    correlation_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


@dataclass
class Work:
    """One unit of work: a session in a transaction, and the events it will emit."""

    session: AsyncSession
    service: str
    correlation_id: str | None = None
    emitted: list[str] = field(default_factory=list)

    def emit(self, data: EventData) -> str:
        """Add an event to the outbox in this transaction; returns the event id."""
        row = outbox_row(self.service, data, self.correlation_id)
        self.session.add(OutboxMessage(**row))
        self.emitted.append(row["id"])
        return row["id"]

    async def emit_many(self, events: Sequence[tuple[EventData, str | None]]) -> list[str]:
        """Add many events, each with its own correlation id, in one multi-row INSERT (Core,
        not the ORM: a group commit writes hundreds at once); returns the event ids."""
        rows = [outbox_row(self.service, data, correlation_id) for data, correlation_id in events]
        if rows:
            connection = await self.session.connection()
            await connection.execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]  # set by SQLModel at runtime
            self.emitted.extend(row["id"] for row in rows)
        return [row["id"] for row in rows]


def outbox_row(service: str, data: EventData, correlation_id: str | None) -> dict:
    """The outbox row of one event, as column values."""
    envelope = new_envelope(service, data, correlation_id)
    return {
        "id": envelope.id,
        "event_type": envelope.type,
        "body": envelope.model_dump_json(),
        "correlation_id": correlation_id,
        "created_at": utcnow(),
        "sent_at": None,
    }


PublishFn = Callable[[OutboxMessage], Awaitable[None]]


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        publish: PublishFn,
        metrics: ServiceMetrics,
        log: BoundLogger,
        *,
        batch_size: int = 200,
        poll_interval: float = 1.0,
        retention: timedelta | None = None,
        prune_every: float = 3600.0,
        first_backoff: float = 0.2,
        max_backoff: float = 5.0,
        broker_urls: Sequence[str] = (),
        bulk_batch: int = 1000,
        publish_timeout: float = 30.0,
    ) -> None:
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._retention = retention
        self._prune_every = prune_every
        self._pruned_at = float("-inf")
        self._db = db
        self._publish = publish
        self._metrics = metrics
        self._log = log
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._resumed = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._stopping = False
        self._bulk = TransactionalPublisher(broker_urls, publish_timeout) if broker_urls else None
        self._bulk_batch = bulk_batch

    @property
    def bulk(self) -> bool:
        """Publishes in bulk on its own AMQP channel (`broker_urls` were given)."""
        return self._bulk is not None

    @property
    def running(self) -> bool:
        return self._task is not None

    def notify(self) -> None:
        """Called after a commit that added events: publish now, not at the next poll."""
        self._wake.set()

    def resume(self) -> None:
        """Called when the broker connection is back: retry now, not when the backoff ends."""
        self._resumed.set()
        self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self._metrics.service}")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop the relay: let the round in progress finish (its publishes and the mark-sent
        commit), then cancel only if it outlasts `grace`. A round cancelled mid-transaction can
        leave a connection behind that still holds its write lock (with SQLite, the whole
        database: the next start of the process finds it "locked"); with the in-memory broker
        the round also runs the consumers' handlers inline. The flag, not only the cancel: on
        Python 3.11 a cancel that lands while an inner wait completes can be swallowed."""
        if self._task:
            self._stopping = True
            self._wake.set()
            self._resumed.set()
            try:
                done, _ = await asyncio.wait({self._task}, timeout=grace)
                if not done:
                    self._task.cancel()
                    await asyncio.wait({self._task}, timeout=10)
            finally:
                self._task = None
        if self._bulk is not None:
            await self._bulk.close()

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until the outbox has been drained (for tests, demo loading and benchmarks)."""
        self.notify()
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self._idle.clear()
            self.notify()
            await asyncio.wait_for(self._idle.wait(), max(0.01, deadline - asyncio.get_running_loop().time()))
            if await self.pending_count() == 0:
                return

    async def pending_count(self) -> int:
        """Events committed and not yet sent: a COUNT over the partial index of unsent rows."""
        async with self._db.sessions() as session:
            return (await session.exec(select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None)))).one()

    async def refresh_gauges(self) -> None:
        """`nastavnik_outbox_pending_events` = the real backlog, and the age of its oldest event
        (at each scrape, and after each relay round: never the size of a batch)."""
        async with self._db.sessions() as session:
            pending, oldest = (await session.exec(
                select(func.count(), func.min(OutboxMessage.created_at)).where(col(OutboxMessage.sent_at).is_(None))
            )).one()
        self._metrics.outbox_pending.set(pending)
        self._set_oldest(oldest)

    def _set_oldest(self, oldest: datetime | None) -> None:
        if oldest is None:
            self._metrics.outbox_oldest_age.set(0)
            return
        if oldest.tzinfo is None:  # SQLite returns naive datetimes
            oldest = oldest.replace(tzinfo=utcnow().tzinfo)
        self._metrics.outbox_oldest_age.set(max(0.0, (utcnow() - oldest).total_seconds()))

    async def _run(self) -> None:
        backoff = self._first_backoff
        while not self._stopping:
            try:
                async with asyncio.timeout(self._poll_interval):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                while not self._stopping and await self.drain_once():
                    pass
                await self.refresh_gauges()
                backoff = self._first_backoff
                self._idle.set()
                await self._prune_when_due()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the broker or the database is away: keep the rows, retry
                self._metrics.publish_failures.inc()
                self._log.warning("outbox.publish_failed", error=repr(exc), retry_in=backoff)
                with contextlib.suppress(Exception):
                    await self.refresh_gauges()  # the backlog grows while the broker is away
                # until the backoff ends, or at once when the connection is back (`resume`)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(backoff):
                        await self._resumed.wait()
                self._resumed.clear()
                backoff = min(backoff * 2, self._max_backoff)
                self._wake.set()

    async def _prune_when_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._retention is not None and now - self._pruned_at >= self._prune_every:
            self._pruned_at = now
            pruned = await self.prune()
            if pruned:
                self._log.info("outbox.pruned", rows=pruned)

    async def prune(self) -> int:
        """Delete events sent longer ago than the retention (kept until then for audit and for
        `nastavnik status`); unsent events are never deleted."""
        if self._retention is None:
            return 0
        cutoff = utcnow() - self._retention
        async with self._db.sessions() as session, session.begin():
            result = await session.exec(
                delete(OutboxMessage).where(col(OutboxMessage.sent_at).is_not(None), col(OutboxMessage.sent_at) < cutoff)
            )
        return result.rowcount

    async def drain_once(self) -> int:
        """Publish one batch of pending events; returns how many were sent."""
        if self._bulk is not None:
            return await self._drain_bulk(self._bulk)
        async with self._db.sessions() as session, session.begin():
            query = (
                select(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None))
                .order_by(col(OutboxMessage.created_at))
                .limit(self._batch_size)
            )
            if self._db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = (await session.exec(query)).all()
            if rows:
                self._set_oldest(rows[0].created_at)
            if not rows:
                return 0
            await asyncio.gather(*(self._publish(row) for row in rows))
            await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_([row.id for row in rows]))
                .values(sent_at=utcnow())
            )
        for row in rows:
            self._metrics.events_published.labels(row.event_type).inc()
        return len(rows)

    async def _drain_bulk(self, bulk: TransactionalPublisher) -> int:
        await bulk.connect()
        async with self._db.engine.begin() as conn:
            rows = await claim_and_mark(conn, OutboxMessage.__table__, self._bulk_batch, self._db.is_postgres)  # type: ignore[attr-defined]
            self._set_oldest(rows[0].created_at if rows else None)
            if not rows:
                return 0
            await bulk.publish(rows, routing_headers)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.event_type] = counts.get(row.event_type, 0) + 1
        for event_type, count in counts.items():
            self._metrics.events_published.labels(event_type).inc(count)
        return len(rows)


class UnitOfWork:
    """`async with uow() as work:` — a transaction whose emitted events the relay sends on commit."""

    def __init__(self, db: Database, service: str, relay: OutboxRelay) -> None:
        self._db = db
        self._service = service
        self._relay = relay

    @asynccontextmanager
    async def __call__(self, correlation_id: str | None = None) -> AsyncIterator[Work]:
        async with self._db.sessions() as session:
            async with session.begin():
                work = Work(session=session, service=self._service, correlation_id=correlation_id)
                yield work
        if work.emitted:
            self._relay.notify()


def routing_headers(body: str) -> dict[str, str] | None:
    """AMQP headers a relay stamps on an event: the school it belongs to, by which the broker
    routes it to that school's own queue (see topology.SCHOOLS_EXCHANGE), and the scope of an
    indicators event, by which a region's broker passes its region figures to the federal level
    (topology.FEDERAL_EXCHANGE, docs/scale.md)."""
    data = json.loads(body).get("data") or {}
    school = school_of(data)
    headers = {SCHOOL_HEADER: school} if school else {}
    if isinstance(data.get(SCOPE_HEADER), str):
        headers[SCOPE_HEADER] = data[SCOPE_HEADER]
    return headers or None
