"""The order rule every consumer of the registry's enrolments keeps in its read model.

`registry.participant.enrolled.v1` and `registry.participant.enrolment_ended.v1` travel on
different queues, so an `enrolled` sent before an `ended` may arrive after it. A consumer keeps a
row per ended enrolment with the time it ended (its own table, keyed like its enrolments) and
lets an `enrolled` in only if it is newer than that end (an enrolment renewed later)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone; stored in UTC


async def admit_enrolment(session: AsyncSession, ended_model: type[Any], key: tuple[str, str, str], sent_at: datetime) -> bool:
    """Whether an `enrolled` event sent at `sent_at` may (re)create the enrolment `key`
    (participant, programme, role); forgets an older end when it may."""
    ended = await session.get(ended_model, key)
    if ended is None:
        return True
    if _aware(ended.ended_at) > _aware(sent_at):
        return False
    await session.delete(ended)
    return True


async def end_enrolment(session: AsyncSession, enrolment_model: type[Any], ended_model: type[Any], key: tuple[str, str, str],
                        sent_at: datetime) -> Any:
    """Apply an `enrolment_ended` event sent at `sent_at`: the enrolment row goes, the end is kept.
    Returns the removed enrolment row (or None)."""
    enrolment = await session.get(enrolment_model, key)
    if enrolment is not None:
        await session.delete(enrolment)
    ended = await session.get(ended_model, key)
    participant_id, programme_id, role = key
    if ended is None:
        session.add(ended_model(participant_id=participant_id, programme_id=programme_id, role=role, ended_at=sent_at))
    elif _aware(sent_at) > _aware(ended.ended_at):
        ended.ended_at = sent_at
    return enrolment
