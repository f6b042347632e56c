"""Database helpers: an async engine per service (SQLite or PostgreSQL) creating only the
service's own tables."""

from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import Table, event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def async_url(url: str) -> str:
    """Accept the URLs operators write and pick the async driver."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Database:
    def __init__(self, url: str, tables: Sequence[type[SQLModel]]) -> None:
        self.url = async_url(url)
        self.is_postgres = self.url.startswith("postgresql")
        self.tables: list[Table] = [model.__table__ for model in tables]  # type: ignore[attr-defined]
        if self.is_postgres:
            self.engine: AsyncEngine = create_async_engine(self.url, pool_size=10, max_overflow=10)
            for name, listener in (("connect", _mark_used), ("checkin", _mark_used), ("checkout", _ping_if_idle)):
                event.listen(self.engine.sync_engine, name, listener)
        else:
            self.engine = create_async_engine(self.url, connect_args={"timeout": 30})
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    async def create_tables(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all, tables=self.tables)

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


PING_AFTER_IDLE_SECONDS = 2.0
"""A pooled connection idle for longer is pinged before use (a dead one is replaced, as with
`pool_pre_ping`); one returned to the pool just now is not: the asyncpg ping costs three round
trips (BEGIN, `;`, ROLLBACK), as much as a small request. A connection the server dropped within
that window fails its request, and SQLAlchemy then invalidates the pool on the disconnect."""


def _mark_used(_dbapi_connection, record, *_args) -> None:  # noqa: ANN001
    record.info["nastavnik_used_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:  # noqa: ANN001
    if time.monotonic() - record.info.get("nastavnik_used_at", 0.0) <= PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:  # the pool discards this connection and checks out another
        raise exc.DisconnectionError(str(error)) from error


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def lock_key(session: AsyncSession, key: str) -> None:
    """Serialize transactions that touch the same logical key, until commit (PostgreSQL
    advisory lock). SQLite serializes writers by itself, so there it does nothing."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.exec(text("SELECT pg_advisory_xact_lock(hashtext(:key))").bindparams(key=key))  # type: ignore[call-overload]
