"""What the service keeps from the registry's events: schools (name, municipality: scope and
search) and the people who may be named as a practice's authors (id, name, school), erased on
withdrawal (152-ФЗ) together with every mention of them."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import col

from shared.contracts.registry import (
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    SchoolRegistered,
    SchoolUpdated,
)
from shared.messaging.inbox import redact_mentions
from shared.messaging.outbox import Work

from services.practices.base import PracticesBase
from services.practices.models import Author, HistoryEntry, Person, School, Withdrawn

AUTHOR_CATEGORIES = frozenset({"teacher", "student", "employer"})
"""Who may be named an author: the adults of the school's programmes (pupils' names are not kept)."""

ERASED_NAME = "(данные удалены)"


class PeopleMixin(PracticesBase):
    async def record_school(self, work: Work, event: SchoolRegistered | SchoolUpdated) -> None:
        await work.session.merge(School(school_id=event.school_id, name=event.name, municipality_id=event.municipality_id,
                                        municipality_name=event.municipality_name, region_id=event.region_id))

    async def record_person(self, work: Work, event: ParticipantRegistered | ParticipantUpdated) -> None:
        session = work.session
        if await session.get(Withdrawn, event.participant_id):
            await redact_mentions(session, work.service, event.participant_id)
            return  # arrived after the withdrawal: nothing to keep
        existing = await session.get(Person, event.participant_id)
        if event.category not in AUTHOR_CATEGORIES:
            if existing is not None:
                await session.delete(existing)
            return
        await session.merge(Person(participant_id=event.participant_id, school_id=event.school_id,
                                   display_name=event.display_name))

    async def withdraw(self, work: Work, event: ParticipantWithdrawn) -> None:
        """The person's name goes from every practice they wrote and from the history of the
        changes they made; the copies of the events that carried it are redacted."""
        session = work.session
        await session.merge(Withdrawn(participant_id=event.participant_id))
        await session.exec(delete(Person).where(col(Person.participant_id) == event.participant_id))
        await session.exec(delete(Author).where(col(Author.participant_id) == event.participant_id))
        await session.exec(update(HistoryEntry).where(col(HistoryEntry.actor_id) == event.participant_id)
                           .values(actor_name=ERASED_NAME, actor_id=""))
        await redact_mentions(session, work.service, event.participant_id)
        self.log.info("participant.erased", participant_id=event.participant_id)
