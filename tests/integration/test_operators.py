"""`nastavnik status` and `nastavnik dlq list/replay` on the real broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aio_pika
import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from shared.contracts.envelope import new_envelope
from shared.contracts.registry import SchoolRegistered
from shared.messaging.inbox import InboxMessage
from shared.settings import Settings

from nastavnik.cli import cli
from nastavnik.services import FACTORIES
from services.reports.models import School as ReportsSchool
from tests import infra
from tests.conftest import SECRET

pytestmark = pytest.mark.integration
QUEUE = "reports.registry.school.registered.v1"


async def invoke(*args: str):
    """Run `nastavnik …` as an operator would (in a thread: the commands run their own event loop)."""
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args), catch_exceptions=False)


async def publish(vhost_url: str, routing_key: str, body: bytes, message_id: str) -> None:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("nastavnik.events")
        await exchange.publish(aio_pika.Message(body, message_id=message_id, content_type="application/json",
                                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=routing_key)


async def depth(vhost_url: str, queue: str) -> int:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        channel = await connection.channel()
        return (await channel.declare_queue(queue, passive=True)).declaration_result.message_count or 0


async def eventually(check, timeout: float = 30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not met within {timeout}s (last: {result!r})")
        await asyncio.sleep(0.2)
    return result


def school(school_id: str):
    return new_envelope("registry", SchoolRegistered(school_id=school_id, name="Школа", municipality_id="m1",
                                                     municipality_name="Район", region_id="test-region"))


@pytest.fixture
async def reports(vhost_url: str, postgres_admin: str) -> AsyncIterator[object]:
    databases = await infra.create_databases(postgres_admin, ["reports"])
    service = FACTORIES["reports"](Settings(rabbitmq_url=vhost_url, database_url=databases["reports"], jwt_secret=SECRET,
                                            region_id="test-region", delivery_limit=2))
    await service.runtime.start()
    try:
        yield service
    finally:
        await service.runtime.stop()
        await infra.drop_databases(postgres_admin, databases)


async def count(service, model) -> int:
    async with service.runtime.db.sessions() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def test_dead_letters_are_listed_with_their_reason_and_replayed_after_the_fix_nothing_lost(reports, vhost_url, monkeypatch) -> None:
    real_apply = reports.service.apply_many

    async def database_away(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(reports.service, "apply_many", database_away)
    transient = school("s-transient")
    await publish(vhost_url, transient.type, transient.model_dump_json().encode(), transient.id)
    invalid = json.loads(school("s-invalid").model_dump_json())
    del invalid["data"]["name"]
    await publish(vhost_url, invalid["type"], json.dumps(invalid).encode(), invalid["id"])
    assert await eventually(lambda: _eq(depth(vhost_url, f"{QUEUE}.dlq"), 2))

    listed = await invoke("dlq", "list", QUEUE, "--rabbitmq-url", vhost_url, "--json")
    assert listed.exit_code == 0, listed.output
    letters = {d["message_id"]: d for d in json.loads(listed.stdout)}
    assert set(letters) == {transient.id, invalid["id"]}
    assert letters[transient.id]["reason"] == "delivery_limit" and letters[invalid["id"]]["reason"] == "rejected"
    for d in letters.values():
        assert (d["exchange"], d["routing_key"], d["type"]) == ("nastavnik.events", "registry.school.registered.v1", "registry.school.registered.v1")
    assert await depth(vhost_url, f"{QUEUE}.dlq") == 2, "listing takes nothing away"
    one = await invoke("dlq", "list", QUEUE, "--rabbitmq-url", vhost_url, "--json", "--limit", "1")
    assert len(json.loads(one.stdout)) == 1  # stdout is the JSON and nothing else
    assert f"{QUEUE}.dlq: 1 of 2 messages shown" in one.stderr  # … and the operator learns there is more
    # the service saw both dead-letters itself: counted and logged, the one that kept failing too
    dead_lettered = reports.runtime.metrics.dead_lettered
    assert dead_lettered.labels(transient.type, "delivery_limit")._value.get() == 1
    assert dead_lettered.labels(transient.type, "invalid")._value.get() == 1

    monkeypatch.setattr(reports.service, "apply_many", real_apply)  # the fix
    replayed = await invoke("dlq", "replay", f"{QUEUE}.dlq", "--rabbitmq-url", vhost_url)
    assert replayed.exit_code == 0, replayed.output
    assert "2 message(s) replayed" in replayed.stdout

    # the transient one is applied now; the invalid one fails again and is back, alone, in the dead-letter queue
    assert await eventually(lambda: _eq(count(reports, ReportsSchool), 1))
    assert await eventually(lambda: _eq(depth(vhost_url, f"{QUEUE}.dlq"), 1))
    again = json.loads((await invoke("dlq", "list", "--rabbitmq-url", vhost_url, "--management-url", "", "--json")).stdout)
    assert [d["message_id"] for d in again] == [invalid["id"]]
    assert await count(reports, InboxMessage) == 1
    assert await depth(vhost_url, QUEUE) == 0


async def test_replay_keeps_the_message_when_it_cannot_be_sent_back(reports, vhost_url) -> None:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue("orphan", durable=True, arguments={
            "x-dead-letter-exchange": "nastavnik.dlx", "x-dead-letter-routing-key": "orphan"})
        dlq = await channel.declare_queue("orphan.dlq", durable=True)
        await dlq.bind("nastavnik.dlx", "orphan")
        await channel.default_exchange.publish(aio_pika.Message(b"{}", message_id="m-orphan"), "orphan")
        message = await queue.get(no_ack=False)
        await message.reject(requeue=False)  # dead-lettered from the default exchange with key "orphan"
        await queue.delete(if_unused=False, if_empty=False)  # … and now nothing routes it back
    result = await invoke("dlq", "replay", "orphan", "--rabbitmq-url", vhost_url)
    assert result.exit_code == 1 and "0 message(s) replayed" in result.stdout
    assert await depth(vhost_url, "orphan.dlq") == 1


async def _eq(awaitable, expected) -> bool:
    return (await awaitable) == expected


async def test_status_shows_health_queues_and_dead_letters(processes, vhost_url) -> None:
    management = infra.management_url()
    if not management:
        infra._unavailable("RabbitMQ management API", f"{infra.MANAGEMENT_ENV} is not set and no local management API answers")
    services = ",".join(f"{name}=http://127.0.0.1:{port}" for name, port in processes.ports.items())
    args = ["status", "--services", services, "--management-url", management, "--rabbitmq-url", vhost_url]

    async def all_consumed() -> dict:  # the management API refreshes its figures every few seconds
        result = await invoke(*args, "--json")
        found = json.loads(result.stdout)
        queues = {q["name"]: q for q in found["queues"]}
        return found if result.exit_code == 0 and queues.get(QUEUE, {}).get("consumers", 0) >= 1 else {}

    report = await eventually(all_consumed, timeout=30)
    assert {s["name"]: (s["healthy"], s["ready"], s["outbox_pending"]) for s in report["services"]} == dict.fromkeys(processes.ports, (True, True, 0.0))
    assert {q["name"]: q["messages"] for q in report["queues"]}[f"{QUEUE}.dlq"] == 0

    await publish(vhost_url, "registry.school.registered.v1", b'{"not": "an event"}', "broken-1")

    async def dead_lettered() -> dict:
        result = await invoke(*args, "--json")
        found = json.loads(result.stdout)
        dlq = {q["name"]: q["messages"] for q in found["queues"]}.get(f"{QUEUE}.dlq")
        return found if result.exit_code == 1 and dlq == 1 else {}

    found = await eventually(dead_lettered, timeout=30)  # the management API refreshes every few seconds
    assert {s["name"]: s["dead_lettered_total"] for s in found["services"]}["reports"] == 1
    assert {s["name"]: s["dead_letter_queued"] for s in found["services"]}["reports"] == 1
    text = await invoke(*args)
    assert text.exit_code == 1 and f"{QUEUE}.dlq" in text.stdout and "ATTENTION" in text.stdout
