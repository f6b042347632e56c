"""The yardstick of issue 19: a bare reference of the chain's work for one completed
questionnaire, and the CPU per completion of the reference and of the real chain, measured
back to back in one run on the same machine at the same rate.

The reference is the least code that does what the chain does — not a product:
- an HTTP endpoint (uvicorn + starlette) that checks the respondent's bearer token, validates
  and scores the answers, and stores the response and its outbox row in one PostgreSQL
  transaction (asyncpg), the submission id making a retry harmless;
- a relay in the same process publishing the outbox with publisher confirms (aio-pika);
- a consumer process that upserts the school's, the municipality's and the region's counters
  with an inbox row and the three indicator updates' outbox rows in one transaction, then
  publishes the updates with confirms.
The real chain is the four services as separate processes (bench/indicator_lag.py, steady
scenario), the region's schools loaded through the APIs before the clock starts.

For each chain: CPU seconds per completion of every process (the chain's processes,
PostgreSQL's and RabbitMQ's, the load generator), from /proc, over the load and until the
last region update is observed; the ratio real / reference of the chain's total (the load
generator excluded: the same on both sides). Medians over --runs.

    .venv/bin/python bench/reference_chain.py --rate 100 --duration 20 --runs 3

Needs RabbitMQ and PostgreSQL (NASTAVNIK_TEST_RABBITMQ_URL / NASTAVNIK_TEST_POSTGRES_URL or
the options); creates and drops its own vhosts and databases."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COMPLETED = "surveys.response.completed.v1"
UPDATED = "reports.indicators.updated.v1"
EXCHANGE = "reference.events"
ITEMS = ("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met")
SECRET = "reference-secret-of-sufficient-length-32b"
SCHEMA = """
CREATE TABLE ref_respondent (id text PRIMARY KEY, school_id text NOT NULL, municipality_id text NOT NULL);
CREATE TABLE ref_response (id uuid PRIMARY KEY, submission_id text UNIQUE NOT NULL, respondent_id text NOT NULL,
                           school_id text NOT NULL, score double precision NOT NULL, answers jsonb NOT NULL,
                           created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE ref_outbox (seq bigserial PRIMARY KEY, id uuid UNIQUE NOT NULL, routing_key text NOT NULL, body text NOT NULL,
                         sent_at timestamptz);
CREATE INDEX ref_outbox_unsent ON ref_outbox (seq) WHERE sent_at IS NULL;
CREATE TABLE ref_inbox (message_id uuid PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE ref_counter (scope text, scope_id text, completions bigint NOT NULL, score_sum double precision NOT NULL,
                          PRIMARY KEY (scope, scope_id));
"""


def envelope(event_type: str, data: dict) -> dict:
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/reference", "type": event_type,
            "time": datetime.now(UTC).isoformat(), "datacontenttype": "application/json", "data": data}


# -- the outbox relay both reference processes use -------------------------------------------


class Relay:
    def __init__(self, pool, exchange) -> None:
        self.pool, self.exchange, self.wake = pool, exchange, asyncio.Event()

    async def run(self) -> None:
        import aio_pika

        while True:
            await self.wake.wait()
            self.wake.clear()
            while True:
                async with self.pool.acquire() as conn, conn.transaction():
                    rows = await conn.fetch("SELECT id, routing_key, body FROM ref_outbox WHERE sent_at IS NULL "
                                            "ORDER BY seq LIMIT 200 FOR UPDATE SKIP LOCKED")
                    if not rows:
                        break
                    await asyncio.gather(*(self.exchange.publish(
                        aio_pika.Message(row["body"].encode(), message_id=str(row["id"]), content_type="application/json",
                                         delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=row["routing_key"])
                        for row in rows))
                    await conn.execute("UPDATE ref_outbox SET sent_at = now() WHERE id = ANY($1::uuid[])", [row["id"] for row in rows])


async def connect(db_url: str, amqp_url: str):
    import aio_pika
    import asyncpg

    pool = await asyncpg.create_pool(db_url, min_size=2, max_size=10)
    connection = await aio_pika.connect_robust(amqp_url)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(EXCHANGE)
    return pool, connection, channel, exchange


# -- the reference's HTTP process --------------------------------------------------------------


def api_main(db_url: str, amqp_url: str, port: int) -> None:
    import jwt
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    state: dict = {}

    async def submit(request: Request) -> JSONResponse:
        try:
            claims = jwt.decode(request.headers.get("authorization", "")[7:], SECRET, algorithms=["HS256"])
            body = await request.json()
        except (jwt.PyJWTError, ValueError):
            return JSONResponse({"detail": "unauthorized or not JSON"}, 400)
        answers, respondent = body.get("answers"), body.get("respondent_id")
        if claims.get("sub") != respondent:
            return JSONResponse({"detail": "not your questionnaire"}, 403)
        if not isinstance(answers, dict) or set(answers) != set(ITEMS) or not all(
                isinstance(v, int) and 1 <= v <= 10 for v in answers.values()):
            return JSONResponse({"detail": "answers: five ratings 1..10"}, 422)
        score = sum(answers.values()) / len(ITEMS)
        response_id = uuid.uuid4()
        async with state["pool"].acquire() as conn, conn.transaction():
            school = await conn.fetchrow("SELECT school_id, municipality_id FROM ref_respondent WHERE id = $1", respondent)
            if school is None:
                return JSONResponse({"detail": "unknown respondent"}, 404)
            stored = await conn.fetchval(
                "INSERT INTO ref_response (id, submission_id, respondent_id, school_id, score, answers) "
                "VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (submission_id) DO NOTHING RETURNING id",
                response_id, str(body.get("submission_id")), respondent, school["school_id"], score, json.dumps(answers))
            if stored is None:  # a retry: the stored response
                row = await conn.fetchrow("SELECT id, score FROM ref_response WHERE submission_id = $1", str(body.get("submission_id")))
                return JSONResponse({"id": str(row["id"]), "score": row["score"]}, 200)
            event = envelope(COMPLETED, {"response_id": str(response_id), "school_id": school["school_id"],
                                         "municipality_id": school["municipality_id"], "score": score})
            await conn.execute("INSERT INTO ref_outbox (id, routing_key, body) VALUES ($1, $2, $3)",
                               uuid.UUID(event["id"]), COMPLETED, json.dumps(event))
        state["relay"].wake.set()
        return JSONResponse({"id": str(response_id), "score": score}, 201)

    async def lifespan(_app):
        pool, connection, _channel, exchange = await connect(db_url, amqp_url)
        state["pool"], state["relay"] = pool, Relay(pool, exchange)
        task = asyncio.create_task(state["relay"].run())
        yield
        task.cancel()
        await connection.close()
        await pool.close()

    from contextlib import asynccontextmanager

    app = Starlette(routes=[Route("/responses", submit, methods=["POST"])], lifespan=asynccontextmanager(lifespan))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# -- the reference's consumer process ------------------------------------------------------------


async def consumer_main(db_url: str, amqp_url: str, prefetch: int) -> None:
    pool, connection, channel, exchange = await connect(db_url, amqp_url)
    relay = Relay(pool, exchange)
    relay_task = asyncio.create_task(relay.run())  # noqa: F841 - runs until the process ends
    await channel.set_qos(prefetch_count=prefetch)
    queue = await channel.get_queue("reference.reports.completed")

    async def on_message(message) -> None:
        async with message.process(requeue=True):
            event = json.loads(message.body)
            data = event["data"]
            async with pool.acquire() as conn, conn.transaction():
                fresh = await conn.fetchval("INSERT INTO ref_inbox (message_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING message_id",
                                            uuid.UUID(event["id"]))
                if fresh is None:
                    return
                scopes = [("school", data["school_id"]), ("municipality", data["municipality_id"]), ("region", "region")]
                counters = await conn.fetch(
                    "INSERT INTO ref_counter SELECT scope, scope_id, 1, $3 FROM unnest($1::text[], $2::text[]) AS t(scope, scope_id) "
                    "ON CONFLICT (scope, scope_id) DO UPDATE SET completions = ref_counter.completions + 1, "
                    "score_sum = ref_counter.score_sum + EXCLUDED.score_sum RETURNING scope, scope_id, completions, score_sum",
                    [scope for scope, _ in scopes], [scope_id for _, scope_id in scopes], data["score"])
                updates = [envelope(UPDATED, {"scope": row["scope"], "scope_id": row["scope_id"], "completions": row["completions"],
                                              "satisfaction": row["score_sum"] / row["completions"], "caused_by": event["id"]})
                           for row in counters]
                await conn.executemany("INSERT INTO ref_outbox (id, routing_key, body) VALUES ($1, $2, $3)",
                                       [(uuid.UUID(u["id"]), UPDATED, json.dumps(u)) for u in updates])
            relay.wake.set()

    await queue.consume(on_message)
    await asyncio.Future()


# -- the harness ----------------------------------------------------------------------------------


async def reference_run(args, rate: float) -> dict:
    import aio_pika
    import asyncpg
    import jwt

    from bench.indicator_lag import spent
    from bench.load import Outcome, Poster, cpu_by_pid, cpu_seconds, load_average
    from nastavnik.processes import create_databases, create_vhost, delete_vhost, drop_databases

    vhost = create_vhost(args.rabbitmq_url, args.management_url)
    databases = await create_databases(args.postgres_url, ["reference"], migrate=False)  # its own SCHEMA below
    db_url = databases["reference"]
    respondents = {f"r-{s}-{p}": (f"school-{s}", f"municipality-{s % 2}") for s in range(3) for p in range(3)}
    conn = await asyncpg.connect(db_url)
    await conn.execute(SCHEMA)
    await conn.executemany("INSERT INTO ref_respondent VALUES ($1, $2, $3)", [(r, s, m) for r, (s, m) in respondents.items()])
    await conn.close()
    broker = await aio_pika.connect_robust(vhost)
    channel = await broker.channel()
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue("reference.reports.completed", durable=True)
    await queue.bind(exchange, COMPLETED)
    seen: dict[str, float] = {}
    completed: dict[str, str] = {}
    observed = await channel.declare_queue(exclusive=True, auto_delete=True)
    await observed.bind(exchange, UPDATED)
    await observed.bind(exchange, COMPLETED)

    async def observe(message) -> None:
        body = json.loads(message.body)
        if body["type"] == COMPLETED:
            completed[body["id"]] = body["data"]["response_id"]
        elif body["data"]["scope"] == "region":
            seen.setdefault(body["data"]["caused_by"], time.perf_counter())

    await observed.consume(observe, no_ack=True)
    port = 18700 + os.getpid() % 1000
    me = str(Path(__file__).resolve())
    children = {
        "reference api": subprocess.Popen([sys.executable, me, "api", "--db", db_url, "--amqp", vhost, "--port", str(port)]),
        "reference consumer": subprocess.Popen([sys.executable, me, "consumer", "--db", db_url, "--amqp", vhost, "--prefetch", str(args.prefetch)]),
    }
    try:
        await wait_for_port(port)
        tokens = {r: jwt.encode({"sub": r, "exp": int(time.time()) + 3600}, SECRET, algorithm="HS256") for r in respondents}
        names = list(respondents)
        outcome, accepted = Outcome(), []
        async with Poster([f"http://127.0.0.1:{port}"], args.connections) as poster:
            def cpu() -> dict:
                figures: dict = {name: cpu_seconds(child.pid) for name, child in children.items()}
                figures.update(postgres=cpu_by_pid("postgres"), rabbitmq=cpu_by_pid("beam.smp"), bench=cpu_seconds())
                return figures

            before = cpu()
            start, total, tasks = time.perf_counter(), int(rate * args.duration), []

            async def one(i: int) -> None:
                respondent = names[i % len(names)]
                answer = await poster.post("/responses", {
                    "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_id": respondent,
                    "answers": {c: 1 + (i + k) % 10 for k, c in enumerate(ITEMS)}, "submission_id": f"bench-{uuid.uuid4().hex}",
                }, tokens[respondent], outcome)
                if answer is not None:
                    accepted.append(answer["id"])

            for i in range(total):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(i)))
            await asyncio.gather(*tasks)
            deadline = time.perf_counter() + 120
            while time.perf_counter() < deadline and len(seen) < len(accepted):
                await asyncio.sleep(0.2)
            after = cpu()
        return {"chain": "reference", "rate": rate, "completions": len(accepted), "reflected": len(seen), "errors": outcome.errors,
                "load_average": load_average(), "cpu_ms_per_completion": per_completion(spent(before, after), len(accepted))}
    finally:
        for child in children.values():
            child.terminate()
        for child in children.values():
            child.wait(10)
        await broker.close()
        await drop_databases(args.postgres_url, databases)
        delete_vhost(vhost, args.management_url)


async def real_run(args, rate: float) -> dict:
    from bench.indicator_lag import run_once

    result = await run_once(args, "steady", rate)
    cpu = per_completion(result["cpu_seconds"], result["completions"])  # over the load and its drain
    return {"chain": "real", "rate": rate, "completions": result["completions"], "reflected": result["completions"] - result["lost"],
            "errors": result["submit_errors"], "load_average": result["load_average"], "cpu_ms_per_completion": cpu}


def per_completion(seconds: dict[str, float], completions: int) -> dict[str, float]:
    return {name: 1000 * value / max(1, completions) for name, value in seconds.items()}


def chain_total(figures: dict[str, float]) -> float:
    return sum(value for name, value in figures.items() if name != "bench")


async def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the reference API did not listen on {port}")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


async def harness(args) -> None:
    print(f"conditions: {cpu_model()}, {os.cpu_count()} CPUs, {args.rate:g} completions/s for {args.duration:g} s per chain, "
          f"{args.runs} runs, load average at start {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
    ratios = []
    for run in range(args.runs):
        reference = await reference_run(args, args.rate)
        real = await real_run(args, args.rate)
        ratio = chain_total(real["cpu_ms_per_completion"]) / chain_total(reference["cpu_ms_per_completion"])
        ratios.append(ratio)
        for result in (reference, real):
            figures = {k: round(v, 2) for k, v in result["cpu_ms_per_completion"].items()}
            print(json.dumps({"run": run + 1, **{k: v for k, v in result.items() if k != "cpu_ms_per_completion"},
                              "cpu_ms_per_completion": figures, "chain_total_ms": round(chain_total(result["cpu_ms_per_completion"]), 2)},
                             ensure_ascii=False), flush=True)
        print(f"run {run + 1}: real chain / reference = {ratio:.2f}x CPU per completion", flush=True)
    print(f"== median ratio over {args.runs} runs: {statistics.median(ratios):.2f}x (target ≤ 2x)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="role")
    api = sub.add_parser("api")
    consumer = sub.add_parser("consumer")
    for child in (api, consumer):
        child.add_argument("--db", required=True)
        child.add_argument("--amqp", required=True)
    api.add_argument("--port", type=int, required=True)
    consumer.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--rate", type=float, default=100, help="completions per second")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per chain")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prefetch", type=int, default=64)
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--rabbitmq-url", default=os.environ.get("NASTAVNIK_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--postgres-url", default=os.environ.get("NASTAVNIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--management-url", default=None)
    # the real chain runs through bench/indicator_lag.py: one node, one replica of each service
    parser.set_defaults(replicas=1, cluster=False, kill=False)
    args = parser.parse_args()
    if args.role == "api":
        api_main(args.db, args.amqp, args.port)
    elif args.role == "consumer":
        asyncio.run(consumer_main(args.db, args.amqp, args.prefetch))
    else:
        asyncio.run(harness(args))


if __name__ == "__main__":
    main()
