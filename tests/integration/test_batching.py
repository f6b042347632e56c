"""Reports applies what queued up in batches, on the real RabbitMQ and PostgreSQL: a backlog
is applied with fewer transactions and announcements than events, every event is named by an
announcement, and an event that keeps failing inside a batch is dead-lettered alone."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import structlog
from sqlmodel import func, select

from shared.contracts.envelope import new_envelope
from shared.contracts.surveys import ResponseCompleted
from shared.messaging.inbox import InboxMessage

from services.reports.models import School as ReportsSchool
from tests.component.helpers import ADMIN, emitted
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
def reports_factory(vhost_url, databases, tmp_path):
    def create() -> InProcess:
        return InProcess(("reports",), vhost_url, databases, tmp_path)

    return create


async def backlog(reports_factory, vhost_url: str, events: list[ResponseCompleted]) -> list[str]:
    """Declare reports' queues, stop it, and publish the school and the events while it is away."""
    first = reports_factory()
    await first.services["reports"].runtime.start()
    await first.services["reports"].runtime.stop()
    school = new_envelope("registry", school_event("s1"))
    await publish(vhost_url, school.type, school.model_dump_json().encode(), school.id)
    ids = []
    for event in events:
        envelope = new_envelope("surveys", event)
        await publish(vhost_url, envelope.type, envelope.model_dump_json().encode(), envelope.id)
        ids.append(envelope.id)
    return ids


@pytest.fixture
async def started() -> AsyncIterator[list[InProcess]]:
    systems: list[InProcess] = []
    yield systems
    for system in systems:
        await system.services["reports"].runtime.stop()


async def test_a_backlog_is_applied_in_batches_and_every_event_is_announced(reports_factory, vhost_url, started) -> None:
    total = 120
    ids = await backlog(reports_factory, vhost_url, [completion(i) for i in range(total)])
    system = reports_factory()
    started.append(system)
    reports = system.services["reports"]
    await reports.runtime.start()

    async def applied() -> bool:
        return await system.scalar("reports", select(func.count()).select_from(InboxMessage)) == total + 1

    await eventually(applied, timeout=120)  # a loaded CI machine: the backlog of 120 takes its time
    async with system.client("reports") as client:
        values = {i["code"]: i["value"] for i in (await client.get(
            "/api/v1/indicators/region/test-region", params={"academic_year": YEAR}, headers=ADMIN)).json()}
    assert values["mentee_satisfaction_answers"] == total
    assert values["mentee_satisfaction_mean"] == pytest.approx(sum(1 + i % 10 for i in range(total)) / total)

    regional = [u for u in await emitted(reports, "reports.indicators.updated.v1") if u["scope"] == "region" and u["academic_year"] == YEAR]
    named = {u["caused_by"] for u in regional} | {i for u in regional for i in u["also_caused_by"]}
    assert set(ids) <= named  # whoever waits for an event's effect finds it named
    assert len(regional) < total  # …in fewer announcements than events: the backlog went in batches
    # the region's latest announcement counts them all (events of a backlog may be applied out of
    # the order they were sent in, so the one naming the last sent need not be the last)
    assert max(u["indicators"]["mentee_satisfaction_answers"] for u in regional) == total
    batch_sizes = reports.runtime.metrics.batch_size
    assert batch_sizes._sum.get() == total + 1 and sum(b.get() for b in batch_sizes._buckets) < total + 1


async def test_an_event_that_keeps_failing_in_a_batch_is_dead_lettered_alone(reports_factory, vhost_url, started) -> None:
    total, poison = 20, 7
    ids = await backlog(reports_factory, vhost_url, [completion(i) for i in range(total)])
    system = reports_factory()
    started.append(system)
    reports = system.services["reports"]
    apply_one = reports.service._apply

    async def failing(work, envelope, event, batch):
        if envelope.id == ids[poison]:
            raise RuntimeError("a bug met by this event only")
        await apply_one(work, envelope, event, batch)

    reports.service._apply = failing
    with structlog.testing.capture_logs() as logs:
        await reports.runtime.start()
        dlq = f"reports.{COMPLETED}.dlq"
        assert await eventually(lambda: queue_depth(vhost_url, dlq), timeout=60) == 1
    # the service saw the dead-letter itself (on the last delivery the queue allows)
    [entry] = [e for e in logs if e["event"] == "event.dead_lettered"]
    assert entry["message_id"] == ids[poison] and entry["reason"] == "delivery_limit" and "a bug met by this event only" in entry["detail"]
    assert reports.runtime.metrics.dead_lettered.labels(COMPLETED, "delivery_limit")._value.get() == 1
    async with system.client("reports") as client:
        values = {i["code"]: i["value"] for i in (await client.get(
            "/api/v1/indicators/region/test-region", params={"academic_year": YEAR}, headers=ADMIN)).json()}
    assert values["mentee_satisfaction_answers"] == total - 1
    assert await system.scalar("reports", select(func.count()).select_from(ReportsSchool)) == 1
    kept = (await system.scalar("reports", select(func.count()).select_from(InboxMessage).where(InboxMessage.message_id == ids[poison])))
    assert kept == 0  # nothing of the failed event was committed
    assert await queue_depth(vhost_url, f"reports.{COMPLETED}") == 0
