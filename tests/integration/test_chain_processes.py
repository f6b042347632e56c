"""The whole chain with the four services as separate OS processes on RabbitMQ + PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import time

import aio_pika
import pytest

from shared import clock
from shared.clock import academic_year_of
from shared.contracts.envelope import school_of
from shared.messaging.topology import SCHOOLS_EXCHANGE_NAME, school_outbox_binding

from nastavnik.scenario import RegionScenario
from tests.conftest import SECRET

pytestmark = pytest.mark.integration
YEAR = academic_year_of(clock.today())


async def wait_for_values(client, headers, scope: str, scope_id: str, expected: dict, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        response = await client.get(f"/reports/api/v1/indicators/{scope}/{scope_id}", params={"academic_year": YEAR}, headers=headers)
        values = {i["code"]: i["value"] for i in response.json()} if response.status_code == 200 else {}
        if all(values.get(k) == v for k, v in expected.items()):
            return values
        if time.monotonic() > deadline:
            raise AssertionError(f"{scope} {scope_id}: expected {expected}, got {values}")
        await asyncio.sleep(0.1)


async def test_chain_across_four_processes(processes, vhost_url) -> None:
    connection = await aio_pika.connect_robust(vhost_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange("nastavnik.events", aio_pika.ExchangeType.TOPIC, durable=True)
    watcher = await channel.declare_queue(exclusive=True)
    await watcher.bind(exchange, "reports.indicators.updated.v1")
    schools = await channel.get_exchange(SCHOOLS_EXCHANGE_NAME)  # declared by the services
    school_feed = await channel.declare_queue(exclusive=True)  # what school 3's system would read
    await school_feed.bind(schools, "", arguments=school_outbox_binding("demo-school-3"))

    async with processes.client() as client:
        scenario = RegionScenario(client, SECRET, "test-region")
        await scenario.load()
        admin = {"Authorization": f"Bearer {scenario.admin}"}
        expected_region = {
            "schools_total": 3, "mentors_total": 6, "mentees_total": 9, "pairs_active": 6,
            "mentee_satisfaction_mean": 7.33, "mentor_satisfaction_mean": 8.33, "pupils_in_mentoring_share": 33.3,
        }
        await wait_for_values(client, admin, "region", "test-region", expected_region)
        await wait_for_values(client, admin, "municipality", "mun-north", {"schools_total": 2, "mentee_satisfaction_mean": 8.0})
        await wait_for_values(client, admin, "school", "demo-school-3", {"mentee_satisfaction_mean": 6.0})

    announced = []
    async with watcher.iterator(timeout=5) as messages:
        try:
            async for message in messages:
                async with message.process():
                    announced.append(json.loads(message.body))
        except TimeoutError:
            pass
    school_events = []
    async with school_feed.iterator(timeout=5) as messages:
        try:
            async for message in messages:
                async with message.process():
                    school_events.append(json.loads(message.body))
        except TimeoutError:
            pass
    await connection.close()
    assert school_events and all(school_of(e["data"]) == "demo-school-3" for e in school_events)
    assert {"registry.participant.registered.v1", "pairing.pair.formed.v1", "surveys.response.completed.v1",
            "reports.indicators.updated.v1"} <= {e["type"] for e in school_events}
    regional = [e for e in announced if e["data"]["scope"] == "region" and e["data"]["indicators"]["mentee_satisfaction_answers"] == 3]
    assert regional, "the region's new indicators were announced as reports.indicators.updated.v1"
    assert regional[-1]["type"] == "reports.indicators.updated.v1" and regional[-1]["source"] == "/nastavnik/reports"
