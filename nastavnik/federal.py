"""The federal level of a country of regions (issue 17, docs/scale.md).

Each region runs its own Nastavnik; its data stays there. What crosses to the federal
deployment is one event: `reports.indicators.updated.v1` of the region scope, the region's
indicator values. In each region's vhost a headers exchange (`nastavnik.federal`) takes the
indicators events from `nastavnik.events` and passes the region-scope ones (the relay stamps
the `scope` header) to a durable quorum queue, `federal.link.reports.indicators.updated.v1`;
a RabbitMQ shovel (the plugin that ships with the server) moves that queue into the federal
deployment's `nastavnik.events`. While the link is down the figures wait in the region's queue,
and the shovel delivers them when it is back (acknowledging after the federal broker confirmed).

The federal deployment is a consumer on the shared kit (ServiceRuntime: inbox, quorum queue,
dead letters): it keeps the latest figures of each region and year and answers
`GET /federal/api/v1/country?academic_year=…` with the country → region view, every indicator
with its definition from the one place indicators are defined (services/reports/domain.py).

    RABBITMQ_URL=amqp://…/federal DATABASE_URL=postgresql://…/federal python -m nastavnik.federal
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlmodel import Field, SQLModel, select

from shared.contracts.envelope import Envelope
from shared.contracts.reports import IndicatorsUpdated
from shared.db import lock_key
from shared.http import create_service_app
from shared.messaging.outbox import Work
from shared.messaging.topology import (
    EVENTS_EXCHANGE_NAME,
    FEDERAL_EXCHANGE_NAME,
    FEDERAL_LINK_BINDING,
    FEDERAL_LINK_QUEUE,
    FEDERAL_ROUTING_KEY,
)
from shared.runtime import ServiceRuntime
from shared.settings import Settings

NAME = "federal"
ADDITIVE_UNITS = ("шт.", "чел.")
"""Indicators the country figure is the sum of the regions' (counts); a share or a mean of the
country needs the regions' counters, which do not leave the regions: shown per region only."""


class RegionFigures(SQLModel, table=True):
    __tablename__ = "federal_region_figures"

    region_id: str = Field(primary_key=True)
    academic_year: str = Field(primary_key=True)
    indicators: str = Field(description="JSON: indicator code → value, as the region announced it.")
    announced_at: datetime = Field(description="Time of the region's announcement (a later one wins).")
    event_id: str


@dataclass
class Federal:
    runtime: ServiceRuntime
    http: FastAPI


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def definitions() -> dict[str, dict[str, str]]:
    from services.reports.domain import INDICATORS  # the one definition of every indicator

    return {i.code: {"name": i.name, "unit": i.unit, "formula": i.formula, "section": i.section} for i in INDICATORS}


def country_view(rows: list[RegionFigures], academic_year: str) -> dict[str, Any]:
    defs = definitions()
    regions = [{"region_id": r.region_id, "announced_at": r.announced_at.isoformat(), "indicators": json.loads(r.indicators)}
               for r in sorted(rows, key=lambda r: r.region_id)]
    country: dict[str, float | None] = {}
    for code, definition in defs.items():
        if definition["unit"] in ADDITIVE_UNITS:
            values = [r["indicators"].get(code) for r in regions]
            country[code] = sum(v for v in values if v is not None) if any(v is not None for v in values) else None
    return {"academic_year": academic_year, "country": country, "regions": regions, "definitions": defs}


def create_federal(settings: Settings) -> Federal:
    runtime = ServiceRuntime(NAME, settings, tables=[RegionFigures])

    async def on_updated(work: Work, envelope: Envelope, data: IndicatorsUpdated) -> None:
        if data.scope != "region":
            return  # the region's link passes only its region figures; anything else is not ours
        # two announcements of one region applied at once (prefetch): one after the other, the later wins
        await lock_key(work.session, f"federal:{data.scope_id}:{data.academic_year}")
        row = await work.session.get(RegionFigures, (data.scope_id, data.academic_year))
        if row is not None and _aware(row.announced_at) > _aware(envelope.time):
            return  # an older announcement delivered late (a link that was down) changes nothing
        if row is None:
            row = RegionFigures(region_id=data.scope_id, academic_year=data.academic_year, indicators="{}",
                                announced_at=envelope.time, event_id=envelope.id)
        row.indicators = json.dumps(data.indicators)
        row.announced_at = envelope.time
        row.event_id = envelope.id
        work.session.add(row)

    runtime.consumes(IndicatorsUpdated, on_updated)
    router = APIRouter(prefix="/federal/api/v1")

    @router.get("/country")
    async def country(academic_year: str) -> dict[str, Any]:
        """The country → region view of one academic year: each region's latest figures, the
        country's counts, and the definition of every indicator."""
        async with runtime.db.sessions() as session:
            rows = list((await session.exec(select(RegionFigures).where(RegionFigures.academic_year == academic_year))).all())
        return country_view(rows, academic_year)

    http = create_service_app(runtime, title="Наставник · федеральный уровень",
                              description="Показатели регионов, полученные от их развёртываний.", routers=[router])
    return Federal(runtime, http)


def shovel_definition(region_uri: str, federal_uri: str) -> dict[str, Any]:
    """The dynamic shovel of one region (`rabbitmqctl set_parameter -p <region vhost> shovel
    federal '<this as JSON>'`): the link queue into the federal `nastavnik.events`, keeping the
    routing key; acknowledged in the region once the federal broker confirmed."""
    return {
        "src-protocol": "amqp091", "src-uri": region_uri, "src-queue": FEDERAL_LINK_QUEUE,
        "dest-protocol": "amqp091", "dest-uri": federal_uri, "dest-exchange": EVENTS_EXCHANGE_NAME,
        "ack-mode": "on-confirm", "reconnect-delay": 1,
    }


async def declare_link(region_url: str) -> None:
    """In a region's vhost: the federal headers exchange, its binding to the events exchange and
    the link queue (durable, quorum) with the region-scope binding. Idempotent."""
    import aio_pika

    connection = await aio_pika.connect(region_url)
    async with connection:
        channel = await connection.channel()
        events = await channel.declare_exchange(EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True)
        federal = await channel.declare_exchange(FEDERAL_EXCHANGE_NAME, aio_pika.ExchangeType.HEADERS, durable=True)
        await federal.bind(events, routing_key=FEDERAL_ROUTING_KEY)
        queue = await channel.declare_queue(FEDERAL_LINK_QUEUE, durable=True, arguments={"x-queue-type": "quorum"})
        await queue.bind(federal, arguments=dict(FEDERAL_LINK_BINDING))


def main() -> None:  # pragma: no cover - a process entry point
    from contextlib import asynccontextmanager

    import uvicorn

    federal = create_federal(Settings())

    @asynccontextmanager
    async def lifespan(_app):  # noqa: ANN001, ANN202
        await federal.runtime.start()
        yield
        await federal.runtime.stop()

    federal.http.router.lifespan_context = lifespan
    uvicorn.run(federal.http, host="0.0.0.0", port=8000)  # noqa: S104 - inside its container


if __name__ == "__main__":
    main()
