"""The inbox's batch claim and the advisory-lock bookkeeping, on SQLite and on the real
PostgreSQL: a batch claims each new message once, and a lock held by one transaction still
makes another wait after the first asked for it twice; sent events leave the outbox after the
retention. (Schema changes reach existing databases by migrations: test_migrations.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from shared.db import Database, lock_key
from shared.messaging.inbox import InboxMessage, claim, claim_many

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request, tmp_path, databases) -> AsyncIterator[Database]:
    url = f"sqlite:///{tmp_path / 'inbox.db'}" if request.param == "sqlite" else databases["reports"]
    database = Database(url, [InboxMessage])
    await database.create_tables()
    yield database
    await database.dispose()


async def test_a_batch_claims_each_new_message_once_and_keeps_arrival_order(db: Database) -> None:
    async with db.sessions() as session, session.begin():
        assert await claim(session, "reports", "m1", "t", "{}")
    async with db.sessions() as session, session.begin():
        claimed = await claim_many(session, "reports", [("m3", "t", '{"n": 3}'), ("m1", "t", "{}"), ("m2", "t", "{}"), ("m3", "t", "{}")])
    assert claimed == {"m2", "m3"}
    async with db.sessions() as session:
        rows = (await session.exec(select(InboxMessage).order_by(InboxMessage.received_at))).all()
    assert [r.message_id for r in rows] == ["m1", "m3", "m2"]
    assert next(r for r in rows if r.message_id == "m3").body == '{"n": 3}'  # the first copy is the one kept
    async with db.sessions() as session, session.begin():
        assert await claim_many(session, "pairing", [("m1", "t", "{}")]) == {"m1"}  # another consumer's inbox


@pytest.fixture
async def postgres(databases) -> AsyncIterator[Database]:
    database = Database(databases["reports"], [InboxMessage])
    yield database
    await database.dispose()


async def test_a_lock_asked_for_twice_is_still_held_until_commit(postgres: Database) -> None:
    """(PostgreSQL only: SQLite serialises writers itself, and lock_key does nothing there.)"""
    db = postgres
    order: list[str] = []
    first_holds = asyncio.Event()

    async def first() -> None:
        async with db.sessions() as session, session.begin():
            await lock_key(session, "school:s1")
            await lock_key(session, "school:s1")  # held already: no second round trip
            first_holds.set()
            await asyncio.sleep(0.3)
            order.append("first commits")

    async def second() -> None:
        await first_holds.wait()
        async with db.sessions() as session, session.begin():
            await lock_key(session, "school:s1")
            order.append("second has the lock")
        async with db.sessions() as session, session.begin():  # a new transaction asks again
            await lock_key(session, "school:s1")
            assert session.info["nastavnik.advisory_locks"] == {"school:s1"}

    await asyncio.gather(first(), second())
    assert order == ["first commits", "second has the lock"]


async def test_the_relay_deletes_events_sent_longer_ago_than_the_retention_and_never_unsent_ones(db: Database) -> None:
    from datetime import timedelta

    import structlog
    from sqlalchemy import text

    from shared.clock import utcnow
    from shared.messaging.outbox import OutboxMessage, OutboxRelay
    from shared.metrics import ServiceMetrics

    outbox_db = Database(db.url, [OutboxMessage])
    await outbox_db.create_tables()
    now = utcnow()
    rows = {"sent-long-ago": now - timedelta(days=8), "sent-yesterday": now - timedelta(days=1), "never-sent": None}
    async with outbox_db.sessions() as session, session.begin():
        await session.exec(text("DELETE FROM outbox"))  # type: ignore[call-overload]
        for event_id, sent_at in rows.items():
            session.add(OutboxMessage(id=event_id, event_type="t", body="{}", created_at=now - timedelta(days=9), sent_at=sent_at))

    async def publish(_row) -> None:
        raise AssertionError("nothing to publish in this test")

    relay = OutboxRelay(outbox_db, publish, ServiceMetrics("test"), structlog.get_logger(), retention=timedelta(days=7))
    assert await relay.prune() == 1
    async with outbox_db.sessions() as session:
        left = {row.id for row in (await session.exec(select(OutboxMessage))).all()}
    assert left == {"sent-yesterday", "never-sent"}
    assert await OutboxRelay(outbox_db, publish, ServiceMetrics("test"), structlog.get_logger()).prune() == 0  # no retention: kept
    await outbox_db.dispose()
