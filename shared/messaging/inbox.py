"""Inbox: `(consumer, message id)` recorded in the same transaction as the consumer's effect,
so a redelivered message changes nothing twice. The body is kept, so a consumer can replay
what it consumed (reports rebuilds its indicators from it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, SQLModel
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
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(InboxMessage)
        .values(consumer=consumer, message_id=message_id, event_type=event_type, body=body, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["consumer", "message_id"])
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return result.rowcount == 1
