"""The registry's bulk outbox relay on the real RabbitMQ: when the broker drops its connection the
events stay in the outbox and go out after it reconnects; two replicas share one outbox without
publishing an event twice. Only this test's vhost is touched (its connections are closed)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import aio_pika
import httpx
import pytest

from shared.messaging.topology import EVENTS_EXCHANGE_NAME
from shared.settings import Settings

from services.registry.main import create_service
from services.registry.schemas import SchoolIn
from tests import infra
from tests.conftest import SECRET

pytestmark = pytest.mark.integration


def close_vhost_connections(vhost_url: str) -> None:
    vhost = urllib.parse.urlparse(vhost_url).path.lstrip("/")
    management = infra.management_url()
    if management:
        parsed = urllib.parse.urlparse(management)
        with httpx.Client(base_url=f"{parsed.scheme}://{parsed.hostname}:{parsed.port}",
                          auth=(parsed.username or "guest", parsed.password or "guest"), timeout=10) as client:
            for connection in client.get(f"/api/vhosts/{vhost}/connections").raise_for_status().json():
                client.delete(f"/api/connections/{urllib.parse.quote(connection['name'], safe='')}")
    elif shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "-q", "close_all_connections", "-p", vhost, "test"], check=True, capture_output=True, timeout=60)
    else:
        infra._unavailable("closing connections", "neither the management API nor rabbitmqctl")


async def depth(vhost_url: str, queue: str) -> int:
    connection = await aio_pika.connect(vhost_url)
    async with connection:
        channel = await connection.channel()
        return (await channel.declare_queue(queue, passive=True)).declaration_result.message_count or 0


async def eventually(check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met")
        await asyncio.sleep(0.1)


async def test_events_survive_a_dropped_connection_and_two_replicas_send_each_once(vhost_url, postgres_admin, tmp_path: Path) -> None:
    databases = await infra.create_databases(postgres_admin, ["registry"])
    settings = Settings(rabbitmq_url=vhost_url, database_url=databases["registry"], jwt_secret=SECRET,
                        region_id="test-region", data_dir=tmp_path)
    replicas = [create_service(settings), create_service(settings)]
    connection = await aio_pika.connect(vhost_url)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue("test.registry.events", durable=True)
        await queue.bind(exchange, "registry.school.registered.v1")
        await connection.close()
        for replica in replicas:
            await replica.runtime.start()
        first, second = replicas

        async def register(service, prefix: str, count: int) -> None:
            for i in range(count):
                await service.service.register_school(SchoolIn(school_id=f"{prefix}-{i}", name=f"Школа {i}",
                                                               municipality_id="m1", municipality_name="Район"))

        await register(first, "a", 3)
        await eventually(lambda: _drained(first))
        close_vhost_connections(vhost_url)  # the broker drops every connection of the vhost
        await register(second, "b", 3)
        await register(first, "c", 400)
        await eventually(lambda: _drained(first), timeout=60)

        async def all_there() -> bool:
            return await depth(vhost_url, "test.registry.events") >= 406

        await eventually(all_there, timeout=30)
        await asyncio.sleep(1.5)  # both relays polled again: nothing more may arrive
        assert await depth(vhost_url, "test.registry.events") == 406
    finally:
        for replica in replicas:
            await replica.runtime.stop()
        await infra.drop_databases(postgres_admin, databases)


async def _drained(service) -> bool:
    return await service.runtime.relay.pending_count() == 0


async def test_events_wait_while_the_broker_is_unreachable_and_go_when_it_is_back(rabbitmq_base, postgres_admin, tmp_path: Path) -> None:
    """The broker "away": a vhost that does not exist yet refuses the relay's connections; once it
    exists, the waiting events go out. (Stopping the whole node is test_reliability's, under CI.)"""
    from shared.messaging.outbox import UnitOfWork

    from nastavnik import processes
    from services.registry.relay import BulkOutboxRelay

    missing = f"nst-away-{os.urandom(4).hex()}"
    parsed = urllib.parse.urlparse(rabbitmq_base)
    away_url = urllib.parse.urlunparse(parsed._replace(path="/" + missing))
    databases = await infra.create_databases(postgres_admin, ["registry"])
    service = create_service(Settings(rabbitmq_url=None, database_url=databases["registry"], jwt_secret=SECRET,
                                      region_id="test-region", data_dir=tmp_path))
    runtime = service.runtime
    relay = BulkOutboxRelay(runtime.db, runtime._publish, runtime.metrics, runtime.log, broker_urls=[away_url])
    service.service.uow = UnitOfWork(runtime.db, "registry", relay)
    await runtime.db.create_tables()
    await relay.start()
    try:
        for i in range(5):
            await service.service.register_school(SchoolIn(school_id=f"away-{i}", name="Школа", municipality_id="m1",
                                                           municipality_name="Район"))
        await asyncio.sleep(1.5)
        assert await relay.pending_count() == 5
        assert runtime.metrics.publish_failures._value.get() > 0
        management = infra.management_url()
        user = parsed.username or "guest"
        if management:
            with processes._management(management) as client:
                client.put(f"/api/vhosts/{missing}").raise_for_status()
                client.put(f"/api/permissions/{missing}/{user}", json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        elif shutil.which("rabbitmqctl"):
            processes._rabbitmqctl("add_vhost", missing)
            processes._rabbitmqctl("set_permissions", "-p", missing, user, ".*", ".*", ".*")
        else:
            infra._unavailable("creating a vhost", "neither the management API nor rabbitmqctl")

        async def sent() -> bool:
            return await relay.pending_count() == 0

        await eventually(sent, timeout=30)
    finally:
        await relay.stop()
        await runtime.db.dispose()
        processes.delete_vhost(away_url, infra.management_url())
        await infra.drop_databases(postgres_admin, databases)


async def test_a_registry_whose_first_node_is_down_publishes_through_the_next(vhost_url, postgres_admin, tmp_path: Path) -> None:
    """A cluster's first listed node is down (nothing listens at its address): the registry
    starts on the next node, and its bulk relay publishes there too — every event reaches a queue."""
    from nastavnik.processes import free_port

    parsed = urllib.parse.urlparse(vhost_url)
    down = urllib.parse.urlunparse(parsed._replace(netloc=f"{parsed.username}:{parsed.password}@127.0.0.1:{free_port()}"))
    databases = await infra.create_databases(postgres_admin, ["registry"])
    settings = Settings(rabbitmq_url=down, rabbitmq_nodes=f"{parsed.hostname}:{parsed.port or 5672}", database_url=databases["registry"],
                        jwt_secret=SECRET, region_id="test-region", data_dir=tmp_path)
    assert settings.broker_urls[0] == down and len(settings.broker_urls) == 2
    service = create_service(settings)
    assert service.runtime.relay.bulk
    connection = await aio_pika.connect(vhost_url)
    try:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue("test.registry.events", durable=True)
        await queue.bind(exchange, "registry.school.registered.v1")
        await service.runtime.start()
        for i in range(5):
            await service.service.register_school(SchoolIn(school_id=f"next-{i}", name=f"Школа {i}", municipality_id="m1",
                                                           municipality_name="Район"))
        await eventually(lambda: _drained(service))

        async def all_there() -> bool:
            return await depth(vhost_url, "test.registry.events") == 5

        await eventually(all_there, timeout=30)
    finally:
        await connection.close()
        await service.runtime.stop()
        await infra.drop_databases(postgres_admin, databases)
