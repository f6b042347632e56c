"""Database helpers: an async engine per service (SQLite or PostgreSQL) creating only the
service's own tables."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import Table, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import migrations


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
    def __init__(self, url: str, tables: Sequence[type[SQLModel]], service: str | None = None) -> None:
        self.url = async_url(url)
        self.service = service
        self.migrated = bool(service) and migrations.versions_dir(service or "").is_dir()
        """The service has revisions (services/<service>/migrations/). A service built on the kit
        elsewhere — an integrator's consumer, docs/examples — has none: its tables are created as
        the models say (create_all adds missing tables, never changes existing ones)."""
        self.is_postgres = self.url.startswith("postgresql")
        self.tables: list[Table] = [model.__table__ for model in tables]  # type: ignore[attr-defined]
        if self.is_postgres:
            self.engine: AsyncEngine = create_async_engine(self.url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True)
        else:
            self.engine = create_async_engine(self.url, connect_args={"timeout": 30}, hide_parameters=True)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    async def create_tables(self) -> None:
        """Make the schema current: a service's database is upgraded to its head revision
        (shared.migrations); a database of no service (a tool's, a test's) gets create_all."""
        if self.migrated:
            await self.upgrade()
            return
        async with self.engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all, tables=self.tables)

    async def upgrade(self, revision: str = "head") -> migrations.SchemaState:
        async with self.engine.begin() as conn:
            return await conn.run_sync(migrations.upgrade, self._service(), self.tables, revision)

    async def schema_state(self) -> migrations.SchemaState:
        async with self.engine.connect() as conn:
            return await conn.run_sync(migrations.state, self._service(), self.tables)

    async def require_head(self) -> None:
        """Raise SchemaBehind unless the database is at the service's head revision (`serve`).
        A service without revisions has its missing tables created instead."""
        if not self.migrated:
            await self.create_tables()
            return
        state = await self.schema_state()
        if not state.at_head:
            raise migrations.SchemaBehind(state.behind_message())

    def _service(self) -> str:
        if not self.service:
            raise ValueError("migrations need the service's name: Database(url, tables, service=...)")
        return self.service

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
