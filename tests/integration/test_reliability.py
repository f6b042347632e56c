"""Nothing lost, nothing counted twice — on the real RabbitMQ and PostgreSQL: dead-lettering,
redelivery, a broker restart while events flow, and the outbox while the broker is away."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import httpx
import pytest
import structlog
from sqlmodel import col, func, select

from shared.contracts.envelope import new_envelope
from shared.contracts.registry import SchoolRegistered
from shared.contracts.surveys import ResponseCompleted
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import OutboxMessage
from shared.settings import Settings

from nastavnik.services import FACTORIES
from services.reports.models import School as ReportsSchool
from tests import infra
from tests.component.helpers import ADMIN
from tests.conftest import SECRET

pytestmark = pytest.mark.integration
YEAR = "2026/2027"

# These tests stop and start the whole RabbitMQ node: they run under CI (which owns the machine)
# or when asked for with NASTAVNIK_TEST_BROKER_CONTROL=1, never by surprise on a shared machine.
BROKER_CONTROL = pytest.mark.skipif(
    not os.environ.get("CI") and not (os.environ.get("NASTAVNIK_TEST_BROKER_CONTROL") and infra.broker_control_available()),
    reason="stops the broker: set NASTAVNIK_TEST_BROKER_CONTROL=1 (and have rabbitmqctl) to run it",
)


class InProcess:
    """Services on the real broker and PostgreSQL, in this process (to look inside them)."""

    def __init__(self, names: tuple[str, ...], broker_url: str, databases: dict[str, str], data_dir: Path) -> None:
        self.services = {
            name: FACTORIES[name](Settings(rabbitmq_url=broker_url, database_url=databases[name], data_dir=data_dir,
                                           jwt_secret=SECRET, region_id="test-region"))
            for name in names
        }

    def client(self, name: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.services[name].http), base_url="http://test")

    async def scalar(self, name: str, query) -> int:
        async with self.services[name].runtime.db.sessions() as session:
            return (await session.exec(query)).one()


@pytest.fixture
async def registry_and_reports(vhost_url, databases, tmp_path) -> AsyncIterator[InProcess]:
    system = InProcess(("registry", "reports"), vhost_url, databases, tmp_path)
    for service in system.services.values():
        await service.runtime.start()
    yield system
    for service in system.services.values():
        await service.runtime.stop()


async def eventually(check, timeout: float = 60.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(interval)


async def publish(vhost_url: str, routing_key: str, body: bytes, message_id: str) -> None:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("nastavnik.events")
        message = aio_pika.Message(body, message_id=message_id, content_type="application/json", delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await exchange.publish(message, routing_key=routing_key)


async def queue_depth(vhost_url: str, queue: str) -> int:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0


def school_event(school_id: str) -> SchoolRegistered:
    return SchoolRegistered(school_id=school_id, name=school_id, municipality_id="m1", municipality_name="Район", region_id="test-region")


async def test_a_malformed_event_goes_to_its_dead_letter_queue_with_the_reason_logged(registry_and_reports, vhost_url) -> None:
    system = registry_and_reports
    bad = json.loads(new_envelope("surveys", ResponseCompleted(
        response_id="r1", instrument={"code": "satisfaction_mentee", "version": 1}, respondent_id="p", respondent_role="mentee",
        school_id="s1", academic_year=YEAR, scores={"satisfaction": 7})).model_dump_json())
    bad["data"]["scores"] = {"satisfaction": "seven"}
    with structlog.testing.capture_logs() as logs:
        await publish(vhost_url, "surveys.response.completed.v1", json.dumps(bad).encode(), bad["id"])
        dlq = "reports.surveys.response.completed.v1.dlq"
        assert await eventually(lambda: queue_depth(vhost_url, dlq), timeout=20) == 1
    [entry] = [e for e in logs if e["event"] == "event.dead_lettered"]
    assert entry["message_id"] == bad["id"] and "data.scores.satisfaction" in entry["detail"]
    assert await queue_depth(vhost_url, "reports.surveys.response.completed.v1") == 0
    assert await system.scalar("reports", select(func.count()).select_from(InboxMessage)) == 0


async def test_the_same_event_delivered_twice_changes_the_indicators_once(registry_and_reports, vhost_url) -> None:
    system = registry_and_reports
    school = new_envelope("registry", school_event("s1"))
    await publish(vhost_url, school.type, school.model_dump_json().encode(), school.id)
    survey = new_envelope("surveys", ResponseCompleted(
        response_id="r1", instrument={"code": "satisfaction_mentee", "version": 1}, respondent_id="p", respondent_role="mentee",
        school_id="s1", academic_year=YEAR, scores={"satisfaction": 7}))
    for _ in range(2):
        await publish(vhost_url, survey.type, survey.model_dump_json().encode(), survey.id)
    reports = system.services["reports"]
    await eventually(lambda: asyncio.sleep(0, reports.runtime.metrics.inbox_duplicates.labels(survey.type)._value.get() == 1))
    async with system.client("reports") as client:
        values = {i["code"]: i["value"] for i in (await client.get("/api/v1/indicators/region/test-region", params={"academic_year": YEAR}, headers=ADMIN)).json()}
    assert values["mentee_satisfaction_answers"] == 1 and values["mentee_satisfaction_mean"] == 7


@BROKER_CONTROL
async def test_broker_stopped_and_started_while_events_flow_loses_nothing(registry_and_reports) -> None:
    system = registry_and_reports
    total = 30

    async def register(client: httpx.AsyncClient, i: int) -> None:
        response = await client.post("/api/v1/schools", headers=ADMIN, json={
            "school_id": f"s{i:03}", "name": f"Школа {i}", "municipality_id": "m1", "municipality_name": "Район"})
        assert response.status_code == 201, response.text

    try:
        async with system.client("registry") as client:
            for i in range(total):
                await register(client, i)
                if i == 10:
                    await asyncio.to_thread(infra.stop_broker)
                if i == 20:
                    await asyncio.to_thread(infra.start_broker)
                await asyncio.sleep(0.05)
    finally:
        await asyncio.to_thread(infra.start_broker)

    async def all_arrived() -> bool:
        return await system.scalar("reports", select(func.count()).select_from(ReportsSchool)) == total

    await eventually(all_arrived, timeout=120, interval=0.5)
    assert await system.scalar("registry", select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))) == 0


@BROKER_CONTROL
async def test_the_outbox_keeps_events_while_the_broker_is_away_and_sends_them_after(registry_and_reports) -> None:
    system = registry_and_reports
    pending = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
    await asyncio.to_thread(infra.stop_broker)
    try:
        async with system.client("registry") as client:
            for i in range(5):
                response = await client.post("/api/v1/schools", headers=ADMIN, json={
                    "school_id": f"away-{i}", "name": f"Школа {i}", "municipality_id": "m1", "municipality_name": "Район"})
                assert response.status_code == 201  # the change commits; the event waits in the outbox
        await asyncio.sleep(2)
        assert await system.scalar("registry", pending) == 5
        assert system.services["registry"].runtime.metrics.publish_failures._value.get() > 0
    finally:
        await asyncio.to_thread(infra.start_broker)

    async def delivered() -> bool:
        return await system.scalar("reports", select(func.count()).select_from(ReportsSchool)) == 5

    await eventually(delivered, timeout=120, interval=0.5)
    assert await system.scalar("registry", pending) == 0
