"""School systems' commands on the real RabbitMQ and PostgreSQL: a school publishes with its own
broker credentials (`nastavnik broker school-access`), the registry applies what it may and
answers the rest with registry.command.rejected.v1 — a fresh vhost and database per test."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from shared.contracts.envelope import Envelope
from shared.messaging.topology import EVENTS_EXCHANGE_NAME, INBOUND_EXCHANGE_NAME, inbound_routing_key, school_user
from shared.settings import Settings

from nastavnik.cli import cli
from nastavnik.cli_operators import delete_school_user
from services.registry.main import create_service
from services.registry.models import Participant
from services.registry.schemas import SchoolIn
from tests import infra
from tests.conftest import SECRET

pytestmark = pytest.mark.integration
REGISTER = "registry.participant.register.v1"


@pytest.fixture
def management_url(rabbitmq_base: str) -> str:
    url = infra.management_url()
    if not url:
        infra._unavailable("RabbitMQ management API", f"{infra.MANAGEMENT_ENV} is not set and no local management API answers")
    return url


@pytest.fixture
async def registry(vhost_url: str, postgres_admin: str, tmp_path: Path) -> AsyncIterator:
    databases = await infra.create_databases(postgres_admin, ["registry"])
    service = create_service(Settings(rabbitmq_url=vhost_url, database_url=databases["registry"], jwt_secret=SECRET,
                                      region_id="test-region", data_dir=tmp_path))
    await service.runtime.start()
    try:
        yield service
    finally:
        await service.runtime.stop()
        await infra.drop_databases(postgres_admin, databases)


@pytest.fixture
async def school_urls(vhost_url: str, management_url: str) -> AsyncIterator[dict[str, str]]:
    ids = [f"s{uuid.uuid4().hex[:8]}", f"s{uuid.uuid4().hex[:8]}"]
    urls = {}
    try:
        for school_id in ids:
            password = uuid.uuid4().hex
            result = CliRunner().invoke(cli, ["broker", "school-access", school_id, "--password", password, "--apply",
                                              "--management-url", management_url, "--rabbitmq-url", vhost_url])
            assert result.exit_code == 0, result.output
            parsed = urllib.parse.urlparse(vhost_url)
            netloc = f"{school_user(school_id)}:{password}@{parsed.hostname}:{parsed.port or 5672}"
            urls[school_id] = urllib.parse.urlunparse(parsed._replace(netloc=netloc))
        yield urls
    finally:
        for school_id in ids:
            delete_school_user(management_url, school_id)


async def wait_for(events: list[dict], predicate, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in events:
            if predicate(event):
                return event
        await asyncio.sleep(0.05)
    raise AssertionError(f"no such event among {[e['type'] for e in events]}")


async def test_a_schools_own_system_registers_updates_withdraws_and_is_refused_elsewhere(registry, school_urls, vhost_url) -> None:
    mine, other = list(school_urls)
    for school_id in (mine, other):
        await registry.service.register_school(SchoolIn(school_id=school_id, name=f"Школа {school_id}", municipality_id="m1",
                                                        municipality_name="Северный район"))
    watcher = await aio_pika.connect(vhost_url)
    seen: list[dict] = []
    async with watcher:
        channel = await watcher.channel()
        queue = await channel.declare_queue(exclusive=True)
        await queue.bind(EVENTS_EXCHANGE_NAME, "registry.#")

        async def collect(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            seen.append(json.loads(message.body))
            await message.ack()

        await queue.consume(collect)
        school = await aio_pika.connect(school_urls[mine])
        async with school:
            publisher = await school.channel(publisher_confirms=True)
            inbound = await publisher.get_exchange(INBOUND_EXCHANGE_NAME, ensure=False)

            async def send(command_type: str, data: dict) -> str:
                envelope = Envelope(source=f"/schools/{mine}", type=command_type, data=data)
                await inbound.publish(aio_pika.Message(envelope.model_dump_json().encode(), content_type="application/json",
                                                       message_id=envelope.id, user_id=school_user(mine), delivery_mode=2),
                                      inbound_routing_key(mine, command_type))
                return envelope.id

            await send(REGISTER, {"external_id": "T-1", "category": "teacher", "full_name": "Иванова Анна",
                                  "experience_years": 1, "consent": {"given_by": "self"}})
            registered = await wait_for(seen, lambda e: e["type"] == "registry.participant.registered.v1")
            assert registered["data"]["school_id"] == mine and registered["data"]["young_specialist"] is True

            foreign = await send(REGISTER, {"school_id": other, "external_id": "T-2", "category": "teacher", "full_name": "Чужой"})
            rejected = await wait_for(seen, lambda e: e["type"] == "registry.command.rejected.v1" and e["subject"] == foreign)
            assert rejected["data"]["code"] == "forbidden" and rejected["data"]["school_id"] == mine

            invalid = await send(REGISTER, {"external_id": "P-1", "category": "pupil", "full_name": "Без класса"})
            rejected = await wait_for(seen, lambda e: e["type"] == "registry.command.rejected.v1" and e["subject"] == invalid)
            assert rejected["data"]["code"] == "invalid" and "класс" in rejected["data"]["reason"]

            await send("registry.participant.update.v1", {"external_id": "T-1", "experience_years": 9, "birth_year": 1970})
            updated = await wait_for(seen, lambda e: e["type"] == "registry.participant.updated.v1")
            assert updated["data"]["young_specialist"] is False

            await send("registry.participant.withdraw.v1", {"external_id": "T-1", "reason": "consent_withdrawn"})
            withdrawn = await wait_for(seen, lambda e: e["type"] == "registry.participant.withdrawn.v1")
            assert withdrawn["data"]["participant_id"] == registered["data"]["participant_id"]

    async with registry.runtime.db.sessions() as session:
        people = (await session.exec(select(Participant))).all()
    assert [(p.school_id, p.status) for p in people] == [(mine, "withdrawn")]
