"""Import jobs through the HTTP API (issue 13, M5): progress while it runs, cancel (nothing
written), the job and its report kept in the registry's database — a new service instance on
the same database answers about it, and a job whose process stopped is shown as interrupted."""

from __future__ import annotations

import asyncio

import pytest

from shared.clock import utcnow

from services.registry.import_jobs import jobs_of
from services.registry.importer import Importer
from services.registry.main import create_service
from services.registry.models import ImportJobRecord, Participant
from tests.component.helpers import ADMIN, bearer, count, running

CURATOR = bearer("school_curator", "school", "s1", sub="curator-1")
OTHER_CURATOR = bearer("school_curator", "school", "s1", sub="curator-2")
ROWS = 5_000


def roster(rows: int = ROWS) -> bytes:
    lines = "".join(f"s1;T-{n};Педагог Номер {n};да\n" for n in range(rows))
    return f"Код школы;Внешний id;ФИО;Согласие\n{lines}".encode()


async def with_school(client) -> None:
    response = await client.post("/api/v1/schools", headers=ADMIN, json={
        "school_id": "s1", "name": "Школа 1", "municipality_id": "m1", "municipality_name": "Город"})
    assert response.status_code == 201, response.text


class Gate:
    """Holds the import after its first chunk of rows (as a long import is mid-way)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = asyncio.Event()
        self.open = asyncio.Event()
        real = Importer._checkpoint

        async def held(importer, ctx):
            self.reached.set()
            await self.open.wait()
            await real(importer, ctx)

        monkeypatch.setattr(Importer, "_checkpoint", held)


async def finished(client, job_id: str, headers: dict) -> dict:
    for _ in range(600):
        job = (await client.get(f"/api/v1/import-jobs/{job_id}", headers=headers)).json()
        if job["state"] not in ("queued", "running"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"the job did not end: {job}")


async def test_a_job_shows_its_progress_then_its_report(settings, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    service = create_service(settings)
    async with running(service) as client:
        await with_school(client)
        response = await client.post("/api/v1/import-jobs", headers=CURATOR, files={"file": ("педагоги.csv", roster(), "text/csv")})
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        await asyncio.wait_for(gate.reached.wait(), 60)

        mid = (await client.get(f"/api/v1/import-jobs/{job_id}", headers=CURATOR)).json()
        assert (mid["state"], mid["rows_total"], mid["report"]) == ("running", ROWS, None)
        assert mid["rows_done"] == 2_000 and mid["percent"] == 40  # the first chunk is written
        assert (await client.get(f"/api/v1/import-jobs/{job_id}", headers=OTHER_CURATOR)).status_code == 404

        gate.open.set()
        done = await finished(client, job_id, CURATOR)
        assert (done["state"], done["rows_done"], done["percent"]) == ("done", ROWS, 100)
        assert done["report"]["applied"] and done["report"]["sheets"][0]["created"] == ROWS
        assert await count(service, Participant) == ROWS


async def test_a_cancelled_job_writes_nothing(settings, monkeypatch) -> None:
    gate = Gate(monkeypatch)
    service = create_service(settings)
    async with running(service) as client:
        await with_school(client)
        job_id = (await client.post("/api/v1/import-jobs", headers=CURATOR,
                                    files={"file": ("педагоги.csv", roster(), "text/csv")})).json()["id"]
        await asyncio.wait_for(gate.reached.wait(), 60)
        assert (await client.post(f"/api/v1/import-jobs/{job_id}/cancel", headers=OTHER_CURATOR)).status_code == 404
        cancelling = await client.post(f"/api/v1/import-jobs/{job_id}/cancel", headers=CURATOR)
        assert cancelling.status_code == 200 and cancelling.json()["cancel_requested"]
        gate.open.set()

        job = await finished(client, job_id, CURATOR)
        assert job["state"] == "cancelled" and job["report"]["cancelled"] and not job["report"]["applied"]
        assert job["report"]["summary_ru"].startswith("Загрузка отменена: ничего не записано")
        assert await count(service, Participant) == 0


@pytest.mark.only_backend("memory", reason="on SQLite (one process) a job left running is interrupted at once; on "
                         "PostgreSQL only once its heartbeat is older than STALE_AFTER (services/registry/import_jobs.py)")
async def test_a_job_survives_a_new_service_instance_on_the_same_database(settings) -> None:
    first = create_service(settings)
    async with running(first) as client:
        await with_school(client)
        job_id = (await client.post("/api/v1/import-jobs?dry_run=true", headers=CURATOR,
                                    files={"file": ("педагоги.csv", roster(50), "text/csv")})).json()["id"]
        await jobs_of(first.importer).wait(job_id)

    second = create_service(settings)  # a restart, or another replica: nothing of the job in its memory
    async with running(second) as client:
        job = (await client.get(f"/api/v1/import-jobs/{job_id}", headers=CURATOR)).json()
        assert job["state"] == "done" and job["report"]["dry_run"] and job["report"]["sheets"][0]["rows"] == 50
        # The dry run's file was kept in the database: the new instance applies it.
        applied = await jobs_of(second.importer).apply(job_id, _principal(), "all_or_nothing")
        assert applied is not None
        await jobs_of(second.importer).wait(applied.id)
        assert (await client.get(f"/api/v1/import-jobs/{applied.id}", headers=CURATOR)).json()["report"]["applied"]
        assert await count(second, Participant) == 50

        # A job left "running" by a process that stopped is shown as interrupted, not running forever.
        async with second.runtime.db.sessions() as session:
            session.add(ImportJobRecord(id="stale", owner="school_curator:curator-1@school:s1", name="x.csv",
                                        mode="all_or_nothing", state="running", total=10, done=3, updated_at=utcnow()))
            await session.commit()
        stale = (await client.get("/api/v1/import-jobs/stale", headers=CURATOR)).json()
        assert stale["state"] == "interrupted" and "Ничего не записано" in stale["failure"]


def _principal():
    from shared.auth import Principal

    return Principal(sub="curator-1", role="school_curator", scope="school", scope_id="s1")


async def test_the_import_page_cancels_a_running_import(settings, monkeypatch) -> None:
    import re

    from shared.auth import COOKIE_NAME, Principal
    from shared.web import issue_session

    from tests.conftest import SECRET

    gate = Gate(monkeypatch)
    service = create_service(settings)
    async with running(service) as client:
        await with_school(client)
        curator = Principal(sub="curator-1", role="school_curator", scope="school", scope_id="s1", name="Куратор")
        client.cookies.set(COOKIE_NAME, issue_session(SECRET, curator))
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', (await client.get("/imports")).text).group(1)  # type: ignore[union-attr]
        started = await client.post("/imports", data={"csrf_token": token, "mode": "all_or_nothing"},
                                    files={"file": ("педагоги.csv", roster(), "text/csv")})
        page = started.headers["location"]
        await asyncio.wait_for(gate.reached.wait(), 60)
        html = (await client.get(page.removeprefix("/registry"))).text
        assert "из 5\u202f000 строк" in html and 'id="cancel-import"' in html

        cancelled = await client.post(page.removeprefix("/registry") + "/cancel", data={"csrf_token": token})
        assert cancelled.status_code == 303
        assert "Загрузка отменяется: ничего не будет записано" in (await client.get(page.removeprefix("/registry"))).text
        gate.open.set()
        await jobs_of(service.importer).wait(page.rsplit("/", 1)[1])
        html = (await client.get(page.removeprefix("/registry"))).text
        assert "Загрузка отменена." in html and "Загрузка отменена: ничего не записано" in html
        assert await count(service, Participant) == 0


async def test_imports_beyond_those_running_at_once_wait_queued(settings, monkeypatch) -> None:
    from services.registry import import_jobs

    monkeypatch.setattr(import_jobs, "RUNNING_AT_ONCE", 1)
    gate = Gate(monkeypatch)
    service = create_service(settings)
    async with running(service) as client:
        await with_school(client)
        first = (await client.post("/api/v1/import-jobs?dry_run=true", headers=CURATOR,
                                   files={"file": ("педагоги.csv", roster(), "text/csv")})).json()["id"]
        await asyncio.wait_for(gate.reached.wait(), 60)
        second = (await client.post("/api/v1/import-jobs?dry_run=true", headers=CURATOR,
                                    files={"file": ("педагоги.csv", roster(10), "text/csv")})).json()["id"]
        waiting = (await client.get(f"/api/v1/import-jobs/{second}", headers=CURATOR)).json()
        assert (waiting["state"], waiting["rows_total"], waiting["rows_done"]) == ("queued", 10, 0)
        gate.open.set()
        assert (await finished(client, first, CURATOR))["state"] == "done"
        assert (await finished(client, second, CURATOR))["report"]["sheets"][0]["rows"] == 10
