"""Server time of the heaviest pages (issue 11; target on this machine: p95 ≤ 300 ms each).

Conditions. The services run as separate processes (`nastavnik serve <name>`, one each) on a
fresh RabbitMQ vhost and fresh PostgreSQL databases, with Debian's nginx in front of them
(deploy/nginx/nastavnik.conf) when it is installed. The data is arranged in bulk through the
registry's import API (generated CSV files, as bench/registry_import.py generates a region):

  - a region of --schools schools (default 1,000) in 40 municipalities, --people-per-school
    teachers in every school but the first (default 5);
  - the first school (sch-0000) with --people people (default 3,000: a quarter teachers, the
    rest pupils) and a programme «учитель – учитель» in which --mentees young teachers
    (default 500) are mentees and --mentees/4 experienced teachers are mentors (capacity 5);
  - one matching run of that programme through the pairing API (the whole cohort).

When every event has reached reports and pairing, each page is requested --requests times
(default 50) one after another, with a signed session cookie of the person who opens it, straight
from this process to the service's process on loopback (client time ≈ server time: no network,
the connection kept alive), after --warmup requests not counted. That is one round; --rounds
rounds (default 3), each page in turn; per page the median over the rounds of p50, p95 and max
is reported, and the CPU seconds per request of the serving process (/proc/<pid>/stat, which
includes its share of the work of the event consumers running meanwhile: little, once the data is
settled). One more round through nginx shows what the proxy adds. Printed with the figures: the
CPU model (/proc/cpuinfo), the number of cores, and the load average before and after each round
(the machine may be shared: a load above the number of cores means the figures are pessimistic).

Pages:
  dashboard           /reports/dashboard              the region's administrator (1,000 schools)
  schools-region      /reports/schools                the administrator: every school's state
  schools-municipality /reports/schools               a municipal coordinator (25 schools)
  people              /registry/people                the big school's curator, first page
  people-search       /registry/people?q=Иванов       the same, a search
  matching-result     /pairing/matching/<p>/runs/<r>  the curator: 500 mentees' proposals
A page that does not exist yet (404 on a known route, or the service lacks it) is reported as
missing, not as a failure.

    .venv/bin/python bench/pages.py                         # the full set-up, 3 rounds of 50
    .venv/bin/python bench/pages.py --schools 100 --people 600 --mentees 100 --rounds 1   # a quick look

RabbitMQ and PostgreSQL from NASTAVNIK_TEST_RABBITMQ_URL / NASTAVNIK_TEST_POSTGRES_URL (else the
local defaults); a vhost needs rabbitmqctl or NASTAVNIK_TEST_RABBITMQ_MANAGEMENT_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx

from shared import clock
from shared.auth import COOKIE_NAME, Principal, issue_token
from shared.clock import academic_year_of
from shared.web import issue_session

from bench.load import cpu_seconds, load_average
from bench.registry_import import FIRST, LAST, MIDDLE, SUBJECTS
from nastavnik import processes

SECRET = "bench-secret-of-sufficient-length-32-bytes"
REGION = "bench-region"
BIG = "sch-0000"
TARGET_P95_MS = 300


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


# -- the data: CSV files for the registry's import API ---------------------------------------


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def region_files(schools: int, per_school: int, people: int, mentees: int, year: str, seed: int = 11) -> list[tuple[str, bytes]]:
    """(file name, CSV) in import order: the name tells the importer what the file holds."""
    rng = random.Random(seed)
    files = [("schools.csv", csv_bytes(
        ["Код школы", "Наименование", "Код муниципалитета", "Муниципалитет", "Низкие результаты", "Неблагоприятные социальные условия"],
        [[f"sch-{i:04d}", f"МБОУ СОШ № {i + 1}", f"mun-{i % 40:02d}", f"Район № {i % 40 + 1}",
          "да" if i % 17 == 0 else "нет", "да" if i % 23 == 0 else "нет"] for i in range(schools)]))]
    teachers, mentors = [], max(1, mentees // 4)
    big_teachers = max(people // 4, mentees + mentors)
    for i in range(big_teachers):
        young = i < mentees
        experience = rng.randint(0, 3) if young else rng.randint(8, 35)
        teachers.append([BIG, f"T-{i:06d}", f"{rng.choice(LAST)} {rng.choice(FIRST)} {rng.choice(MIDDLE)}", "учитель",
                         ", ".join(rng.sample(SUBJECTS, rng.randint(1, 2))), experience, 2003 - experience - rng.randint(0, 10),
                         "", "да", "01.09.2026"])
    for s in range(1, schools):
        for j in range(per_school):
            experience = rng.randint(0, 35)
            teachers.append([f"sch-{s:04d}", f"T-{s:04d}-{j:02d}", f"{rng.choice(LAST)} {rng.choice(FIRST)} {rng.choice(MIDDLE)}",
                             "учитель", rng.choice(SUBJECTS), experience, 1990 - rng.randint(0, 20), "", "да", "01.09.2026"])
    files.append(("teachers.csv", csv_bytes(
        ["Код школы", "Внешний id", "ФИО", "Должность", "Предметы", "Стаж", "Год рождения", "Квалификационная категория",
         "Согласие", "Дата согласия"], teachers)))
    pupils = [[BIG, f"P-{i:06d}", f"{rng.choice(LAST)} {rng.choice(FIRST)}", f"{rng.randint(1, 11)}{rng.choice('АБВ')}",
               "да", "законный представитель", "02.09.2026"] for i in range(max(0, people - big_teachers))]
    if pupils:
        files.append(("pupils.csv", csv_bytes(["Код школы", "Внешний id", "ФИО", "Класс", "Согласие", "Согласие дал", "Дата согласия"], pupils)))
    files.append(("programmes.csv", csv_bytes(["Код школы", "Код программы", "Название", "Учебный год", "Формы"],
                                              [[BIG, "P1", "Программа наставничества «Вместе»", year, "учитель – учитель"]])))
    enrolments = [[BIG, "P1", f"T-{i:06d}", "наставляемый", ""] for i in range(mentees)]
    enrolments += [[BIG, "P1", f"T-{i:06d}", "наставник", 5] for i in range(mentees, mentees + mentors)]
    files.append(("enrolments.csv", csv_bytes(["Код школы", "Код программы", "Внешний id", "Роль", "Вместимость"], enrolments)))
    return files


# -- arranging ---------------------------------------------------------------------------------


def bearer(sub: str, role: str, scope: str, scope_id: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + issue_token(SECRET, sub=sub, role=role, scope=scope, scope_id=scope_id, ttl=timedelta(hours=6))}


async def outbox_drained(database_url: str, timeout: float = 900) -> None:
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + timeout
        while await connection.fetchval("SELECT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL)"):
            if time.monotonic() > deadline:
                raise TimeoutError("the registry's outbox was not drained")
            await asyncio.sleep(0.5)
    finally:
        await connection.close()


async def queues_empty(vhost_url: str, management_url: str | None, timeout: float = 900) -> None:
    """Every queue of the vhost is empty and nothing unacknowledged: the consumers caught up."""
    import subprocess
    import urllib.parse

    vhost = urllib.parse.urlparse(vhost_url).path.lstrip("/")
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:  # three looks in a row, a second apart (a handler may publish more)
        if management_url:
            with processes._management(management_url) as client:
                rows = client.get(f"/api/queues/{vhost}").json()
            pending = sum(q.get("messages", 0) for q in rows if not q["name"].endswith(".dead"))
        else:
            out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "messages"],
                                 capture_output=True, text=True, timeout=60).stdout
            pending = sum(int(parts[1]) for parts in (line.split() for line in out.splitlines())
                          if len(parts) == 2 and parts[1].isdigit() and not parts[0].endswith(".dead"))
        quiet = quiet + 1 if pending == 0 else 0
        if time.monotonic() > deadline:
            raise TimeoutError(f"{pending} events still queued")
        await asyncio.sleep(1)


@dataclass
class Arranged:
    programme_id: str | None
    run_id: str | None
    mentees_in_run: int


async def arrange(args: argparse.Namespace, system: processes.ServiceProcesses, databases: dict[str, str], vhost: str) -> Arranged:
    year = academic_year_of(clock.today())
    admin = bearer("bench-admin", "region_admin", "region", REGION)
    curator = bearer("bench-curator", "school_curator", "school", BIG)
    async with system.client() as client:
        for name, data in region_files(args.schools, args.people_per_school, args.people, args.mentees, year):
            started = time.perf_counter()
            response = await client.post("/registry/api/v1/imports", headers=admin, files={"file": (name, data, "text/csv")},
                                         params={"mode": "all_or_nothing"}, timeout=600)
            try:
                report = response.json()
            except ValueError:
                raise SystemExit(f"import of {name} failed ({response.status_code}): {response.text[:1500]}") from None
            if response.status_code >= 300 or not report.get("applied", True) or report.get("errors"):
                raise SystemExit(f"import of {name} failed ({response.status_code}): {json.dumps(report, ensure_ascii=False)[:1500]}")
            print(f"  imported {name}: {len(data) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        await outbox_drained(databases["registry"])
        await queues_empty(vhost, args.management_url)
        print(f"  events delivered and consumed in {time.perf_counter() - started:.1f} s", flush=True)
        programmes = (await client.get(f"/registry/api/v1/schools/{BIG}/programmes", headers=curator)).json()
        programme_id = programmes[0]["id"] if programmes else None
        if programme_id is None:
            return Arranged(None, None, 0)
        started = time.perf_counter()
        run = await client.post(f"/pairing/api/v1/programmes/{programme_id}/matching/runs", headers=curator, json={}, timeout=600)
        if run.status_code != 201:
            print(f"  matching run failed ({run.status_code}): {run.text[:500]}", flush=True)
            return Arranged(programme_id, None, 0)
        body = run.json()
        print(f"  matching run {body['id']}: {body['mentees']} mentees, {body['mentors']} mentors, {len(body['proposals'])} proposals, "
              f"{body['unmatched_count']} unmatched in {time.perf_counter() - started:.1f} s", flush=True)
        await queues_empty(vhost, args.management_url)
        return Arranged(programme_id, body["id"], body["mentees"])


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    service: str
    path: str
    principal: Principal


def pages_of(arranged: Arranged) -> list[Page]:
    admin = Principal(sub="bench-admin", role="region_admin", scope="region", scope_id=REGION, name="Администратор")
    coordinator = Principal(sub="bench-coordinator", role="municipal_coordinator", scope="municipality", scope_id="mun-00", name="Координатор")
    curator = Principal(sub="bench-curator", role="school_curator", scope="school", scope_id=BIG, name="Куратор")
    pages = [
        Page("dashboard", "reports", "/reports/dashboard", admin),
        Page("schools-region", "reports", "/reports/schools", admin),
        Page("schools-municipality", "reports", "/reports/schools", coordinator),
        Page("people", "registry", "/registry/people", curator),
        Page("people-search", "registry", "/registry/people?q=Иванов", curator),
    ]
    if arranged.run_id:
        pages.append(Page("matching-result", "pairing", f"/pairing/matching/{arranged.programme_id}/runs/{arranged.run_id}", curator))
    return pages


async def one_round(client: httpx.AsyncClient, base: str, page: Page, requests: int, warmup: int, pid: int | None) -> dict:
    cookies = {COOKIE_NAME: issue_session(SECRET, page.principal)}
    first = await client.get(base + page.path, cookies=cookies)
    if first.status_code != 200:
        return {"missing": True, "status": first.status_code}
    for _ in range(warmup):
        await client.get(base + page.path, cookies=cookies)
    times: list[float] = []
    cpu_before = cpu_seconds(pid) if pid else float("nan")
    for _ in range(requests):
        began = time.perf_counter()
        response = await client.get(base + page.path, cookies=cookies)
        times.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"{page.name}: {response.status_code}")
    cpu = (cpu_seconds(pid) - cpu_before) if pid else float("nan")
    return {"missing": False, "p50_ms": 1000 * percentile(times, 0.5), "p95_ms": 1000 * percentile(times, 0.95),
            "max_ms": 1000 * max(times), "cpu_ms_per_request": 1000 * cpu / requests, "kib": len(first.content) / 1024}


async def measure(args: argparse.Namespace, system: processes.ServiceProcesses, proxy: processes.NginxProxy | None,
                  arranged: Arranged) -> dict:
    pages = pages_of(arranged)
    rounds: dict[str, list[dict]] = {p.name: [] for p in pages}
    async with httpx.AsyncClient(timeout=60) as client:
        for index in range(args.rounds):
            before = load_average()
            for page in pages:
                base = f"http://127.0.0.1:{system.ports[page.service]}"
                rounds[page.name].append(await one_round(client, base, page, args.requests, args.warmup, system.processes[page.service].pid))
            print(f"  round {index + 1}: load average {before} → {load_average()}", flush=True)
        via_proxy = {}
        if proxy is not None:
            for page in pages:
                via_proxy[page.name] = await one_round(client, proxy.base_url, page, args.requests, args.warmup, None)
    summary = {}
    for page in pages:
        results = rounds[page.name]
        if any(r["missing"] for r in results):
            summary[page.name] = {"path": page.path, "missing": True, "status": results[0].get("status")}
            continue
        figures = {key: round(statistics.median(r[key] for r in results), 1) for key in ("p50_ms", "p95_ms", "max_ms", "cpu_ms_per_request", "kib")}
        figures["p95_ms_per_round"] = [round(r["p95_ms"], 1) for r in results]
        if page.name in via_proxy and not via_proxy[page.name]["missing"]:
            figures["via_nginx_p95_ms"] = round(via_proxy[page.name]["p95_ms"], 1)
        figures["meets_target"] = figures["p95_ms"] <= TARGET_P95_MS
        summary[page.name] = {"path": page.path, **figures}
    return summary


async def run(args: argparse.Namespace) -> dict:
    vhost = processes.create_vhost(args.rabbitmq_url, args.management_url)
    databases = await processes.create_databases(args.postgres_url)
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    system = processes.ServiceProcesses(vhost, databases, work, SECRET, region_id=REGION)
    proxy = None
    try:
        system.start_all()
        await system.wait_ready(120)
        if Path(processes.NGINX).exists() and not args.no_proxy:
            proxy = processes.NginxProxy(system.ports, work)
            proxy.__enter__()
        started = time.perf_counter()
        arranged = await arrange(args, system, databases, vhost)
        print(f"arranged in {time.perf_counter() - started:.0f} s (matching run of {arranged.mentees_in_run} mentees)", flush=True)
        return await measure(args, system, proxy, arranged)
    finally:
        if proxy is not None:
            proxy.stop()
        system.stop_all()
        await processes.drop_databases(args.postgres_url, databases)
        processes.delete_vhost(vhost, args.management_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=1000, help="schools of the region (default 1,000)")
    parser.add_argument("--people-per-school", type=int, default=5, help="teachers in every other school (default 5)")
    parser.add_argument("--people", type=int, default=3000, help="people of the big school (default 3,000)")
    parser.add_argument("--mentees", type=int, default=500, help="mentees of its programme in the matching run (default 500)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page per round (default 50)")
    parser.add_argument("--warmup", type=int, default=3, help="requests per page per round not counted (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every page; medians reported (default 3)")
    parser.add_argument("--no-proxy", action="store_true", help="do not start nginx (no via-nginx figures)")
    parser.add_argument("--rabbitmq-url", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--postgres-url", default=os.environ.get("NASTAVNIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--management-url", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_MANAGEMENT_URL"))
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    print(f"conditions: {cpu_model()}, {os.cpu_count()} cores, load average {load_average()}; service processes + PostgreSQL + "
          f"RabbitMQ on this machine; {args.schools} schools, {args.people} people in {BIG}, {args.mentees} mentees; "
          f"{args.rounds} rounds of {args.requests} sequential requests per page", flush=True)
    summary = asyncio.run(run(args))
    print(f"{'page':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'CPU ms/req':>12}{'KiB':>8}{'nginx p95':>11}  target p95 ≤ {TARGET_P95_MS} ms")
    for name, figures in summary.items():
        if figures.get("missing"):
            print(f"{name:<22}  missing (HTTP {figures['status']} at {figures['path']})")
            continue
        print(f"{name:<22}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}{figures['max_ms']:>9.1f}{figures['cpu_ms_per_request']:>12.1f}"
              f"{figures['kib']:>8.0f}{figures.get('via_nginx_p95_ms', float('nan')):>11.1f}  {'ok' if figures['meets_target'] else 'OVER'}")
    result = {"cpu": cpu_model(), "cores": os.cpu_count(), "load_average_after": load_average(), "args": {
        k: v for k, v in vars(args).items() if k in ("schools", "people_per_school", "people", "mentees", "requests", "rounds")}, "pages": summary}
    print(json.dumps(result, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
