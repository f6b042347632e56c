"""The bulk import on PostgreSQL with the registry relaying to the real RabbitMQ: the events of
an import arrive, a second import of the same files sends nothing, a corrected file sends the
update — a fresh vhost and database per test."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import aio_pika
import pytest

from shared.messaging.topology import EVENTS_EXCHANGE_NAME
from shared.settings import Settings

from services.registry.importer import ImportOptions
from services.registry.main import create_service
from tests import infra
from tests.conftest import SECRET

pytestmark = pytest.mark.integration
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "registry"


async def test_import_on_postgres_is_idempotent_and_announced(vhost_url, postgres_admin, tmp_path) -> None:
    databases = await infra.create_databases(postgres_admin, ["registry"])
    registry = create_service(Settings(rabbitmq_url=vhost_url, database_url=databases["registry"], jwt_secret=SECRET,
                                       region_id="test-region", data_dir=tmp_path))
    await registry.runtime.start()
    watcher = await aio_pika.connect(vhost_url)
    seen: list[dict] = []
    try:
        channel = await watcher.channel()
        queue = await channel.declare_queue(exclusive=True)
        await queue.bind(EVENTS_EXCHANGE_NAME, "registry.#")

        async def collect(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            seen.append(json.loads(message.body))
            await message.ack()

        await queue.consume(collect)
        files = [str(EXAMPLES / "schools.csv"), str(EXAMPLES / "roster_s1.csv")]

        async def imported(paths: list[str], expected: int) -> None:
            report = await registry.importer.run_paths(paths, ImportOptions(chunk_size=2))  # several chunks
            assert report.applied and report.errors == [], report.errors
            assert report.events == expected
            deadline = time.monotonic() + 20
            while await registry.runtime.relay.pending_count() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)

        await imported(files, 5)  # 2 schools, 3 people with consent
        assert sorted(e["type"] for e in seen).count("registry.participant.registered.v1") == 3
        await imported(files, 0)
        assert len(seen) == 5
        corrected = tmp_path / "roster_s1.csv"
        corrected.write_text((EXAMPLES / "roster_s1.csv").read_text(encoding="utf-8").replace(";1;2000;", ";2;2000;"), encoding="utf-8")
        await imported([str(corrected)], 1)
        [update] = [e for e in seen if e["type"] == "registry.participant.updated.v1"]
        assert update["data"]["experience_years"] == 2 and update["data"]["changed"] == ["experience_years"]
    finally:
        await watcher.close()
        await registry.runtime.stop()
        await infra.drop_databases(postgres_admin, databases)
