"""Chain latency: from a completed questionnaire (the submit call) to the
`reports.indicators.updated.v1` of the region that reflects it.

The four services run as separate OS processes (`python -m nastavnik serve …`) on a real
RabbitMQ (a fresh vhost) and PostgreSQL (fresh databases). A small region is loaded through the
APIs, then mentee satisfaction questionnaires are submitted through the surveys HTTP API at a
steady rate. A bench queue bound to `surveys.response.completed.v1` and
`reports.indicators.updated.v1` matches each regional update's `caused_by` to the completion
event, and that to the submit time.

    .venv/bin/python bench/chain_latency.py --rate 20 --duration 30 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import aio_pika

from shared.auth import issue_token

from nastavnik.processes import ServiceProcesses, create_databases, create_vhost, delete_vhost, drop_databases
from nastavnik.scenario import RegionScenario

SECRET = "bench-secret-of-sufficient-length-0123456789"
ANSWERS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def one_run(args: argparse.Namespace) -> dict[str, float]:
    vhost = create_vhost(args.rabbitmq_url)
    databases = await create_databases(args.postgres_url)
    log_dir = Path(tempfile.mkdtemp(prefix="nastavnik-bench-"))
    system = ServiceProcesses(vhost, databases, log_dir, SECRET)
    system.start_all()
    connection = None
    try:
        await system.wait_ready()
        connection = await aio_pika.connect_robust(vhost)
        channel = await connection.channel()
        exchange = await channel.declare_exchange("nastavnik.events", aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(exclusive=True)
        for key in ("surveys.response.completed.v1", "reports.indicators.updated.v1"):
            await queue.bind(exchange, key)
        completed_at_event: dict[str, str] = {}  # completion event id → response id
        regional_update: dict[str, float] = {}  # completion event id → when its regional update arrived

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                body = json.loads(message.body)
                if body["type"] == "surveys.response.completed.v1":
                    completed_at_event[body["id"]] = body["data"]["response_id"]
                elif body["data"]["scope"] == "region":
                    for cause in (body["data"]["caused_by"], *body["data"].get("also_caused_by", ())):
                        regional_update.setdefault(cause, time.perf_counter())

        await queue.consume(on_message)
        async with system.client() as client:
            scenario = RegionScenario(client, SECRET, "test-region")
            region = await scenario.load(schools=1, surveys=False)
            school = region.schools[0]
            mentees = [school.people["t-02"], school.people["t-03"]]
            for external_id in ("t-02", "t-03"):  # warm-up, retried until surveys has heard of their enrolment
                await scenario.satisfaction(school, external_id, "satisfaction_mentee", 8)
            tokens = {m: issue_token(SECRET, sub=m, role="mentee", scope="school", scope_id=school.id, ttl=timedelta(hours=2)) for m in mentees}
            submitted: dict[str, float] = {}  # response id → submit start
            call_times: list[float] = []

            async def submit(i: int) -> None:
                mentee = mentees[i % len(mentees)]
                start = time.perf_counter()
                response = await client.post("/surveys/api/v1/responses", headers={"Authorization": f"Bearer {tokens[mentee]}"}, json={
                    "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": mentee,
                    "answers": ANSWERS, "submission_id": f"bench-{uuid.uuid4()}"})
                call_times.append(time.perf_counter() - start)
                response.raise_for_status()
                submitted[response.json()["id"]] = start

            total = int(args.rate * args.duration)
            began = time.perf_counter()
            tasks = []
            for i in range(total):
                delay = began + i / args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(submit(i)))
            await asyncio.gather(*tasks)
            deadline = time.perf_counter() + 60
            while time.perf_counter() < deadline:
                matched = sum(1 for e, r in completed_at_event.items() if r in submitted and e in regional_update)
                if matched >= total:
                    break
                await asyncio.sleep(0.2)
        lags = [regional_update[e] - submitted[r] for e, r in completed_at_event.items() if r in submitted and e in regional_update]
        return {
            "submitted": total,
            "reflected": len(lags),
            "p50_s": statistics.median(lags),
            "p99_s": percentile(lags, 99),
            "max_s": max(lags),
            "submit_p99_s": percentile(call_times, 99),
        }
    finally:
        if connection:
            await connection.close()
        system.stop_all()
        await drop_databases(args.postgres_url, databases)
        delete_vhost(vhost)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20, help="completions per second")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rabbitmq-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    results = []
    for run in range(1, args.runs + 1):
        result = await one_run(args)
        results.append(result)
        print(f"run {run}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in result.items()), flush=True)
    print(f"median of {args.runs} runs at {args.rate:g}/s for {args.duration:g}s: "
          f"p50={statistics.median(r['p50_s'] for r in results) * 1000:.0f} ms, "
          f"p99={statistics.median(r['p99_s'] for r in results) * 1000:.0f} ms, "
          f"reflected={min(r['reflected'] for r in results)}/{results[0]['submitted']}")


if __name__ == "__main__":
    asyncio.run(main())
