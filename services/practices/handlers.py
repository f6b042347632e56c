"""Thin subscribers: each consumed event goes to its use case, inside the consumer's transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.audit import pseudonymise
from shared.contracts.envelope import Envelope
from shared.messaging.outbox import Work

from services.practices.service import PracticesService

Handler = Callable[[Work, Envelope, Any], Awaitable[None]]


def on_school(service: PracticesService) -> Handler:
    async def handle(work: Work, _envelope: Envelope, event: Any) -> None:
        await service.record_school(work, event)

    return handle


def on_person(service: PracticesService) -> Handler:
    async def handle(work: Work, _envelope: Envelope, event: Any) -> None:
        await service.record_person(work, event)

    return handle


def on_participant_withdrawn(service: PracticesService) -> Handler:
    async def handle(work: Work, _envelope: Envelope, event: Any) -> None:
        await service.withdraw(work, event)
        await pseudonymise(work.session, work.service, event.participant_id)  # the audit keeps a pseudonym only

    return handle
