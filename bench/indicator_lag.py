"""Lag from a completed questionnaire to the region's reports.indicators.updated.v1 that reflects it.

The four services run as separate processes (nastavnik.processes.ServiceProcesses) on a fresh
RabbitMQ vhost and fresh PostgreSQL databases; RegionScenario loads a small region (pairs, no
surveys). Satisfaction questionnaires are then submitted through the surveys HTTP API at a
steady rate. A bench queue bound to the events exchange observes every
surveys.response.completed.v1 (matched to the HTTP submit by response_id) and every
reports.indicators.updated.v1 of scope region (matched by caused_by or also_caused_by = the
completed event's id: under load reports folds several events into one announcement).
Lag = time the region update is observed − time the submit started.

Scenarios: `steady` at each --rates value, and `outage`: reports is stopped for --outage
seconds under load, then started again; reports the time after the restart until the lag is
under 1 s again, and how many completions never got a region update (lost).

    .venv/bin/python bench/indicator_lag.py --rates 50,500 --duration 20 --runs 3 --outage 60

Beyond one machine (issue 17, docs/scale.md): `--replicas N` runs N processes each of surveys
and reports (competing consumers; the load is spread over the surveys replicas); `--cluster`
runs on a private three-node RabbitMQ cluster started here (tests/cluster/infra.py; quorum
queues with a member on each node, the services told every node) instead of the shared broker,
and its `kill` scenario kills -9 the node leading reports' completions queue under load:
the time after the kill until every completion is reflected within 1 s again, and the lost.

    .venv/bin/python bench/indicator_lag.py --rates 500 --duration 20 --runs 1 --outage 0            # one node, one replica
    .venv/bin/python bench/indicator_lag.py --rates 500 --duration 20 --runs 1 --outage 0 --replicas 2 --cluster --kill

Needs RabbitMQ (with rabbitmqctl or --management-url) and PostgreSQL; URLs from
NASTAVNIK_TEST_RABBITMQ_URL / NASTAVNIK_TEST_POSTGRES_URL or the options below.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aio_pika

from shared.messaging.cluster import failover_connection
from shared.messaging.topology import EVENTS_EXCHANGE_NAME

from bench.load import Outcome, Poster, cpu_by_pid, cpu_seconds, grown, load_average
from nastavnik.processes import ServiceProcesses, create_databases, create_vhost, delete_vhost, drop_databases
from nastavnik.scenario import RegionScenario
from tests.cluster.infra import RabbitCluster
from tests.cluster.support import ReplicatedProcesses

SECRET = "bench-secret-of-sufficient-length-32-bytes"
COMPLETED = "surveys.response.completed.v1"
UPDATED = "reports.indicators.updated.v1"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Observer:
    """The bench queue: completion ids by response id, region updates by cause. On a cluster
    (`urls`: every node) a quorum queue through a connection that moves to a surviving node."""

    def __init__(self) -> None:
        self.completed: dict[str, str] = {}  # completed event id → response id
        self.completed_at: dict[str, float] = {}  # response id → completed event observed
        self.region_seen: dict[str, float] = {}  # completed event id → first region update time

    async def start(self, url: str, urls: list[str] | None = None) -> None:
        if urls:
            self.connection = await aio_pika.connect_robust(url, reconnect_interval=1, connection_class=failover_connection(urls))
        else:
            self.connection = await aio_pika.connect_robust(url)
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=1000)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
        name = f"bench.lag.{uuid.uuid4().hex[:8]}"
        queue = await (channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"}) if urls else
                       channel.declare_queue(name, exclusive=True, auto_delete=True))
        await queue.bind(exchange, routing_key=COMPLETED)
        await queue.bind(exchange, routing_key=UPDATED)
        # on a cluster acknowledged after reading: a delivery cut by a killed node comes again (no_ack would lose it)
        self.ack = bool(urls)
        await queue.consume(self._on_message, no_ack=not urls)

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        now = time.perf_counter()
        body = json.loads(message.body)
        data = body["data"]
        if body["type"] == COMPLETED:
            self.completed[body["id"]] = data["response_id"]
            self.completed_at[data["response_id"]] = now
        elif data.get("scope") == "region":
            for cause in (data["caused_by"], *data.get("also_caused_by", ())):
                self.region_seen.setdefault(cause, now)
        if self.ack:
            await message.ack()

    async def stop(self) -> None:
        await self.connection.close()


async def submit_load(poster: Poster, scenario: RegionScenario, region, rate: float, duration: float, submits: dict[str, float],
                      timeline: list[tuple[float, str]], outcome: Outcome) -> None:
    """Open loop: the i-th completion is submitted at start + i / rate, whatever the answers' delay."""
    respondents = [(s, ext, "satisfaction_mentee" if ext != "t-01" else "satisfaction_mentor") for s in region.schools for ext in ("t-02", "t-03", "t-01")]
    tokens = {(s.id, ext): scenario.token(s.people[ext], "mentee" if ext != "t-01" else "mentor", "school", s.id) for s, ext, _ in respondents}
    start = time.perf_counter()
    total = int(rate * duration)

    async def one(i: int) -> None:
        school, ext, instrument = respondents[i % len(respondents)]
        started = time.perf_counter()
        answer = await poster.post("/surveys/api/v1/responses", {
            "instrument": {"code": instrument, "version": 1}, "respondent_id": school.people[ext],
            "answers": dict.fromkeys(("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met"), 1 + i % 10),
            "submission_id": f"bench-{uuid.uuid4().hex}",
        }, tokens[(school.id, ext)], outcome)
        if answer is not None:
            submits[answer["id"]] = started
            timeline.append((started, answer["id"]))

    tasks = []
    for i in range(total):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)


