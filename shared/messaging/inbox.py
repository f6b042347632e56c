"""Inbox: `(consumer, message id)` recorded in the same transaction as the consumer's effect,
so a redelivered message changes nothing twice. The body is kept, so a consumer can replay
what it consumed (reports rebuilds its indicators from it)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.clock import utcnow


class InboxMessage(SQLModel, table=True):
    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True)
    message_id: str = Field(primary_key=True)
    event_type: str = Field(index=True)
    body: str
    received_at: datetime = Field(default_factory=utcnow, index=True)


async def claim(session: AsyncSession, consumer: str, message_id: str, event_type: str, body: str) -> bool:
    """Record the message; False if this consumer has already applied it."""
    return message_id in await claim_many(session, consumer, [(message_id, event_type, body)])


REDACTED = "withdrawn (152-ФЗ)"


async def redact_mentions(session: AsyncSession, consumer: str, participant_id: str, *, message_id: str | None = None) -> int:
    """Erase a withdrawn person from what this consumer kept: every stored body that mentions
    them keeps its envelope (id, type, time — the inbox still deduplicates and audits) but loses
    its data. For consumers that never replay their inbox; reports, which rebuilds from it,
    pseudonymises instead. `message_id` limits it to one message (one that arrived late)."""
    query = select(InboxMessage).where(InboxMessage.consumer == consumer, col(InboxMessage.body).contains(participant_id))
    if message_id is not None:
        query = query.where(InboxMessage.message_id == message_id)
    rows = (await session.exec(query)).all()
    for row in rows:
        row.body = _without_data(row.body)
        session.add(row)
    return len(rows)


def _without_data(body: str) -> str:
    try:
        envelope = json.loads(body)
    except ValueError:
        return json.dumps({"redacted": REDACTED})
    if not isinstance(envelope, dict):
        return json.dumps({"redacted": REDACTED})
    kept = {key: envelope[key] for key in ("id", "type", "source", "time", "specversion") if key in envelope}
    return json.dumps({**kept, "data": {"redacted": REDACTED}}, ensure_ascii=False)


async def claim_many(session: AsyncSession, consumer: str, messages: list[tuple[str, str, str]]) -> set[str]:
    """Record several (message id, event type, body) in one statement; returns the ids this
    consumer had not applied yet (a message twice in the list counts once). Arrival order is
    kept in `received_at`, a microsecond apart, for replays."""
    unique: dict[str, tuple[str, str]] = {}
    for message_id, event_type, body in messages:
        unique.setdefault(message_id, (event_type, body))
    if not unique:
        return set()
    now = utcnow()
    rows = [
        {"consumer": consumer, "message_id": message_id, "event_type": event_type, "body": body, "received_at": now + timedelta(microseconds=i)}
        for i, (message_id, (event_type, body)) in enumerate(unique.items())
    ]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = InboxMessage.__table__  # type: ignore[attr-defined]
    # the rows as parameters of one statement (SQLAlchemy's "insertmanyvalues"): its SQL is
    # compiled once and cached, where a VALUES list built from the rows is compiled per batch
    statement = insert(table).on_conflict_do_nothing(index_elements=["consumer", "message_id"]).returning(table.c.message_id)
    connection = await session.connection()
    return set((await connection.execute(statement, rows)).scalars().all())
