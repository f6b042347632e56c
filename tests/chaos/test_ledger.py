"""The chaos-ledger scenarios (issue 16): the four services as separate processes on a private
RabbitMQ node and PostgreSQL cluster, satisfaction questionnaires submitted at a steady rate, one
fault in the middle. Afterwards every questionnaire the HTTP API accepted is named by exactly one
region announcement (reports.indicators.updated.v1: caused_by / also_caused_by) and counted once
by the region's indicators — with no operator action: no DLQ replay, no restart but the fault's
own. /ready and `nastavnik status` tell the truth during the fault and are all green after it.

Short by default (CI); NASTAVNIK_CHAOS_RATE, _DURATION, _FAULT_AT, _FAULT_FOR and _SETTLE make a
longer campaign (docs/developing.md, "Chaos scenarios")."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aio_pika
import httpx
import pytest

from shared.contracts.envelope import new_envelope
from shared.contracts.surveys import ResponseCompleted

from nastavnik.processes import ServiceProcesses
from nastavnik.scenario import RegionScenario
from tests.chaos.conftest import Servers
from tests.chaos.ledger import Load, Observer, Verdict, region_counter, settle
from tests.conftest import SECRET

RATE = float(os.environ.get("NASTAVNIK_CHAOS_RATE", "20"))
DURATION = float(os.environ.get("NASTAVNIK_CHAOS_DURATION", "20"))
FAULT_AT = float(os.environ.get("NASTAVNIK_CHAOS_FAULT_AT", "5"))
FAULT_FOR = float(os.environ.get("NASTAVNIK_CHAOS_FAULT_FOR", "5"))
SETTLE = float(os.environ.get("NASTAVNIK_CHAOS_SETTLE", "120"))
# pytest-timeout's 300 s holds for the short CI figures; a longer campaign gets what it needs
pytestmark = [pytest.mark.chaos, pytest.mark.timeout(int(DURATION + SETTLE + 300))]


@dataclass
class Readiness:
    """/ready of every service, polled twice a second: which ones were ever not ready."""

    processes: ServiceProcesses
    not_ready: dict[str, int] = field(default_factory=dict)
    reasons: set[str] = field(default_factory=set)

    async def watch(self) -> None:
        async with httpx.AsyncClient(timeout=5) as client:  # /ready itself waits up to 3 s for the broker's answer
            while True:
                await asyncio.gather(*(self._probe(client, name, port) for name, port in self.processes.ports.items()))
                await asyncio.sleep(0.5)

    async def _probe(self, client: httpx.AsyncClient, name: str, port: int) -> None:
        try:
            response = await client.get(f"http://127.0.0.1:{port}/ready")
        except httpx.TransportError:  # killed, or not answering: not ready either
            self.not_ready[name] = self.not_ready.get(name, 0) + 1
            return
        if response.status_code != 200:
            self.not_ready[name] = self.not_ready.get(name, 0) + 1
            self.reasons.update(f"{name}: {k}" for k, ok in response.json().get("checks", {}).items() if not ok)


def status_exit_code(processes: ServiceProcesses) -> tuple[int, str]:
    """`nastavnik status` against the running processes (no management API: the services' answers)."""
    services = ",".join(f"{name}=http://127.0.0.1:{port}" for name, port in processes.ports.items())
    result = subprocess.run([sys.executable, "-m", "nastavnik", "status", "--services", services, "--management-url", "",
                             "--rabbitmq-url", processes.broker_url], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


def kill(processes: ServiceProcesses, name: str) -> None:
    process = processes.processes.pop(name)
    process.kill()  # kill -9: no shutdown, whatever was in flight is cut
    process.wait(10)


async def publish(url: str, envelope_json: str, message_id: str, routing_key: str) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("nastavnik.events")
        await exchange.publish(aio_pika.Message(envelope_json.encode(), message_id=message_id, content_type="application/json",
                                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=routing_key)


async def metric(processes: ServiceProcesses, name: str, family: str) -> float:
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(f"http://127.0.0.1:{processes.ports[name]}/metrics")).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(family) and not line.startswith("#") and line.split("{")[0].split(" ")[0] in (family, f"{family}_total"))


Fault = Callable[["Chaos"], Awaitable[None]]


REGION: dict[str, object] = {}  # the region the shared processes hold: loaded by the first scenario


@dataclass
class Chaos:
    servers: Servers
    processes: ServiceProcesses
    extra_events: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: tuple[int, str] = (0, "")  # `nastavnik status` during the fault, when the scenario asks

    async def run(self, name: str, fault: Fault | None) -> None:
        await self.processes.wait_ready(120)  # a scenario before may have failed mid-fault
        observer = Observer()
        await observer.start(self.processes.broker_url)
        readiness = Readiness(self.processes)
        async with self.processes.client() as client:
            if not REGION:
                scenario = RegionScenario(client, SECRET, "test-region")
                REGION.update(scenario=scenario, region=await scenario.load(schools=1, surveys=False))
            self.scenario, self.region = REGION["scenario"], REGION["region"]
            base = await region_counter(client, self.scenario, self.region.academic_year)
            load = Load(self.scenario, self.region, f"http://127.0.0.1:{self.processes.ports['surveys']}", RATE, DURATION)
            watcher = asyncio.create_task(readiness.watch())
            began = time.monotonic()
            try:
                await asyncio.gather(load.run(), self._fault_at(fault))
                loaded = time.monotonic()
                responses = list(load.accepted.values())
                result = await settle(observer, client, self.scenario, self.region.academic_year, responses, SETTLE,
                                      tuple(self.extra_events), base or 0.0)
                settled = time.monotonic() - loaded
            finally:
                watcher.cancel()
                await observer.stop()
        await self.processes.wait_ready(60)
        code, text = status_exit_code(self.processes)
        self.readiness = readiness
        row = self._report(name, load, responses, result, settled, time.monotonic() - began)
        assert not load.answered_twice, f"a submission key answered with two responses: {load.answered_twice[:3]}"
        assert not load.refused, load.refused[:5]
        assert len(responses) == int(RATE * DURATION)
        assert result.exact, row + f"\nlost {result.lost[:5]} twice {result.twice[:5]} unannounced {result.not_completed[:5]}"
        assert code == 0, text  # recovered: every service ready again, no operator needed

    def _report(self, name: str, load: Load, responses: list[str], result: Verdict, settled: float, took: float) -> str:
        """The scenario's line (printed; with NASTAVNIK_CHAOS_TABLE also a JSON line for bench/chaos_ledger.py)."""
        readiness = self.readiness
        row = (f"{name:<22} accepted {len(responses):>4} (+{len(self.extra_events)} by hand)  retried {load.retried:>4}  "
               f"counter {result.counter}  lost {len(result.lost)}  twice {len(result.twice)}  "
               f"unannounced {len(result.not_completed)}  settled {settled:.1f} s after the load ({took:.0f} s in all)  "
               f"not ready: {readiness.not_ready or '-'} {sorted(readiness.reasons) or ''} {' '.join(self.notes)}")
        print(row)
        if os.environ.get("NASTAVNIK_CHAOS_TABLE"):
            with open(os.environ["NASTAVNIK_CHAOS_TABLE"], "a", encoding="utf-8") as table:
                table.write(json.dumps({
                    "scenario": name, "accepted": len(responses), "by_hand": len(self.extra_events), "retried": load.retried,
                    "counter": result.counter, "lost": len(result.lost), "twice": len(result.twice), "settled_s": round(settled, 1),
                    "not_ready": sorted(readiness.reasons) or [f"{n}: no answer" for n in sorted(readiness.not_ready)],
                }, ensure_ascii=False) + "\n")
        return row

    async def _fault_at(self, fault: Fault | None) -> None:
        if fault is not None:
            await asyncio.sleep(FAULT_AT)
            await fault(self)


async def test_baseline(servers, system) -> None:
    await Chaos(servers, system).run("baseline", None)


async def test_reports_killed_and_restarted(servers, system) -> None:
    async def fault(chaos: Chaos) -> None:
        kill(chaos.processes, "reports")
        await asyncio.sleep(FAULT_FOR)
        chaos.processes.start("reports")

    await Chaos(servers, system).run("kill -9 reports", fault)


async def test_surveys_killed_and_restarted(servers, system) -> None:
    """The producer: submits in flight are cut; the load generator retries them with the same key."""
    async def fault(chaos: Chaos) -> None:
        kill(chaos.processes, "surveys")
        await asyncio.sleep(FAULT_FOR)
        chaos.processes.start("surveys")

    await Chaos(servers, system).run("kill -9 surveys", fault)


async def test_broker_node_killed_and_restarted(servers, system) -> None:
    async def fault(chaos: Chaos) -> None:
        await asyncio.to_thread(chaos.servers.rabbit.kill)
        await asyncio.sleep(FAULT_FOR)
        await asyncio.to_thread(chaos.servers.rabbit.start)

    chaos = Chaos(servers, system)
    await chaos.run("kill -9 broker node", fault)
    assert {"surveys: broker", "reports: broker"} <= chaos.readiness.reasons


async def test_postgres_restarted_immediately(servers, system) -> None:
    async def fault(chaos: Chaos) -> None:
        await asyncio.to_thread(chaos.servers.postgres.stop_immediate)
        await asyncio.sleep(FAULT_FOR)
        await asyncio.to_thread(chaos.servers.postgres.start)

    chaos = Chaos(servers, system)
    await chaos.run("PostgreSQL -m immediate", fault)
    assert {"surveys: database", "reports: database"} <= chaos.readiness.reasons


async def test_broker_memory_alarm(servers, system) -> None:
    """While the alarm blocks publishing, /ready answers 503 and `nastavnik status` exits non-zero."""
    seen: dict[str, dict] = {}  # service → its first 503 answer during the alarm

    async def fault(chaos: Chaos) -> None:
        await asyncio.to_thread(chaos.servers.rabbit.memory_alarm, True)
        ends = time.monotonic() + FAULT_FOR
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                while time.monotonic() < ends and len(seen) < 2:
                    for name in ("surveys", "reports"):  # the two that publish under this load
                        answer = await client.get(f"http://127.0.0.1:{chaos.processes.ports[name]}/ready")
                        if answer.status_code == 503:
                            seen.setdefault(name, answer.json())
                    await asyncio.sleep(0.2)
            chaos.status = await asyncio.to_thread(status_exit_code, chaos.processes)
            await asyncio.sleep(max(0.0, ends - time.monotonic()))
            for name in ("surveys", "reports"):  # what each had waiting when the alarm was lifted
                pending = await metric(chaos.processes, name, "nastavnik_outbox_pending_events")
                chaos.notes.append(f"{name}: outbox {pending:g}, 503 {'yes' if name in seen else 'no'}")
        finally:
            await asyncio.to_thread(chaos.servers.rabbit.memory_alarm, False)

    chaos = Chaos(servers, system)
    await chaos.run("broker memory alarm", fault)
    assert seen, "every service stayed ready while the broker blocked publishing"
    assert all(answer["checks"]["broker"] is False and "blocks publishing" in answer["reasons"]["broker"] for answer in seen.values()), seen
    code, text = chaos.status
    assert code != 0 and "NOT READY" in text, text


async def test_poison_unknown_school_and_a_completion_published_three_times(servers, system) -> None:
    """Under load: a malformed completion goes to reports' DLQ and is counted; a completion of a
    school reports has not heard of is parked, then applied when the school is registered; one
    completion published three times (same id) counts once."""
    checks: dict[str, float] = {}

    async def fault(chaos: Chaos) -> None:
        url, year, school = chaos.processes.broker_url, chaos.region.academic_year, chaos.region.schools[0].id

        def completion(school_id: str, response_id: str) -> ResponseCompleted:
            return ResponseCompleted(response_id=response_id, instrument={"code": "satisfaction_mentee", "version": 1},
                                     respondent_id="chaos-person", respondent_role="mentee", school_id=school_id,
                                     academic_year=year, scores={"satisfaction": 7})

        poison = json.loads(new_envelope("surveys", completion(school, "chaos-poison")).model_dump_json())
        poison["data"]["scores"] = {"satisfaction": "seven"}
        await publish(url, json.dumps(poison), poison["id"], poison["type"])
        late = new_envelope("surveys", completion("chaos-late-school", "chaos-late"))
        await publish(url, late.model_dump_json(), late.id, late.type)
        triple = new_envelope("surveys", completion(school, "chaos-triple"))
        for _ in range(3):
            await publish(url, triple.model_dump_json(), triple.id, triple.type)
        chaos.extra_events += [late.id, triple.id]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (checks.get("parked") and checks.get("dead_lettered")):
            checks["parked"] = await metric(chaos.processes, "reports", "reports_events_parked")
            checks["dead_lettered"] = await metric(chaos.processes, "reports", "nastavnik_events_dead_lettered")
            await asyncio.sleep(0.5)
        async with chaos.processes.client() as client:
            response = await client.post("/registry/api/v1/schools", headers={"Authorization": f"Bearer {chaos.scenario.admin}"},
                                         json={"school_id": "chaos-late-school", "name": "Школа, о которой узнали позже",
                                               "municipality_id": "mun-north", "municipality_name": "Северный район"})
            assert response.status_code == 201, response.text

    chaos = Chaos(servers, system)
    await chaos.run("poison/unknown/3x", fault)
    assert checks["dead_lettered"] >= 1 and checks["parked"] >= 1, checks
    assert await metric(system, "reports", "reports_events_parked") == 0  # released when the school arrived
    connection = await aio_pika.connect(system.broker_url)
    async with connection:
        dlq = await (await connection.channel()).declare_queue("reports.surveys.response.completed.v1.dlq", passive=True)
        assert dlq.declaration_result.message_count == 1

