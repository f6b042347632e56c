"""Import job benchmark (issue 13, M5): rows per second of a 100,000-row CSV imported as a job
through the HTTP API (`POST /registry/api/v1/import-jobs`, then polling `GET …/{id}` until it
ends), and how long `/health` waits meanwhile (the event loop must keep serving while the file
is parsed and validated).

Conditions: a fresh PostgreSQL database per run (nastavnik.processes.create_databases), the
registry in this process on the in-memory broker with its outbox relay idle (the events, one per
row — every teacher has consent — are written to the outbox in the import's transaction and left
there: publishing is measured by bench/registry_import.py), a region administrator's token, 20
schools made first through the API. The time is from
the POST (the upload included) until the job reports `done`. `--sqlite` runs on a SQLite file
instead.

    .venv/bin/python bench/import.py                 # 100,000 rows, 3 runs, medians
    .venv/bin/python bench/import.py --rows 20000 --runs 1

The database from NASTAVNIK_TEST_POSTGRES_URL (else postgresql://postgres@127.0.0.1:5432/postgres)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nastavnik import processes

SCHOOLS = 20
LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров"]
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Илья", "Сергей", "Артём", "Дарья", "Полина", "Даниил"]
SUBJECTS = ["математика", "русский язык", "история", "физика", "биология", "информатика"]


def roster(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = ["Код школы;Внешний id;ФИО;Должность;Предметы;Стаж;Год рождения;Согласие;Дата согласия"]
    for index in range(rows):
        experience = rng.randint(0, 40)
        lines.append(f"sch-{index % SCHOOLS:02d};T-{index:07d};{rng.choice(LAST)} {rng.choice(FIRST)};учитель;"
                     f"{rng.choice(SUBJECTS)};{experience};{2003 - experience};да;01.09.2026")
    return ("\n".join(lines) + "\n").encode()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


async def one_run(rows: int, data: bytes, sqlite: bool) -> dict[str, float]:
    import httpx
    from faststream.rabbit import TestRabbitBroker

    from shared.auth import issue_token
    from shared.settings import Settings

    from services.registry.import_jobs import jobs_of
    from services.registry.main import create_service

    admin_url = os.environ.get("NASTAVNIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    folder = Path(tempfile.mkdtemp(prefix="nastavnik-bench-import-"))
    databases = {} if sqlite else await processes.create_databases(admin_url, ["registry"])
    secret = "bench-secret-of-sufficient-length-32b"
    settings = Settings(data_dir=folder, jwt_secret=secret, rabbitmq_url=None, region_id="bench",
                        database_url=None if sqlite else databases["registry"])
    service = create_service(settings)
    # The events stay in the outbox: publishing them is another process's work in production
    # (`nastavnik serve registry` replicas; its rate is bench/registry_import.py's), and the
    # in-memory broker's relay in this process would compete with the import for this CPU.
    relay = service.runtime.relay

    async def idle() -> None:
        return None

    relay.start, relay.notify = idle, lambda: None  # type: ignore[method-assign]

    def bearer(role: str, scope: str, scope_id: str) -> dict[str, str]:
        return {"Authorization": "Bearer " + issue_token(secret, sub="bench", role=role, scope=scope, scope_id=scope_id,
                                                         ttl=timedelta(hours=1))}

    admin = bearer("region_admin", "region", "bench")
    try:
        async with TestRabbitBroker(service.runtime.broker):
            await service.runtime.start()
            try:
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=service.http), base_url="http://bench",
                                             timeout=600) as client:
                    for index in range(SCHOOLS):
                        response = await client.post("/api/v1/schools", headers=admin, json={
                            "school_id": f"sch-{index:02d}", "name": f"Школа {index}", "municipality_id": "m1",
                            "municipality_name": "Город"})
                        response.raise_for_status()
                    waits: list[float] = []
                    cpu_before = _cpu()
                    started = time.perf_counter()
                    response = await client.post("/api/v1/import-jobs", headers=admin,
                                                 files={"file": ("педагоги.csv", data, "text/csv")})
                    response.raise_for_status()
                    job_id = response.json()["id"]
                    while True:
                        asked = time.perf_counter()
                        await client.get("/health")
                        waits.append(time.perf_counter() - asked)
                        job = (await client.get(f"/api/v1/import-jobs/{job_id}", headers=admin)).json()
                        if job["state"] not in ("queued", "running"):
                            break
                        await asyncio.sleep(0.1)
                    seconds = time.perf_counter() - started
                    cpu = _cpu() - cpu_before
                    await jobs_of(service.importer).wait(job_id)  # its clean-up, before the database goes
                    report = job["report"] or {}
                    if job["state"] != "done" or not report.get("applied") or report["sheets"][0]["created"] != rows:
                        raise RuntimeError(f"the import did not complete: {job['state']} {report.get('summary_en')}")
            finally:
                await service.runtime.stop()
    finally:
        if databases:
            await processes.drop_databases(admin_url, databases)
    return {"seconds": seconds, "rows_per_second": rows / seconds, "cpu_seconds": cpu, "rows_per_cpu_second": rows / cpu,
            "health_max_ms": 1000 * max(waits),
            "health_p50_ms": 1000 * statistics.median(waits)}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    data = roster(args.rows)
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {'SQLite' if args.sqlite else 'PostgreSQL'}; CPU: {cpu_model()}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    results = []
    for run in range(args.runs):
        result = asyncio.run(one_run(args.rows, data, args.sqlite))
        results.append(result)
        print(f"run {run + 1}: {result['seconds']:.1f} s, {result['rows_per_second']:,.0f} rows/s "
              f"(CPU of this process {result['cpu_seconds']:.1f} s: {result['rows_per_cpu_second']:,.0f} rows per CPU second); /health p50 "
              f"{result['health_p50_ms']:.0f} ms, max {result['health_max_ms']:.0f} ms")
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(f"median: {median['seconds']:.1f} s, {median['rows_per_second']:,.0f} rows/s, "
          f"{median['rows_per_cpu_second']:,.0f} rows per CPU second; /health max {median['health_max_ms']:.0f} ms "
          f"(load average now {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
