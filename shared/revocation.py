"""Revocation of a person's sessions and bearer tokens, verified in every service without asking
the registry (issue 13).

Tokens are verified with the shared key alone (shared.auth), so a revoked token must be refused
by what each service knows. The registry decides a revocation (withdrawal, a role change, an
account disabled, the administrator's button) and emits `registry.account.sessions_revoked.v1`
with the subject (the token's `sub`: a staff or participant id, an operator's name) and a
moment: every token of that subject issued before it is refused. Each service keeps the latest
moment per subject in its own table `<service>_revocation` (the registry writes its own in the
use case; the others consume the event) and in memory; every request's token is checked against
the memory, which each process reloads from its table every `revocation_refresh_seconds`
(replicas are competing consumers: another replica may have stored the event). A token without
a precise issue time (`ts`) is compared by its `iat`.

The memory is one per process (`REVOKED`): in the embedded process the services share it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Field, SQLModel, col, select

from shared.clock import utcnow
from shared.periodic import Periodic

_tables: dict[str, type[SQLModel]] = {}


class Revoked:
    """subject → the epoch second before which its tokens are refused."""

    def __init__(self) -> None:
        self._before: dict[str, float] = {}

    def note(self, subject: str, before: float) -> None:
        if before > self._before.get(subject, 0.0):
            self._before[subject] = before

    def refuses(self, subject: str, issued: float | None) -> bool:
        before = self._before.get(subject)
        return before is not None and (issued is None or issued < before)


REVOKED = Revoked()


def revocation_table(service: str) -> type[SQLModel]:
    if service in _tables:
        return _tables[service]

    namespace: dict[str, Any] = {
        "__tablename__": f"{service}_revocation",
        "__module__": __name__,
        "__annotations__": {"subject": str, "revoked_before": datetime, "reason": str},
        "subject": Field(primary_key=True),
        "revoked_before": Field(),
        "reason": Field(default=""),
    }
    Revocation = type(f"{service.capitalize()}Revocation", (SQLModel,), namespace, table=True)  # noqa: N806 - a table class made per service
    _tables[service] = Revocation
    return Revocation


def epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def store(session: Any, table: type[SQLModel], subject: str, before: datetime, reason: str) -> None:
    """Keep the latest moment for the subject (in the caller's transaction) and note it in memory."""
    row = await session.get(table, subject)
    if row is None:
        session.add(table(subject=subject, revoked_before=before, reason=reason))
    elif epoch(row.revoked_before) < epoch(before):
        row.revoked_before, row.reason = before, reason
        session.add(row)
    REVOKED.note(subject, epoch(before))


class RevocationList:
    """A service's table, loaded into REVOKED at start and every `interval` seconds."""

    def __init__(self, service: str, db: Any, interval: float, horizon: timedelta | None = None) -> None:
        self.table = revocation_table(service)
        self.db = db
        self.interval = interval
        self.horizon = horizon
        """The longest lifetime of any token: a revocation older than that has nothing left to refuse."""
        self._reloading: Periodic | None = None

    async def load(self) -> None:
        async with self.db.sessions() as session:
            if self.horizon is not None:
                stale = col(self.table.revoked_before) < utcnow() - self.horizon  # type: ignore[attr-defined]
                await session.exec(delete(self.table).where(stale))
                await session.commit()
            for row in (await session.exec(select(self.table))).all():
                REVOKED.note(row.subject, epoch(row.revoked_before))

    async def start(self, log: Any) -> None:
        await self.load()
        if self.interval > 0:
            self._reloading = Periodic("revocations-reload", self.load, self.interval, log,
                                       failure_event="revocations.reload_failed", at_once=False)
            self._reloading.start()

    async def stop(self) -> None:
        if self._reloading is not None:
            await self._reloading.stop()
            self._reloading = None
