"""The chaos-ledger campaign (issue 16) as a table: runs the scenarios of tests/chaos (a private
RabbitMQ node and PostgreSQL cluster, the services as separate processes, one fault per scenario
under a steady load of questionnaires) with the given figures and prints, per scenario, the
completions accepted, the region's counter, lost and twice-counted ones, and the time to settle.

    .venv/bin/python bench/chaos_ledger.py --rate 25 --duration 100 --fault-at 30 --fault-for 20

Needs what the chaos tests need (docs/developing.md, «Chaos scenarios»); -k selects scenarios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=25, help="completions per second")
    parser.add_argument("--duration", type=float, default=100, help="seconds of load per scenario")
    parser.add_argument("--fault-at", type=float, default=30)
    parser.add_argument("--fault-for", type=float, default=20)
    parser.add_argument("--settle", type=float, default=300, help="seconds to wait for the ledger after the load")
    parser.add_argument("-k", default=None, help="pytest -k expression: which scenarios")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        table = Path(work) / "table.jsonl"
        env = {**os.environ, "NASTAVNIK_CHAOS_RATE": str(args.rate), "NASTAVNIK_CHAOS_DURATION": str(args.duration),
               "NASTAVNIK_CHAOS_FAULT_AT": str(args.fault_at), "NASTAVNIK_CHAOS_FAULT_FOR": str(args.fault_for),
               "NASTAVNIK_CHAOS_SETTLE": str(args.settle), "NASTAVNIK_CHAOS_TABLE": str(table)}
        command = [sys.executable, "-m", "pytest", "tests/chaos", "-q", "-p", "no:cacheprovider", *(["-k", args.k] if args.k else [])]
        print(f"conditions: {os.cpu_count()} CPUs, {args.rate:g} completions/s for {args.duration:g} s, "
              f"fault at {args.fault_at:g} s for {args.fault_for:g} s", flush=True)
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        rows = [json.loads(line) for line in table.read_text(encoding="utf-8").splitlines()] if table.exists() else []
    print(f"\n{'scenario':<26} {'accepted':>8} {'counter':>8} {'lost':>5} {'twice':>6} {'retried':>8} {'settled':>8}  not ready during the fault")
    for r in rows:
        accepted = r["accepted"] + r["by_hand"]
        print(f"{r['scenario']:<26} {accepted:>8} {r['counter'] if r['counter'] is not None else '-':>8} {r['lost']:>5} "
              f"{r['twice']:>6} {r['retried']:>8} {r['settled_s']:>7}s  {', '.join(r['not_ready']) or '-'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
