"""Registry bulk import benchmark: a generated region of 1,000 schools, 30,000 teachers and
300,000 pupils imported from CSV into PostgreSQL, events included — each phase is timed until
the registry's outbox is drained, i.e. until the registry process (`nastavnik serve registry`)
has published every event to RabbitMQ with confirms.

Conditions: a fresh PostgreSQL database (nastavnik.processes.create_databases) and a fresh
RabbitMQ vhost (nastavnik.processes.create_vhost) per run; the import runs in this process as
`nastavnik import` does (straight into the registry's database, no HTTP), the registry runs as
its own process and relays the outbox. Every person has consent recorded, so every row makes an
event (331,000 events in all). Targets (issue 3, on a 2-core machine): the 30,000 teachers in
≤ 15 s, the whole region in ≤ 3 minutes, peak memory under 1 GiB.

    .venv/bin/python bench/registry_import.py                 # the full region, 3 runs
    .venv/bin/python bench/registry_import.py --runs 1 --pupils 30000   # a quick look

Broker and database from NASTAVNIK_TEST_RABBITMQ_URL / NASTAVNIK_TEST_POSTGRES_URL (else the
local defaults); a vhost needs rabbitmqctl or NASTAVNIK_TEST_RABBITMQ_MANAGEMENT_URL."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nastavnik import processes

SUBJECTS = ["начальные классы", "русский язык и литература", "иностранный язык", "история и обществознание",
            "физическая культура", "математика и информатика", "технология", "биология"]
LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров"]
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Илья", "Сергей", "Артём", "Дарья", "Полина", "Даниил"]
MIDDLE = ["Петрович", "Игоревна", "Олегович", "Викторовна", "Андреевич", "Сергеевна"]


def generate(folder: Path, schools: int, teachers: int, pupils: int, seed: int = 7) -> dict[str, Path]:
    """Three CSV files as a regional centre would collect them (`;`, UTF-8, Russian headers)."""
    rng = random.Random(seed)
    paths = {name: folder / f"{name}.csv" for name in ("schools", "teachers", "pupils")}
    with paths["schools"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Код школы", "Наименование", "Код муниципалитета", "Муниципалитет", "Низкие результаты",
                         "Неблагоприятные социальные условия"])
        for index in range(schools):
            municipality = index % 40
            writer.writerow([f"sch-{index:04d}", f"МБОУ СОШ № {index + 1}", f"mun-{municipality:02d}", f"Район № {municipality + 1}",
                             "да" if index % 17 == 0 else "нет", "да" if index % 23 == 0 else "нет"])
    with paths["teachers"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Код школы", "Внешний id", "ФИО", "Должность", "Предметы", "Стаж", "Год рождения",
                         "Квалификационная категория", "Согласие", "Дата согласия"])
        for index in range(teachers):
            experience = rng.randint(0, 40)
            writer.writerow([f"sch-{index % schools:04d}", f"T-{index:06d}",
                             f"{rng.choice(LAST)} {rng.choice(FIRST)} {rng.choice(MIDDLE)}", "учитель",
                             ", ".join(rng.sample(SUBJECTS, rng.randint(1, 2))), experience, 2003 - experience - rng.randint(0, 10),
                             rng.choice(["", "первая", "высшая"]), "да", "01.09.2026"])
    with paths["pupils"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Код школы", "Внешний id", "ФИО", "Класс", "Согласие", "Согласие дал", "Дата согласия"])
        for index in range(pupils):
            writer.writerow([f"sch-{index % schools:04d}", f"P-{index:07d}", f"{rng.choice(LAST)} {rng.choice(FIRST)}",
                             f"{rng.randint(1, 11)}{rng.choice('АБВ')}", "да", "законный представитель", "02.09.2026"])
    return paths


async def drained(database_url: str, timeout: float = 900) -> float:
    """Seconds until the outbox holds no unsent event (checked every 0.2 s with an EXISTS on the
    relay's own index: a count(*) of a 300,000-row outbox ten times a second would slow the relay)."""
    import asyncpg

    started = time.perf_counter()
    connection = await asyncpg.connect(database_url)
    try:
        while await connection.fetchval("SELECT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL)"):
            if time.perf_counter() - started > timeout:
                raise TimeoutError("the outbox was not drained")
            await asyncio.sleep(0.2)
    finally:
        await connection.close()
    return time.perf_counter() - started


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


async def one_run(files: dict[str, Path], broker: str, postgres: str, management: str | None, log_dir: Path,
                  replicas: int = 1) -> dict:
    from shared.settings import Settings

    from services.registry.importer import ImportOptions
    from services.registry.main import create_service

    vhost = processes.create_vhost(broker, management)
    databases = await processes.create_databases(postgres, ["registry"])
    url = databases["registry"]
    env = {**os.environ, "RABBITMQ_URL": vhost, "DATABASE_URL": url, "NASTAVNIK_LOG_LEVEL": "WARNING",
           "NASTAVNIK_JWT_SECRET": secrets.token_hex(32)}  # serve refuses the development secret
    servers: list = []
    try:
        import subprocess

        import httpx

        for replica in range(replicas):
            port = processes.free_port()
            server = subprocess.Popen(
                [sys.executable, "-m", "nastavnik", "serve", "registry", "--host", "127.0.0.1", "--port", str(port)],
                env=env, stdout=open(log_dir / f"registry-{replica}.log", "ab"), stderr=subprocess.STDOUT, cwd=ROOT)
            servers.append(server)
            async with httpx.AsyncClient() as client:
                for _ in range(300):
                    try:
                        if (await client.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
                else:
                    raise RuntimeError((log_dir / f"registry-{replica}.log").read_text()[-2000:])
        registry = create_service(Settings(database_url=url, rabbitmq_url=None, data_dir=log_dir))
        await registry.runtime.db.create_tables()
        figures: dict = {}
        region_started = time.perf_counter()
        for phase in ("schools", "teachers", "pupils"):
            started = time.perf_counter()
            report = await registry.importer.run_paths([str(files[phase])], ImportOptions(actor="bench"))
            imported = time.perf_counter() - started
            if not report.applied:
                raise RuntimeError(f"{phase}: {report.summary_en} {report.errors[:3]}")
            drain = await drained(url)
            figures[phase] = {"rows": sum(s.rows for s in report.sheets), "events": report.events,
                              "import_s": round(imported, 2), "with_events_s": round(imported + drain, 2)}
        figures["region_s"] = round(time.perf_counter() - region_started, 2)
        figures["importer_maxrss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        figures["registry_process_peak_mib"] = round(max(peak_kib(server.pid) for server in servers) / 1024, 1)
        figures["replicas"] = replicas
        again_started = time.perf_counter()
        again = await registry.importer.run_paths([str(files["teachers"])], ImportOptions(actor="bench"))
        figures["teachers_reimport_s"] = round(time.perf_counter() - again_started, 2)
        figures["teachers_reimport_events"] = again.events
        await registry.runtime.db.dispose()
        return figures
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)
        processes.delete_vhost(vhost, management)
        await processes.drop_databases(postgres, databases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--teachers", type=int, default=30_000)
    parser.add_argument("--pupils", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--replicas", type=int, default=2,
                        help="registry processes relaying the outbox (competing on FOR UPDATE SKIP LOCKED); default 2")
    parser.add_argument("--rabbitmq", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--postgres", default=os.environ.get("NASTAVNIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--management", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_MANAGEMENT_URL"))
    parser.add_argument("--json", type=Path, help="Write every run's figures and the medians here")
    args = parser.parse_args()
    # Each run in its own process, so that ru_maxrss is that run's peak.
    if os.environ.get("_REGISTRY_BENCH_CHILD"):
        folder = Path(os.environ["_REGISTRY_BENCH_CHILD"])
        files = {name: folder / f"{name}.csv" for name in ("schools", "teachers", "pupils")}
        figures = asyncio.run(one_run(files, args.rabbitmq, args.postgres, args.management, folder, args.replicas))
        print(json.dumps(figures))
        return
    import subprocess

    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        files = generate(folder, args.schools, args.teachers, args.pupils)
        sizes = {name: f"{path.stat().st_size / 1e6:.1f} MB" for name, path in files.items()}
        print(f"generated {args.schools} schools, {args.teachers} teachers, {args.pupils} pupils in "
              f"{time.perf_counter() - started:.1f} s: {sizes}", flush=True)
        runs = []
        for index in range(args.runs):
            child = subprocess.run([sys.executable, __file__, *sys.argv[1:]], env={**os.environ, "_REGISTRY_BENCH_CHILD": tmp},
                                   capture_output=True, text=True, cwd=ROOT)
            if child.returncode != 0:
                print(child.stdout[-3000:], child.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"run {index + 1} failed")
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            runs.append(figures)
            print(f"run {index + 1}: {json.dumps(figures, ensure_ascii=False)}", flush=True)

    def median(*path: str) -> float:
        values = []
        for run in runs:
            value = run
            for key in path:
                value = value[key]
            values.append(value)
        return round(statistics.median(values), 2)

    summary = {
        "runs": len(runs),
        "teachers_with_events_s": median("teachers", "with_events_s"),
        "teachers_import_s": median("teachers", "import_s"),
        "pupils_with_events_s": median("pupils", "with_events_s"),
        "region_with_events_s": median("region_s"),
        "importer_maxrss_mib": median("importer_maxrss_mib"),
        "registry_process_peak_mib": median("registry_process_peak_mib"),
        "teachers_reimport_s": median("teachers_reimport_s"),
        "events": runs[0]["schools"]["events"] + runs[0]["teachers"]["events"] + runs[0]["pupils"]["events"],
    }
    targets = {"teachers_with_events_s": 15, "region_with_events_s": 180, "importer_maxrss_mib": 1024, "registry_process_peak_mib": 1024}
    print("medians:", json.dumps(summary, ensure_ascii=False))
    for key, limit in targets.items():
        print(f"  {key}: {summary[key]} (target ≤ {limit}) {'ok' if summary[key] <= limit else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "medians": summary}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
