"""Thin subscriber: the events that queued up are applied together by ReportsService.apply_many
(see shared.messaging.batching)."""

from __future__ import annotations

from collections.abc import Sequence

from shared.messaging.batching import Delivery
from shared.messaging.outbox import Work

from services.reports.service import ReportsService


def make_handler(service: ReportsService):  # noqa: ANN201
    async def on_events(work: Work, deliveries: Sequence[Delivery]) -> None:
        await service.apply_many(work, [(delivery.envelope, delivery.event) for delivery in deliveries])

    return on_events
