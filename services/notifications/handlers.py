"""Thin subscribers: each consumed event goes to its use case, inside the consumer's
transaction (the inbox record and the mail commit together)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.audit import pseudonymise
from shared.contracts.envelope import Envelope
from shared.messaging.outbox import Work

from services.notifications.service import NotificationsService

Handler = Callable[[Work, Envelope, Any], Awaitable[None]]


def on_contact_updated(service: NotificationsService) -> Handler:
    async def handle(work: Work, _envelope: Envelope, event: Any) -> None:
        await service.record_contact(work, event)

    return handle


def on_participant_withdrawn(service: NotificationsService) -> Handler:
    async def handle(work: Work, _envelope: Envelope, event: Any) -> None:
        await service.withdraw(work, event)
        await pseudonymise(work.session, work.service, event.participant_id)  # the audit keeps a pseudonym only

    return handle


def on_link_issued(service: NotificationsService) -> Handler:
    async def handle(work: Work, envelope: Envelope, event: Any) -> None:
        await service.link_issued(work, envelope, event)

    return handle


def on_respondent_link(service: NotificationsService) -> Handler:
    """A questionnaire link at a campaign's opening, or a reminder of it."""

    async def handle(work: Work, envelope: Envelope, event: Any) -> None:
        await service.respondent_link(work, envelope, event)

    return handle
