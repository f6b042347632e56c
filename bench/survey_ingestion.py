"""Survey ingestion benchmark: completed responses submitted through the HTTP API of the surveys
service running as its own process(es) (`nastavnik serve surveys`) on PostgreSQL and RabbitMQ,
persisted with their outbox event, published by the relay, and counted at a consumer (an
aio-pika queue bound to surveys.response.completed.v1) — none may be lost.

Fresh vhost and database per invocation; several runs; medians. Conditions are printed.

    .venv/bin/python bench/survey_ingestion.py --help
    .venv/bin/python bench/survey_ingestion.py --runs 3 --duration 60 --concurrency 64 --replicas 1

The load generator (bench/load.py) posts with aiohttp over keep-alive connections (uvloop when
installed), so that it costs little of the machine's CPU; its cost per response is printed.

Each run prints the accepted rate and the submit latency (p50, p99) seen by the client, the
events counted at the consumer and the end-to-end rate (consumed / (run + drain): below the
accepted rate when the relay fell behind), the CPU per response of each party, and the load
average. Results and how to read them: docs/surveys.md, "Benchmark".
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aio_pika
import asyncpg
import httpx

from shared import clock
from shared.auth import issue_token
from shared.clock import academic_year_of
from shared.contracts.envelope import new_envelope
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered
from shared.messaging.topology import EVENTS_EXCHANGE_NAME

from bench.load import Outcome, Poster, cpu_seconds, cpu_seconds_of, load_average, machine_busy_seconds
from nastavnik.processes import (
    ServiceProcesses,
    create_databases,
    create_vhost,
    delete_vhost,
    drop_databases,
    free_port,
)

SECRET = "bench-secret-of-sufficient-length-32b"
EVENT = "surveys.response.completed.v1"
ANSWERS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rabbitmq", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--postgres", default=os.environ.get("NASTAVNIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--runs", type=int, default=3, help="measured runs (median reported)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of sustained load per run")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    parser.add_argument("--replicas", type=int, default=1, help="surveys processes (competing relays, round-robin clients)")
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--drain-timeout", type=float, default=120.0, help="seconds to wait for every event at the consumer")
    return parser.parse_args()


class Counter:
    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.duplicates = 0

    async def on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        if message.message_id in self.seen:
            self.duplicates += 1
        self.seen.add(message.message_id or "")


async def seed_respondents(vhost_url: str, database_url: str, count: int) -> list[str]:
    ids = [f"bench-{n:05d}" for n in range(count)]
    connection = await aio_pika.connect_robust(vhost_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
        for pid in ids:
            # registered, and enrolled as a mentee: the mentee satisfaction questionnaire is for mentees
            for data in (ParticipantRegistered(participant_id=pid, school_id="bench-school", category="teacher", display_name=pid),
                         ParticipantEnrolled(participant_id=pid, programme_id="bench-programme", school_id="bench-school",
                                             role="mentee", academic_year=academic_year_of(clock.today()))):
                envelope = new_envelope("registry", data)
                await exchange.publish(aio_pika.Message(envelope.model_dump_json().encode(), message_id=envelope.id,
                                                        content_type="application/json", delivery_mode=2),
                                       routing_key=envelope.type)
    db = await asyncpg.connect(database_url)
    try:
        deadline = time.monotonic() + 60
        while await db.fetchval("SELECT count(*) FROM surveys_enrolment") < count:
            if time.monotonic() > deadline:
                raise TimeoutError("surveys did not learn the respondents")
            await asyncio.sleep(0.2)
    finally:
        await db.close()
    return ids


def _per(seconds: float, count: int) -> str:
    return f"{1000 * seconds / count:.2f} ms" if seconds >= 0 else "n/a"


async def one_run(ports: list[int], token: str, respondents: list[str], args: argparse.Namespace, counter: Counter,
                  run: int) -> dict:
    """`concurrency` workers, each posting the next response as soon as the last is answered."""
    outcome = Outcome()
    start_seen = len(counter.seen)
    next_person = itertools.cycle(respondents)
    stop_at = time.perf_counter() + args.duration
    async with Poster([f"http://127.0.0.1:{port}" for port in ports], args.concurrency) as poster:

        async def worker() -> None:
            while time.perf_counter() < stop_at:
                body = {"instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": next(next_person),
                        "answers": ANSWERS, "submission_id": f"bench-{run}-{uuid.uuid4().hex}"}
                await poster.post("/surveys/api/v1/responses", body, token, outcome, accept=lambda status: status == 201)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - began
    return await drained(counter, start_seen, outcome, elapsed, args)


async def drained(counter: Counter, start_seen: int, outcome: Outcome, elapsed: float, args: argparse.Namespace) -> dict:
    """Wait until the consumer has counted every accepted response (or the drain timeout)."""
    drain_began = time.perf_counter()
    accepted = outcome.accepted
    while len(counter.seen) - start_seen < accepted and time.perf_counter() - drain_began < args.drain_timeout:
        await asyncio.sleep(0.1)
    consumed = len(counter.seen) - start_seen
    drain_s = time.perf_counter() - drain_began
    return {
        "accepted": accepted,
        "errors": outcome.errors,
        "rate": accepted / elapsed,
        "end_to_end": consumed / (elapsed + drain_s),
        "p50_ms": outcome.percentile_ms(0.5),
        "p99_ms": outcome.percentile_ms(0.99),
        "consumed": consumed,
        "lost": accepted - consumed,
        "drain_s": drain_s,
    }


async def main() -> None:
    args = parse_args()
    vhost = create_vhost(args.rabbitmq)
    databases = await create_databases(args.postgres, ["surveys"])
    log_dir = Path(tempfile.mkdtemp(prefix="bench-surveys-"))
    system = ServiceProcesses(vhost, databases, log_dir, SECRET, region_id="bench-region")
    extra: list[subprocess.Popen] = []
    connection = None
    try:
        system.start("surveys")
        await system.wait_ready()
        ports = [system.ports["surveys"]]
        for n in range(1, args.replicas):
            port = free_port()
            env = {**os.environ, "RABBITMQ_URL": vhost, "DATABASE_URL": databases["surveys"], **system.env}
            log = open(log_dir / f"surveys-{n}.log", "ab")
            extra.append(subprocess.Popen([sys.executable, "-m", "nastavnik", "serve", "surveys", "--host", "127.0.0.1",
                                           "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT))
            ports.append(port)
        async with httpx.AsyncClient() as probe:
            for port in ports:
                for _ in range(300):
                    try:
                        if (await probe.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
        respondents = await seed_respondents(vhost, databases["surveys"], args.respondents)

        counter = Counter()
        connection = await aio_pika.connect_robust(vhost)
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=1000)
        queue = await channel.declare_queue(f"bench.{EVENT}", durable=False, exclusive=True)
        await queue.bind(EVENTS_EXCHANGE_NAME, routing_key=EVENT)
        await queue.consume(counter.on_message, no_ack=True)

        token = issue_token(SECRET, sub="bench", role="region_admin", scope="region", scope_id="bench-region", ttl=timedelta(hours=2))
        print(f"load average before the runs: {load_average()}")
        print(f"conditions: {platform.node()} {os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"{args.replicas} surveys process(es) on PostgreSQL + RabbitMQ (fresh vhost/database), load generator "
              f"in this process (aiohttp{', uvloop' if _uvloop else ''}, {args.concurrency} in flight), {args.duration:.0f}s per run, {args.runs} runs")
        results = []
        server_pids = [system.processes["surveys"].pid, *(p.pid for p in extra)]
        for run in range(1, args.runs + 1):
            before = (sum(cpu_seconds(pid) for pid in server_pids), cpu_seconds(), machine_busy_seconds(), time.perf_counter(),
                      cpu_seconds_of("postgres"), cpu_seconds_of("beam.smp"))
            result = await one_run(ports, token, respondents, args, counter, run)
            after = (sum(cpu_seconds(pid) for pid in server_pids), cpu_seconds(), machine_busy_seconds(), time.perf_counter(),
                     cpu_seconds_of("postgres"), cpu_seconds_of("beam.smp"))
            wall = after[3] - before[3]
            served = max(result["accepted"], 1)
            result["cpu"] = (f"CPU per response: surveys {1000 * (after[0] - before[0]) / served:.2f} ms, "
                             f"load generator + counter {1000 * (after[1] - before[1]) / served:.2f} ms, "
                             f"PostgreSQL {_per(after[4] - before[4], served)}, RabbitMQ {_per(after[5] - before[5], served)} "
                             f"(these two include other users of the servers; n/a when their backends exited); "
                             f"busy cores: surveys {(after[0] - before[0]) / wall:.2f}, bench {(after[1] - before[1]) / wall:.2f}, "
                             f"whole machine {(after[2] - before[2]) / wall:.2f} of {os.cpu_count()}")
            results.append(result)
            print(f"run {run}: {result['accepted']} accepted ({result['errors']} errors) → {result['rate']:.0f} responses/s, "
                  f"submit p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; consumed {result['consumed']}, "
                  f"lost {result['lost']} (drained in {result['drain_s']:.1f}s; end to end {result['end_to_end']:.0f} events/s at the consumer)\n       {result['cpu']}\n"
                  f"       load average at the end of the run: {load_average()}", flush=True)
        print(f"median: {statistics.median(r['rate'] for r in results):.0f} responses/s accepted, "
              f"{statistics.median(r['end_to_end'] for r in results):.0f} events/s end to end (consumed / (run + drain)), "
              f"submit p99 {statistics.median(r['p99_ms'] for r in results):.1f} ms, "
              f"lost {sum(r['lost'] for r in results)}, duplicates at the consumer {counter.duplicates}")
    finally:
        if connection is not None:
            await connection.close()
        for process in extra:
            process.terminate()
            process.wait(15)
        system.stop_all()
        await drop_databases(args.postgres, databases)
        delete_vhost(vhost)


try:
    import uvloop as _uvloop
except ImportError:  # pragma: no cover - uvloop is a dependency; plain asyncio still works
    _uvloop = None

if __name__ == "__main__":
    if _uvloop is not None:
        _uvloop.run(main())
    else:
        asyncio.run(main())
