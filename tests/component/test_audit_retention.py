"""Issue 13: the personal-data audit log is kept as long as the region sets
(NASTAVNIK_AUDIT_RETENTION_DAYS) and no longer; 0 keeps it forever."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from shared.auth import Principal
from shared.clock import utcnow

from services.pairing.main import create_service
from tests.component.helpers import running

CURATOR = Principal(sub="curator-1", role="school_curator", scope="school", scope_id="s1")


async def entries(service) -> list:
    async with service.runtime.db.sessions() as session:
        return list((await session.exec(select(service.runtime.audit.table))).all())


async def test_entries_older_than_the_retention_are_deleted(settings) -> None:
    service = create_service(settings.model_copy(update={"audit_retention_days": 30}))
    async with running(service):
        audit = service.runtime.audit
        await audit.record(CURATOR, "read", "plan", "pair-1")
        assert await audit.prune(now=utcnow() + timedelta(days=29)) == 0
        assert [e.target for e in await entries(service)] == ["pair-1"]
        assert await audit.prune(now=utcnow() + timedelta(days=31)) == 1
        assert await entries(service) == []


async def test_a_retention_of_zero_keeps_everything(settings) -> None:
    service = create_service(settings.model_copy(update={"audit_retention_days": 0}))
    async with running(service):
        await service.runtime.audit.record(CURATOR, "read", "plan", "pair-1")
        assert await service.runtime.audit.prune(now=utcnow() + timedelta(days=10_000)) == 0
        assert len(await entries(service)) == 1
