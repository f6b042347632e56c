"""The ledger of the chaos scenarios: every questionnaire the surveys HTTP API accepted (2xx),
and what the reports service made of it.

- `Load` submits satisfaction questionnaires at a steady rate (open loop, as bench/indicator_lag.py);
  a submit that fails (5xx, connection refused or cut) is retried with the same submission key,
  as a respondent's browser would, until it is accepted or `give_up` seconds have passed.
- `Observer` is a durable queue of its own on the events exchange (it survives a broker node
  killed): every `surveys.response.completed.v1` (response id → event id) and every
  `reports.indicators.updated.v1` of scope region (its id → caused_by + also_caused_by).
- `verdict()` compares them: each accepted response must be named by exactly one distinct region
  announcement (0 lost, 0 twice), and the region's answer counter must equal the ledger."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aio_pika
import httpx

from shared.messaging.topology import EVENTS_EXCHANGE_NAME

from nastavnik.scenario import Region, RegionScenario

COMPLETED = "surveys.response.completed.v1"
UPDATED = "reports.indicators.updated.v1"
CRITERIA = ("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met")


class Observer:
    def __init__(self) -> None:
        self.completed: dict[str, set[str]] = {}  # response id → completed event ids
        self.region_updates: dict[str, list[str]] = {}  # region announcement id → the events it names
        self.deliveries = 0

    async def start(self, url: str) -> None:
        self.connection = await aio_pika.connect_robust(url, reconnect_interval=1)
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=500)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
        queue = await channel.declare_queue(f"chaos.ledger.{uuid.uuid4().hex[:8]}", durable=True)
        for key in (COMPLETED, UPDATED):
            await queue.bind(exchange, routing_key=key)
        await queue.consume(self._on_message)

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        body = json.loads(message.body)
        data = body["data"]
        self.deliveries += 1
        if body["type"] == COMPLETED:
            self.completed.setdefault(data["response_id"], set()).add(body["id"])
        elif data.get("scope") == "region":
            # keyed by the announcement's own id: the same announcement delivered twice is one
            self.region_updates[body["id"]] = [data["caused_by"], *data.get("also_caused_by", ())]
        await message.ack()

    def causes(self) -> Counter[str]:
        return Counter(cause for causes in self.region_updates.values() for cause in causes)

    async def stop(self) -> None:
        await self.connection.close()


@dataclass
class Load:
    """Satisfaction questionnaires of the region's teachers, `rate` per second for `duration` s."""

    scenario: RegionScenario
    region: Region
    surveys_url: str
    rate: float
    duration: float
    give_up: float = float(os.environ.get("NASTAVNIK_CHAOS_GIVE_UP", "120"))
    accepted: dict[str, str] = field(default_factory=dict)  # submission key → response id
    answered_twice: list[str] = field(default_factory=list)  # a key answered with two response ids
    retried: int = 0
    refused: list[str] = field(default_factory=list)  # given up or answered 4xx

    async def run(self) -> None:
        respondents = [(s, ext) for s in self.region.schools for ext in ("t-01", "t-02", "t-03")]
        async with httpx.AsyncClient(base_url=self.surveys_url, timeout=30,
                                     limits=httpx.Limits(max_connections=100)) as client:
            start = time.monotonic()
            tasks = []
            for i in range(int(self.rate * self.duration)):
                delay = start + i / self.rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                school, ext = respondents[i % len(respondents)]
                tasks.append(asyncio.create_task(self.submit(client, school, ext, i)))
            await asyncio.gather(*tasks)

    async def submit(self, client: httpx.AsyncClient, school, ext: str, i: int) -> None:
        mentor = ext == "t-01"
        person = school.people[ext]
        token = self.scenario.token(person, "mentor" if mentor else "mentee", "school", school.id)
        key = f"chaos-{uuid.uuid4().hex}"
        body = {"instrument": {"code": "satisfaction_mentor" if mentor else "satisfaction_mentee", "version": 1},
                "respondent_id": person, "answers": dict.fromkeys(CRITERIA, 1 + i % 10), "submission_id": key}
        deadline, pause = time.monotonic() + self.give_up, 0.5
        while True:
            try:
                response = await client.post("/surveys/api/v1/responses", json=body, headers={"Authorization": f"Bearer {token}"})
                if response.status_code < 300:
                    self._accept(key, response.json()["id"])
                    return
                if response.status_code < 500:
                    self.refused.append(f"{key}: {response.status_code} {response.text[:200]}")
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.refused.append(f"{key}: not accepted within {self.give_up:g} s")
                return
            self.retried += 1
            await asyncio.sleep(pause * random.uniform(0.5, 1.0))  # backoff with jitter: no retry storm on the restarted service
            pause = min(pause * 2, 8.0)

    def _accept(self, key: str, response_id: str) -> None:
        known = self.accepted.setdefault(key, response_id)
        if known != response_id:
            self.answered_twice.append(key)


@dataclass
class Verdict:
    ledger: int
    counter: float | None
    lost: list[str]
    twice: list[str]
    not_completed: list[str]

    @property
    def exact(self) -> bool:
        return not self.lost and not self.twice and not self.not_completed and self.counter == self.ledger


async def region_counter(client: httpx.AsyncClient, scenario: RegionScenario, year: str) -> float | None:
    """The region's completions as reports counts them: mentee + mentor satisfaction answers."""
    try:
        response = await client.get(f"/reports/api/v1/indicators/region/{scenario.region_id}", params={"academic_year": year},
                                    headers={"Authorization": f"Bearer {scenario.admin}"})
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    values = {i["code"]: i["value"] for i in response.json()}
    return (values.get("mentee_satisfaction_answers") or 0) + (values.get("mentor_satisfaction_answers") or 0)


def verdict(observer: Observer, responses: list[str], counter: float | None, extra_events: tuple[str, ...] = ()) -> Verdict:
    """`responses`: the accepted response ids; `extra_events`: completed events published by hand."""
    causes = observer.causes()
    events, not_completed = list(extra_events), []
    for response_id in responses:
        ids = observer.completed.get(response_id, set())
        if not ids:
            not_completed.append(response_id)
        events.extend(ids)  # two completed events for one response would show as two below
    by_response = Counter(r for r, ids in observer.completed.items() for _ in ids)
    twice = [e for e in events if causes[e] > 1] + [r for r in responses if by_response[r] > 1]
    lost = [e for e in events if causes[e] == 0]
    return Verdict(len(responses) + len(extra_events), counter, lost, twice, not_completed)


async def settle(observer: Observer, client: httpx.AsyncClient, scenario: RegionScenario, year: str, responses: list[str],
                 timeout: float, extra_events: tuple[str, ...] = (), base: float = 0.0) -> Verdict:
    """Wait (no operator action: nothing but time) until the ledger is reflected, then a little
    longer so that a late duplicate would still be seen. `base`: the counter before the load."""

    async def counted() -> float | None:
        counter = await region_counter(client, scenario, year)
        return None if counter is None else counter - base

    deadline = time.monotonic() + timeout
    while True:
        result = verdict(observer, responses, await counted(), extra_events)
        if result.exact or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    await asyncio.sleep(3)
    return verdict(observer, responses, await counted(), extra_events)
