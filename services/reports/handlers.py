"""Thin subscribers: every consumed event goes through ReportsService.apply."""

from __future__ import annotations

from shared.contracts.envelope import Envelope, EventData
from shared.messaging.outbox import Work

from services.reports.service import ReportsService


def make_handler(service: ReportsService):  # noqa: ANN201
    async def on_event(work: Work, envelope: Envelope, event: EventData) -> None:
        await service.apply(work, envelope, event)

    return on_event
