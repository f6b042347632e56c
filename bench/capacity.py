"""Capacity model (issue 17): how many replicas of each service and how many broker nodes a
region needs at its peak, from the per-replica throughputs the benchmarks measured.

The peak is a campaign's last day: the region's whole teaching staff answers within 24 h (each
teacher `--per-teacher` questionnaires, and `--pupil-share` of the pupils one each); the busiest
hour takes `--peak-hour-share` of the day, and its busiest minute runs at `--burst` times that
hour's mean. Replicas = ⌈peak / (throughput × utilisation)⌉, at least 2 (one may die: docs/scale.md);
broker nodes = enough cores for the broker's CPU per completion (measured on one node) times the
quorum queues' replication, at least 3 and odd (a quorum queue survives one node of three).

Sizes: the country's 40,000 schools, 1.35 million teachers and 18 million pupils in 89 regions
give the per-school figures; the region sizes are a small region, the median region and the
largest (Moscow region, ≈ 1,600 schools), and the whole country as one deployment for contrast.

Inputs measured on the project's 2-core VM (docs/surveys.md, docs/reports.md, docs/registry.md;
medians; rerun the benchmarks named and pass their figures with the options below):

    surveys   700 completions/s per process   bench/survey_ingestion.py (1,108/s quiet, 696/s busy machine: the busy one)
    reports   660 completions/s per process   bench/indicator_lag.py / tests/integration/test_batching.py (backlog drain)
    pairing  2000 completions/s per process   bench/indicator_lag.py at 500/s: pairing 0.24 core → 0.48 ms each
    broker   0.7 ms of a core per completion  bench/indicator_lag.py at 500/s: RabbitMQ 0.35 core, one node
    import    494 rows/s per import job       bench/import.py (registry, 100,000 rows)

    .venv/bin/python bench/capacity.py                      # the table
    .venv/bin/python bench/capacity.py --json               # the same as JSON
    .venv/bin/python bench/capacity.py --schools 800 --burst 10
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass

COUNTRY_SCHOOLS = 40_000
COUNTRY_TEACHERS = 1_350_000
COUNTRY_PUPILS = 18_000_000
REGIONS = 89
SIZES = {"small region": 150, "median region": round(COUNTRY_SCHOOLS / REGIONS), "Moscow region": 1_600, "whole country": COUNTRY_SCHOOLS}


@dataclass
class Row:
    size: str
    schools: int
    teachers: int
    answers_per_day: int
    peak_per_s: float
    surveys: int
    reports: int
    pairing: int
    broker_nodes: int
    broker_cores: float
    headroom: float
    staff_import_min: float


def odd_at_least_three(n: int) -> int:
    n = max(3, n)
    return n if n % 2 else n + 1


def replicas(rate: float, throughput: float, utilisation: float) -> int:
    return max(2, math.ceil(rate / (throughput * utilisation)))


def model(args: argparse.Namespace, size: str, schools: int) -> Row:
    teachers = round(schools * COUNTRY_TEACHERS / COUNTRY_SCHOOLS)
    pupils = round(schools * COUNTRY_PUPILS / COUNTRY_SCHOOLS)
    per_day = round(teachers * args.per_teacher + pupils * args.pupil_share)
    peak = per_day * args.peak_hour_share / 3600 * args.burst
    surveys = replicas(peak, args.surveys_rate, args.utilisation)
    reports = replicas(peak, args.reports_rate, args.utilisation)
    pairing = replicas(peak, args.pairing_rate, args.utilisation)
    broker_cores = peak * args.broker_ms / 1000 * args.replication
    nodes = odd_at_least_three(math.ceil(broker_cores / (args.node_cores * args.utilisation)))
    # headroom: how many times the peak the weakest link (a service's replicas, the broker) carries at full use
    capacity = min(surveys * args.surveys_rate, reports * args.reports_rate, pairing * args.pairing_rate,
                   nodes * args.node_cores / (args.broker_ms / 1000 * args.replication))
    return Row(size, schools, teachers, per_day, round(peak, 1), surveys, reports, pairing, nodes, round(broker_cores, 2),
               round(capacity / peak, 1) if peak else math.inf, round(teachers / args.import_rate / 60, 1))


def table(rows: list[Row]) -> str:
    head = ("size", "schools", "teachers", "answers/day", "peak/s", "surveys", "reports", "pairing", "broker nodes",
            "broker cores", "headroom ×", "staff import, min")
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in rows:
        lines.append(" | ".join(str(v) for v in (r.size, f"{r.schools:,}", f"{r.teachers:,}", f"{r.answers_per_day:,}", r.peak_per_s,
                                                 r.surveys, r.reports, r.pairing, r.broker_nodes, r.broker_cores, r.headroom,
                                                 r.staff_import_min)))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, action="append", help="a region size (repeatable); default: the four sizes above")
    parser.add_argument("--per-teacher", type=float, default=2, help="questionnaires each teacher answers on the day")
    parser.add_argument("--pupil-share", type=float, default=0.1, help="share of the pupils who answer one questionnaire")
    parser.add_argument("--peak-hour-share", type=float, default=0.15, help="share of the day's answers in its busiest hour")
    parser.add_argument("--burst", type=float, default=5, help="the busiest minute against the busiest hour's mean")
    parser.add_argument("--utilisation", type=float, default=0.5, help="planned use of a replica's or node's measured capacity")
    parser.add_argument("--surveys-rate", type=float, default=700, help="completions/s one surveys process accepts")
    parser.add_argument("--reports-rate", type=float, default=660, help="completions/s one reports process applies")
    parser.add_argument("--pairing-rate", type=float, default=2000, help="completions/s one pairing process consumes")
    parser.add_argument("--broker-ms", type=float, default=0.7, help="broker CPU ms per completion on one node")
    parser.add_argument("--replication", type=int, default=3, help="members of each quorum queue")
    parser.add_argument("--node-cores", type=float, default=2, help="cores of one broker node")
    parser.add_argument("--import-rate", type=float, default=494, help="rows/s of one registry import job")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sizes = {f"{n} schools": n for n in args.schools} if args.schools else SIZES
    rows = [model(args, size, schools) for size, schools in sizes.items()]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1))
        return
    print(table(rows))
    print(f"\npeak = answers/day × {args.peak_hour_share:g} / 3600 × burst {args.burst:g}; replicas at {args.utilisation:.0%} of "
          f"their measured throughput, at least 2; broker nodes odd, at least 3 ({args.replication} members per quorum queue)")


if __name__ == "__main__":
    main()