def cpu_by_process(processes: ServiceProcesses) -> dict[str, float | dict[str, float]]:
    """CPU seconds so far of each service process, of PostgreSQL's and RabbitMQ's (by pid), and
    of this bench; `spent` turns two readings into seconds per name."""
    figures: dict[str, float | dict[str, float]] = {name: cpu_seconds(process.pid) for name, process in processes.processes.items()}
    figures.update(postgres=cpu_by_pid("postgres"), rabbitmq=cpu_by_pid("beam.smp"), bench=cpu_seconds())
    return figures


def spent(before: dict, after: dict) -> dict[str, float]:
    return {name: grown(before[name], value) if isinstance(value, dict) else value - before[name] for name, value in after.items()}


def lags(observer: Observer, submits: dict[str, float]) -> tuple[dict[str, float], int]:
    by_response = {rid: eid for eid, rid in observer.completed.items()}
    out, lost = {}, 0
    for rid, started in submits.items():
        eid = by_response.get(rid)
        seen = observer.region_seen.get(eid) if eid else None
        if seen is None:
            lost += 1
        else:
            out[rid] = seen - started
    return out, lost


async def drain(observer: Observer, submits: dict[str, float], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if lags(observer, submits)[1] == 0:
            return
        await asyncio.sleep(0.5)


def start_profilers(folder: str, processes: ServiceProcesses, rate: float, duration: float) -> list[subprocess.Popen]:
    """py-spy profiles (50 samples/s, idle frames left out) of surveys, reports and pairing over the
    steady load, as collapsed stacks: `<folder>/<service>-<rate>.txt` (bench/profile_summary.py
    prints their hottest frames; speedscope or flamegraph.pl draw them as flame graphs)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return [subprocess.Popen([spy, "record", "--pid", str(processes.processes[name].pid), "--rate", "50", "--duration", str(int(duration)),
                              "--format", "raw", "--output", f"{folder}/{name.replace('#', '-')}-{rate:g}.txt", "--nonblocking"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name in processes.processes if name.split("#")[0] in ("surveys", "reports", "pairing")]


CLUSTER: list[RabbitCluster] = []  # --cluster: started once by main()
BUSIEST = "reports.surveys.response.completed.v1"


def node_urls_of(vhost: str) -> list[str] | None:
    if not CLUSTER:
        return None
    name = vhost.rsplit("/", 1)[1]
    return [f"amqp://guest:guest@{node.address}/{name}" for node in CLUSTER[0].nodes]


async def environment(args):
    extra = {"NASTAVNIK_PREFETCH": str(args.prefetch)}
    if CLUSTER:
        name = f"bench-{uuid.uuid4().hex[:8]}"
        CLUSTER[0].ctl("add_vhost", name)
        CLUSTER[0].ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        vhost = CLUSTER[0].url + name
        extra["NASTAVNIK_RABBITMQ_NODES"] = CLUSTER[0].other_addresses
    else:
        vhost = create_vhost(args.rabbitmq_url, args.management_url)
    databases = await create_databases(args.postgres_url)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-lag-"))
    processes: ServiceProcesses = ReplicatedProcesses(vhost, databases, log_dir, SECRET, {"surveys": args.replicas, "reports": args.replicas},
                                                      extra_env=extra)
    processes.start_all()
    await processes.wait_ready()
    return vhost, databases, processes, log_dir


async def run_once(args, scenario_name: str, rate: float) -> dict:
    vhost, databases, processes, log_dir = await environment(args)
    observer = Observer()
    poster: Poster | None = None
    try:
        await observer.start(vhost, node_urls_of(vhost))
        async with processes.client() as client:
            scenario = RegionScenario(client, SECRET, "test-region")
            region = await scenario.load(schools=3, surveys=False)
            await asyncio.sleep(2)
            submits: dict[str, float] = {}
            timeline: list[tuple[float, str]] = []
            outcome = Outcome()
            surveys = [name for name in processes.ports if name.split("#")[0] == "surveys"]
            poster = Poster([f"http://127.0.0.1:{processes.ports[name]}" for name in surveys], args.connections)
            await poster.__aenter__()
            if scenario_name == "steady":
                profilers = start_profilers(args.profile, processes, rate, args.duration) if getattr(args, "profile", None) else []
                before = cpu_by_process(processes)
                await submit_load(poster, scenario, region, rate, args.duration, submits, timeline, outcome)
                for profiler in profilers:
                    profiler.wait(60)
                await drain(observer, submits, 120)
                cpu = spent(before, cpu_by_process(processes))
                cores = {name: round(seconds / args.duration, 2) for name, seconds in cpu.items()}
                result, lost = lags(observer, submits)
                values = list(result.values())
                surveys_part = [observer.completed_at[r] - t for r, t in submits.items() if r in observer.completed_at]
                return {"scenario": "steady", "rate": rate, "completions": len(submits), "lost": lost, "submit_errors": outcome.errors,
                        "submit_p99": outcome.percentile_ms(0.99) / 1000, "load_average": load_average(), "cores_per_load_second": cores, "cpu_seconds": cpu,
                        "surveys_p50": percentile(surveys_part, 0.5), "surveys_p99": percentile(surveys_part, 0.99),
                        "p50": percentile(values, 0.5), "p99": percentile(values, 0.99), "max": max(values, default=float("nan"))}
            # outage: load for warmup + outage + recovery window; reports down during the outage
            # kill (--cluster): the node leading reports' completions queue killed -9 after the warmup, left down
            total = args.warmup + (0 if scenario_name == "kill" else args.outage) + args.recovery
            load = asyncio.create_task(submit_load(poster, scenario, region, rate, total, submits, timeline, outcome))
            await asyncio.sleep(args.warmup)
            killed = None
            if scenario_name == "kill":
                killed = await asyncio.to_thread(CLUSTER[0].leader, BUSIEST, vhost.rsplit("/", 1)[1])
                await asyncio.to_thread(killed.kill)
            else:
                processes.stop("reports")
                await asyncio.sleep(args.outage)
                processes.start("reports")
            restarted = time.perf_counter()
            await load
            await drain(observer, submits, 180)
            result, lost = lags(observer, submits)
            # recovery: first moment after the restart from which every submitted completion's lag is < 1 s
            after = sorted((started, result.get(rid)) for started, rid in timeline if started >= restarted)
            recovered_at = None
            for index, (started, _lag) in enumerate(after):
                if all(v is not None and v < 1.0 for _, v in after[index:]):
                    recovered_at = started - restarted
                    break
            if killed is not None:
                await asyncio.to_thread(killed.start)  # back for the next run
            return {"scenario": scenario_name, "rate": rate, "outage_s": 0 if killed else args.outage, "completions": len(submits), "lost": lost,
                    "submit_errors": outcome.errors, "load_average": load_average(),
                    "recovered_after_s": recovered_at, "max_lag": max(result.values(), default=float("nan"))}
    finally:
        if poster is not None:
            await poster.__aexit__(None, None, None)
        await observer.stop()
        processes.stop_all()
        await drop_databases(args.postgres_url, databases)
        if CLUSTER:
            CLUSTER[0].ctl("delete_vhost", vhost.rsplit("/", 1)[1])
        else:
            delete_vhost(vhost, args.management_url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="50,500", help="completions per second, comma-separated")
    parser.add_argument("--duration", type=float, default=20, help="seconds of steady load per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--outage", type=float, default=60, help="seconds reports is down (0: skip the outage scenario)")
    parser.add_argument("--outage-rate", type=float, default=50)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--recovery", type=float, default=40, help="seconds of load after the restart")
    parser.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--connections", type=int, default=256, help="keep-alive connections of the load generator")
    parser.add_argument("--rabbitmq-url", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--postgres-url", default=os.environ.get("NASTAVNIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--management-url", default=None)
    parser.add_argument("--replicas", type=int, default=1, help="processes each of surveys and reports (competing consumers)")
    parser.add_argument("--cluster", action="store_true", help="a private three-node RabbitMQ cluster instead of the shared broker")
    parser.add_argument("--kill", action="store_true", help="with --cluster: kill -9 the busiest queue's leader node under load")
    parser.add_argument("--kill-rate", type=float, default=500)
    parser.add_argument("--profile", default=None, help="folder for py-spy profiles (collapsed stacks) of surveys, reports and pairing in the steady runs")
    args = parser.parse_args()
    if args.cluster:
        work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
        work.chmod(0o755)
        CLUSTER.append(RabbitCluster(work))
        CLUSTER[0].start()
    try:
        await measure(args)
    finally:
        for cluster in CLUSTER:
            cluster.stop()
            shutil.rmtree(cluster.nodes[0].dir.parent, ignore_errors=True)


async def measure(args) -> None:
    print(f"conditions: {os.cpu_count()} CPUs, the service processes ({args.replicas} of surveys and reports) + PostgreSQL + "
          f"RabbitMQ ({'a three-node cluster' if CLUSTER else 'one node'}) on this machine, "
          f"3 schools, {args.duration:g} s per steady run, {args.runs} runs, prefetch {args.prefetch}", flush=True)
    for rate in [float(r) for r in args.rates.split(",") if r]:
        results = []
        for run in range(args.runs):
            result = await run_once(args, "steady", rate)
            results.append(result)
            print(json.dumps({"run": run + 1, **{k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}}), flush=True)
        print(f"== steady {rate:g}/s: median p50 {statistics.median(r['p50'] for r in results):.3f} s, "
              f"median p99 {statistics.median(r['p99'] for r in results):.3f} s, lost {sum(r['lost'] for r in results)}", flush=True)
    if args.outage > 0:
        results = []
        for run in range(args.runs):
            result = await run_once(args, "outage", args.outage_rate)
            results.append(result)
            print(json.dumps({"run": run + 1, **{k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}}), flush=True)
        recovered = [r["recovered_after_s"] for r in results if r["recovered_after_s"] is not None]
        print(f"== outage {args.outage:g} s at {args.outage_rate:g}/s: median recovery "
              f"{statistics.median(recovered) if recovered else float('nan'):.1f} s after restart "
              f"({len(recovered)}/{len(results)} recovered), lost {sum(r['lost'] for r in results)}", flush=True)
    if args.kill and CLUSTER:
        results = []
        for run in range(args.runs):
            result = await run_once(args, "kill", args.kill_rate)
            results.append(result)
            print(json.dumps({"run": run + 1, **{k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}}), flush=True)
        recovered = [r["recovered_after_s"] for r in results if r["recovered_after_s"] is not None]
        print(f"== leader node killed at {args.kill_rate:g}/s: every completion within 1 s again "
              f"{statistics.median(recovered) if recovered else float('nan'):.1f} s after the kill "
              f"({len(recovered)}/{len(results)} recovered), lost {sum(r['lost'] for r in results)}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
