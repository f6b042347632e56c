"""Time to export the regional monitoring report of N schools (XLSX, PDF, CSV).

Builds a reports database with N schools in M municipalities (counters written directly, as
the live updates would leave them), then times ReportsService.report + each format, several
runs, medians. SQLite by default; --postgres-url uses a fresh PostgreSQL database.

    .venv/bin/python bench/regional_export.py --schools 1000 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.auth import Principal
from shared.settings import Settings

from services.reports import domain, exports
from services.reports.main import create_service
from services.reports.models import Counter, School

YEAR = "2026/2027"


async def populate(reports, schools: int, municipalities: int) -> None:
    rng = random.Random(7)
    async with reports.runtime.db.sessions() as session, session.begin():
        for n in range(schools):
            m = n % municipalities
            session.add(School(id=f"school-{n}", name=f"МБОУ СОШ № {n}", municipality_id=f"mun-{m}", municipality_name=f"Район № {m}",
                               region_id="bench-region", low_results=n % 10 == 0, difficult_conditions=n % 7 == 0))
            pupils, young = rng.randint(200, 900), rng.randint(2, 15)
            counters = {"schools_total": (domain.POPULATION, 1), "pupils_total": (domain.POPULATION, pupils),
                        "young_specialists_total": (domain.POPULATION, young), "teachers_total": (domain.POPULATION, young * 4),
                        "schools_with_programme": (YEAR, 1), "mentors_total": (YEAR, 10), "mentees_total": (YEAR, 30),
                        "mentees_pupils": (YEAR, rng.randint(50, pupils)), "mentees_young_specialists": (YEAR, rng.randint(0, young)),
                        "pairs_active": (YEAR, 12), "pairs_active_teacher_teacher": (YEAR, 8), "pairs_active_pupil_pupil": (YEAR, 4),
                        "mentee_satisfaction_sum": (YEAR, 80), "mentee_satisfaction_count": (YEAR, 10), "mentee_satisfaction_high": (YEAR, 6),
                        "mentee_satisfaction_mid": (YEAR, 4), "mentor_satisfaction_sum": (YEAR, 40), "mentor_satisfaction_count": (YEAR, 5)}
            for area in domain.DEFICIT_AREAS:
                counters[f"deficit_start_sum_{area}"] = (YEAR, 40)
                counters[f"deficit_start_count_{area}"] = (YEAR, 10)
                counters[f"deficit_end_sum_{area}"] = (YEAR, 25)
                counters[f"deficit_end_count_{area}"] = (YEAR, 10)
            for name, (year, value) in counters.items():
                session.add(Counter(scope="school", scope_id=f"school-{n}", academic_year=year, name=name, value=value))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--municipalities", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    reports = create_service(Settings(data_dir=data_dir, region_id="bench-region", region_name="Регион (нагрузочный тест)",
                                      rabbitmq_url=None, database_url=args.database_url))
    await reports.runtime.db.create_tables()
    await populate(reports, args.schools, args.municipalities)
    centre = Principal(sub="bench", role="region_admin", scope="region", scope_id="bench-region")
    print(f"conditions: {args.schools} schools, {args.municipalities} municipalities, {len(domain.INDICATORS)} indicators, "
          f"{args.runs} runs, database {reports.runtime.db.url.split(':')[0]}", flush=True)
    times: dict[str, list[float]] = {"data": [], "xlsx": [], "pdf": [], "csv": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        report = await reports.service.report("region", "bench-region", YEAR, centre)
        times["data"].append(time.perf_counter() - started)
        for fmt in ("xlsx", "pdf", "csv"):
            started = time.perf_counter()
            content = exports.render(report, fmt)
            times[fmt].append(time.perf_counter() - started)
            assert content
            if fmt == "csv":  # for Excel with a Russian locale: `;`, BOM, decimal commas
                rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
                assert len(rows) == args.schools + 1 and content.startswith("\ufeff".encode())
                assert not any("." in cell for row in rows[1:] for cell in row[6:]), "a number with a decimal point"
    for name, values in times.items():
        print(f"{name:5} median {statistics.median(values):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    print(f"whole XLSX export (data + file): {statistics.median(times['data']) + statistics.median(times['xlsx']):.2f} s; "
          f"PDF: {statistics.median(times['data']) + statistics.median(times['pdf']):.2f} s")
    await reports.runtime.db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
