"""The outbox relay's figures and its recovery: `nastavnik_outbox_pending_events` is the real
backlog (not the size of a batch), and a relay waiting out its backoff after a failed publish
resumes the moment the broker connection is back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import structlog

from shared.contracts.registry import SchoolRegistered
from shared.db import Database
from shared.messaging.outbox import OutboxMessage, OutboxRelay, UnitOfWork
from shared.metrics import ServiceMetrics


def school(i: int) -> SchoolRegistered:
    return SchoolRegistered(school_id=f"s{i}", name=f"Школа {i}", municipality_id="m1", municipality_name="Район", region_id="r")


class Broker:
    def __init__(self) -> None:
        self.up = True
        self.published: list[str] = []
        self.failed = asyncio.Event()

    async def publish(self, row: OutboxMessage) -> None:
        if not self.up:
            self.failed.set()
            raise ConnectionError("broker away")
        self.published.append(row.id)


async def relay_on(tmp_path: Path, broker: Broker, **options) -> tuple[Database, OutboxRelay, ServiceMetrics]:
    db = Database(f"sqlite:///{tmp_path / 'outbox.db'}", [OutboxMessage])
    await db.create_tables()
    metrics = ServiceMetrics("test")
    return db, OutboxRelay(db, broker.publish, metrics, structlog.get_logger(), **options), metrics


async def test_pending_is_the_whole_backlog_not_the_last_batch(tmp_path: Path) -> None:
    broker = Broker()
    broker.up = False
    db, relay, metrics = await relay_on(tmp_path, broker, batch_size=10)
    uow = UnitOfWork(db, "test", relay)
    async with uow() as work:
        for i in range(35):
            work.emit(school(i))
    await relay.refresh_gauges()
    assert metrics.outbox_pending._value.get() == 35  # not 10, the size of a batch
    assert await relay.pending_count() == 35
    broker.up = True
    while await relay.drain_once():
        pass
    await relay.refresh_gauges()
    assert metrics.outbox_pending._value.get() == 0 and metrics.outbox_oldest_age._value.get() == 0
    await db.dispose()


async def test_the_relay_resumes_when_the_connection_is_back_not_when_its_backoff_ends(tmp_path: Path) -> None:
    broker = Broker()
    broker.up = False
    db, relay, _ = await relay_on(tmp_path, broker, first_backoff=600.0, max_backoff=600.0)
    uow = UnitOfWork(db, "test", relay)
    await relay.start()
    try:
        async with uow() as work:
            work.emit(school(1))
        await broker.failed.wait()  # the relay tried, failed, and now waits out a 10-minute backoff
        broker.up = True
        relay.resume()  # what the broker connection's reconnect callback calls
        await relay.wait_idle(timeout=30)
        assert len(broker.published) == 1
    finally:
        await relay.stop()
        await db.dispose()
