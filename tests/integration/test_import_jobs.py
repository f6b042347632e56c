"""Import jobs on PostgreSQL with two registry replicas (issue 13, M5): the replica that did not
take the upload sees the job's progress while it runs and cancels it; the running replica rolls
back and nothing is written."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx
import pytest
from faststream.rabbit import TestRabbitBroker

from shared.settings import Settings

from services.registry import import_jobs
from services.registry.importer import Importer
from services.registry.main import create_service
from services.registry.models import Participant
from tests import infra
from tests.component.helpers import ADMIN, bearer, count
from tests.conftest import SECRET

pytestmark = pytest.mark.integration
CURATOR = bearer("school_curator", "school", "s1", sub="curator-1")


async def test_another_replica_follows_and_cancels_a_running_job(postgres_admin, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(import_jobs, "PERSIST_EVERY", 0.0)  # every batch writes its progress
    reached, release = asyncio.Event(), asyncio.Event()
    real = Importer._checkpoint

    async def held(importer, ctx):
        await real(importer, ctx)
        if not reached.is_set():
            reached.set()
            await release.wait()

    monkeypatch.setattr(Importer, "_checkpoint", held)
    databases = await infra.create_databases(postgres_admin, ["registry"])
    settings = Settings(rabbitmq_url=None, database_url=databases["registry"], jwt_secret=SECRET, region_id="test-region",
                        data_dir=tmp_path)
    replicas = [create_service(settings), create_service(settings)]
    try:
        async with AsyncExitStack() as stack:
            clients = []
            for replica in replicas:
                await stack.enter_async_context(TestRabbitBroker(replica.runtime.broker))
                await replica.runtime.start()
                stack.push_async_callback(replica.runtime.stop)
                clients.append(await stack.enter_async_context(
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=replica.http), base_url="http://test")))
            first, second = clients
            assert (await first.post("/api/v1/schools", headers=ADMIN, json={
                "school_id": "s1", "name": "Школа 1", "municipality_id": "m1", "municipality_name": "Город"})).status_code == 201
            rows = "".join(f"s1;T-{n};Педагог Номер {n};да\n" for n in range(6_000))
            started = await first.post("/api/v1/import-jobs", headers=CURATOR, files={
                "file": ("педагоги.csv", f"Код школы;Внешний id;ФИО;Согласие\n{rows}".encode(), "text/csv")})
            job_id = started.json()["id"]
            await asyncio.wait_for(reached.wait(), 60)

            seen = (await second.get(f"/api/v1/import-jobs/{job_id}", headers=CURATOR)).json()
            assert (seen["state"], seen["rows_total"], seen["rows_done"]) == ("running", 6_000, 2_000)
            assert (await second.post(f"/api/v1/import-jobs/{job_id}/cancel", headers=CURATOR)).json()["cancel_requested"]
            release.set()

            for _ in range(600):
                job = (await second.get(f"/api/v1/import-jobs/{job_id}", headers=CURATOR)).json()
                if job["state"] not in ("queued", "running"):
                    break
                await asyncio.sleep(0.05)
            assert job["state"] == "cancelled" and job["report"]["cancelled"], job
            assert await count(replicas[1], Participant) == 0
    finally:
        release.set()
        await infra.drop_databases(postgres_admin, databases)


async def test_a_withdrawn_person_is_found_by_the_hash_index_on_postgres(postgres_admin, tmp_path) -> None:
    """The tombstone lookup (one array parameter on PostgreSQL, was IN (…2,000 parameters)):
    an old file does not bring back a person who withdrew consent."""
    from pathlib import Path

    from services.registry.importer import ImportOptions

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples" / "registry"
    databases = await infra.create_databases(postgres_admin, ["registry"])
    registry = create_service(Settings(rabbitmq_url=None, database_url=databases["registry"], jwt_secret=SECRET,
                                       region_id="test-region", data_dir=tmp_path))
    try:
        await registry.runtime.db.create_tables()
        run = registry.importer.run_paths
        assert (await run([str(examples / "schools.csv"), str(examples / "roster_s1.csv")], ImportOptions())).applied
        text = (examples / "roster_s1.csv").read_text(encoding="utf-8").replace(
            "Смирнов Илья Олегович;учитель;математика;1;2000;;да", "Смирнов Илья Олегович;учитель;математика;1;2000;;отозвано")
        withdrawing = tmp_path / "roster.csv"
        withdrawing.write_text(text, encoding="utf-8")
        assert (await run([str(withdrawing)], ImportOptions())).sheets[0].withdrawn == 1
        again = await run([str(examples / "roster_s1.csv")], ImportOptions())
        assert not again.applied and "отозвал согласие" in again.errors[0].reason_ru
    finally:
        await registry.runtime.db.dispose()
        await infra.drop_databases(postgres_admin, databases)
