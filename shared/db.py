"""Database helpers: an async engine per service (SQLite or PostgreSQL) creating only the
service's own tables."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import Table, event, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateColumn
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
            self.engine: AsyncEngine = create_async_engine(self.url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True)
        else:
            self.engine = create_async_engine(self.url, connect_args={"timeout": 30}, hide_parameters=True)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    async def create_tables(self) -> None:
        """Create missing tables; and, in existing ones, the columns and indexes added to the
        models since (create_all alone skips existing tables). Additive changes only: an added
        column must be nullable or have a server default; anything else needs a migration."""
        async with self.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all, tables=self.tables)
            await conn.run_sync(self._add_missing_columns_and_indexes)

    def _add_missing_columns_and_indexes(self, conn) -> None:  # noqa: ANN001
        inspector = inspect(conn)
        for table in self.tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    if not column.nullable and column.server_default is None:
                        raise RuntimeError(f"{table.name}.{column.name} is new and NOT NULL without a default: write a migration")
                    ddl = CreateColumn(column).compile(dialect=conn.dialect)
                    exists = " IF NOT EXISTS" if self.is_postgres else ""  # two replicas starting at once
                    conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN{exists} {ddl}'))
            indexes = {index["name"] for index in inspector.get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in indexes:
                    index.create(conn)

    async def ping(self, timeout: float = 3.0) -> bool:
        """The database answers a query within `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - whatever the driver raises, the database does not answer
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


async def lock_key(session: AsyncSession, key: str) -> None:
    """Serialize transactions that touch the same logical key, until commit (PostgreSQL
    advisory lock). SQLite serializes writers by itself, so there it does nothing. A key this
    transaction already holds costs no round trip (a batch of events asks for it often)."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return
    held: set[str] = session.info.setdefault(_HELD_LOCKS, set())
    if key in held:
        return
    await session.exec(text("SELECT pg_advisory_xact_lock(hashtext(:key))").bindparams(key=key))  # type: ignore[call-overload]
    held.add(key)


_HELD_LOCKS = "nastavnik.advisory_locks"


@event.listens_for(Session, "after_transaction_end")
def _locks_released(session: Session, transaction) -> None:  # noqa: ANN001
    """Transaction-level advisory locks end with the outermost transaction."""
    if transaction.parent is None:
        session.info.pop(_HELD_LOCKS, None)
