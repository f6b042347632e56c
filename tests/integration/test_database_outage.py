"""A database outage loses nothing and dead-letters nothing: the consumers hold what they could
not apply, without spending the queue's delivery limit, and apply it when PostgreSQL answers
again. The outage is real for the service — its connections to PostgreSQL go through a TCP
proxy the test cuts (open connections reset, new ones refused) — and touches nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import structlog
from sqlmodel import func, select

from shared.contracts.envelope import new_envelope
from shared.contracts.surveys import ResponseCompleted
from shared.messaging.inbox import InboxMessage

from services.reports.models import School as ReportsSchool
from tests.component.helpers import ADMIN
from tests.integration.tcp_proxy import TcpProxy
from tests.integration.test_reliability import InProcess, eventually, publish, queue_depth, school_event

pytestmark = pytest.mark.integration
YEAR = "2026/2027"
COMPLETED = "surveys.response.completed.v1"


def completion(i: int) -> ResponseCompleted:
    return ResponseCompleted(
        response_id=f"r{i}", instrument={"code": "satisfaction_mentee", "version": 1}, respondent_id=f"p{i}",  # type: ignore[arg-type]
        respondent_role="mentee", school_id="s1", academic_year=YEAR, scores={"satisfaction": 1 + i % 10},
    )


@pytest.fixture
async def proxy(databases) -> AsyncIterator[TcpProxy]:
    target = urlsplit(databases["reports"])
    tcp = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await tcp.start()
    yield tcp
    await tcp.close()


@pytest.fixture
async def reports_behind_proxy(vhost_url, databases, tmp_path, proxy) -> AsyncIterator[InProcess]:
    system = InProcess(("reports",), vhost_url, {**databases, "reports": proxy.url_through(databases["reports"])}, tmp_path)
    runtime = system.services["reports"].runtime
    await runtime.start()
    yield system
    if not proxy.up:
        await proxy.start()
    await runtime.stop()


async def regional_answers(system: InProcess) -> int:
    async with system.client("reports") as client:
        response = await client.get("/api/v1/indicators/region/test-region", params={"academic_year": YEAR}, headers=ADMIN)
    return {i["code"]: i["value"] for i in response.json()}["mentee_satisfaction_answers"]


async def test_completions_sent_while_postgresql_is_down_are_all_applied_when_it_is_back(
    reports_behind_proxy, proxy, vhost_url
) -> None:
    system = reports_behind_proxy
    runtime = system.services["reports"].runtime
    metrics = runtime.metrics
    school = new_envelope("registry", school_event("s1"))
    await publish(vhost_url, school.type, school.model_dump_json().encode(), school.id)

    async def school_known() -> bool:
        return await system.scalar("reports", select(func.count()).select_from(ReportsSchool)) == 1

    await eventually(school_known, timeout=60)

    total = 30
    with structlog.testing.capture_logs() as logs:
        await proxy.cut()
        for i in range(total):
            envelope = new_envelope("surveys", completion(i))
            await publish(vhost_url, envelope.type, envelope.model_dump_json().encode(), envelope.id)

        async def held() -> bool:
            return metrics.consumers_waiting._value.get() >= 1

        await eventually(held, timeout=120, interval=0.2)
        for _ in range(6):  # down across several readiness checks: far longer than a nack per failure needs
            assert (await runtime.ready())["database"] is False  # /ready says why it is not ready
            await asyncio.sleep(0.5)
        assert await queue_depth(vhost_url, f"reports.{COMPLETED}.dlq") == 0
        await proxy.start()

        async def all_applied() -> bool:
            return await system.scalar("reports", select(func.count()).select_from(InboxMessage)) == total + 1

        await eventually(all_applied, timeout=120, interval=0.5)

    assert await regional_answers(system) == total  # each completion counted once
    assert await queue_depth(vhost_url, f"reports.{COMPLETED}.dlq") == 0
    assert await queue_depth(vhost_url, f"reports.{COMPLETED}") == 0
    assert sum(s.value for s in metrics.dead_lettered.collect()[0].samples if s.name.endswith("_total")) == 0
    assert metrics.consumers_waiting._value.get() == 0
    events = [entry["event"] for entry in logs]
    assert "consumer.waiting_for_database" in events and "consumer.database_back" in events
    assert "event.dead_lettered" not in events


@pytest.fixture
async def pairing_behind_proxy(vhost_url, databases, tmp_path, proxy) -> AsyncIterator[InProcess]:
    system = InProcess(("pairing",), vhost_url, {**databases, "pairing": proxy.url_through(databases["pairing"])}, tmp_path)
    runtime = system.services["pairing"].runtime
    await runtime.start()
    yield system
    if not proxy.up:
        await proxy.start()
    await runtime.stop()


async def test_a_one_by_one_consumer_holds_its_message_too_and_dead_letters_nothing(pairing_behind_proxy, proxy, vhost_url) -> None:
    system = pairing_behind_proxy
    runtime = system.services["pairing"].runtime
    await proxy.cut()
    total = 5
    for i in range(total):
        envelope = new_envelope("registry", school_event(f"s{i}"))
        await publish(vhost_url, envelope.type, envelope.model_dump_json().encode(), envelope.id)

    async def held() -> bool:
        return runtime.metrics.consumers_waiting._value.get() >= 1

    await eventually(held, timeout=120, interval=0.2)
    for _ in range(6):
        assert (await runtime.ready())["database"] is False
        await asyncio.sleep(0.5)
    await proxy.start()

    async def all_applied() -> bool:
        return await system.scalar("pairing", select(func.count()).select_from(InboxMessage)) == total

    await eventually(all_applied, timeout=120, interval=0.5)
    assert await queue_depth(vhost_url, "pairing.registry.school.registered.v1.dlq") == 0
    assert await queue_depth(vhost_url, "pairing.registry.school.registered.v1") == 0
