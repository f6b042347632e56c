"""Template: a new service consuming Nastavnik's events, on the shared kit (ServiceRuntime).

Copy this folder, rename NAME, list the events you need in CONSUMES and write `on_event`.
You get, without writing them: your own durable quorum queue per event type
(`<NAME>.<event type>`, with `<queue>.dlq`), the inbox (a redelivered event is applied once),
validation (an invalid event is dead-lettered with the reason), bounded prefetch, Prometheus
metrics (FastStream's + nastavnik_*) and /health /ready /metrics. Run it:

    RABBITMQ_URL=amqp://…/ DATABASE_URL=postgresql://…/mine python examples/consumer_template/service.py
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from shared.contracts.envelope import Envelope, EventData
from shared.contracts.pairing import PairFormed
from shared.http import create_service_app
from shared.messaging.outbox import Work
from shared.runtime import ServiceRuntime
from shared.settings import Settings

NAME = "template"
CONSUMES: tuple[type[EventData], ...] = (PairFormed,)


@dataclass
class Template:
    runtime: ServiceRuntime
    http: FastAPI
    seen: list[str]


def create_service(settings: Settings, *, shared_process: bool = False) -> Template:
    runtime = ServiceRuntime(NAME, settings, tables=[], shared_process=shared_process)  # your own tables here
    seen: list[str] = []

    async def on_event(work: Work, envelope: Envelope, event: EventData) -> None:
        # Runs in one database transaction with the inbox claim: write your change with
        # work.session; raise shared.messaging.consumer.InvalidEvent to dead-letter for good.
        seen.append(envelope.id)
        runtime.log.info("template.event", event_type=envelope.type, subject=envelope.subject)

    for event in CONSUMES:
        runtime.consumes(event, on_event)
    http = create_service_app(runtime, title=f"Nastavnik · {NAME}", description="A consumer of Nastavnik events.", routers=[])
    return Template(runtime, http, seen)


def main() -> None:  # pragma: no cover - a process entry point
    from contextlib import asynccontextmanager

    import uvicorn

    service = create_service(Settings())

    @asynccontextmanager
    async def lifespan(_app):  # noqa: ANN001, ANN202
        await service.runtime.start()
        yield
        await service.runtime.stop()

    service.http.router.lifespan_context = lifespan
    uvicorn.run(service.http, host="0.0.0.0", port=8000)  # noqa: S104 - inside its container, behind the compose network


if __name__ == "__main__":
    main()
