"""Reports' use cases for the outcomes the programmes promise (services/reports/domain_outcomes.py):
a pupil's self-determination from the registry's updates, the custom instruments' owners and
item texts, and the outcome tables of a scope. A mixin of ReportsService (projection.py), which
applies the enrolments, withdrawals and answers these tables count."""

from __future__ import annotations

import json
from datetime import UTC

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal
from shared.contracts.envelope import Envelope
from shared.contracts.registry import ParticipantUpdated
from shared.contracts.surveys import InstrumentSaved
from shared.db import lock_key
from shared.messaging.outbox import Work

from services.reports import domain
from services.reports.counting import Batch, ReportsCore
from services.reports.models import CustomInstrument, Participant, Programme, School


def order_key_of(envelope: Envelope) -> str:
    """The latest state by event time wins (the event id breaks a tie)."""
    return f"{envelope.time.astimezone(UTC).isoformat()}|{envelope.id}"


def retention_groups_of(person: Participant) -> list[str]:
    return domain.retention_groups(person.category, person.young_specialist, bool(person.newly_arrived))


class OutcomesMixin(ReportsCore):
    """On ReportsCore: its db, _add, _ignored_withdrawn, _reference_or_park, _check_visible, _counters."""

    async def _participant_updated(self, work: Work, envelope: Envelope, event: ParticipantUpdated, batch: Batch) -> None:
        """A pupil's recorded self-determination: the latest state by event time counts (an update
        before the registration waits for it). Grade, subjects and the retention flags are taken
        as registered: reports counts them when an answer or an enrolment comes."""
        if await self._ignored_withdrawn(work, envelope, event.participant_id):
            return
        person = await self._reference_or_park(work, Participant, "participant", event.participant_id, envelope)
        if person is None:
            return
        await lock_key(work.session, f"person:{person.id}")
        order_key = order_key_of(envelope)
        if person.order_key and person.order_key >= order_key:
            return
        pupil = person.category == "pupil"
        old = domain.self_determination(person.self_determination if pupil else None)
        person.self_determination, person.order_key = event.self_determination, order_key
        work.session.add(person)
        new = domain.self_determination(person.self_determination if pupil else None)
        self._add(batch, await work.session.get(School, person.school_id), domain.POPULATION, domain.difference(new, old), person=person.id)

    async def _instrument_saved(self, work: Work, envelope: Envelope, event: InstrumentSaved) -> None:
        """A custom instrument's owner and item texts: the latest by event time (no counter moves)."""
        await lock_key(work.session, f"instrument:{event.code}:{event.version}")
        order_key = order_key_of(envelope)
        row = await work.session.get(CustomInstrument, (event.code, event.version))
        if row is not None and row.order_key >= order_key:
            return
        row = row or CustomInstrument(code=event.code, version=event.version, owner_scope=event.owner_scope, owner_id=event.owner_id,
                                      title=event.title, items="{}", order_key=order_key)
        items = {item.code: {"text": item.text, "options": dict(item.options)} for item in event.items}
        row.owner_scope, row.owner_id, row.title, row.order_key = event.owner_scope, event.owner_id, event.title, order_key
        row.items = json.dumps(items, ensure_ascii=False)
        work.session.add(row)

    async def breakdowns(self, level: str, scope_id: str, year: str, principal: Principal) -> list[domain.Breakdown]:
        """The outcome tables of a scope."""
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            return await self._breakdowns(session, await self._counters(session, level, scope_id, year), level, scope_id)

    async def _breakdowns(self, session: AsyncSession, counters: dict[str, float], level: str, scope_id: str) -> list[domain.Breakdown]:
        """The outcome tables of a scope. A custom instrument is summarised in the reports of its
        scope: the region's at every level, a school's only in that school's report."""
        prefix = f"{domain.DDO_BREAKDOWN}programme|"
        ids = {name[len(prefix):].split("|", 1)[0] for name in counters if name.startswith(prefix)} - {""}
        titles = dict((await session.exec(select(Programme.id, Programme.title).where(col(Programme.id).in_(ids)))).all()) if ids else {}
        instruments: dict[tuple[str, int], dict] = {}
        shown: set[tuple[str, int]] = set()
        for code, version in domain.custom_instruments_in(counters):
            row = await session.get(CustomInstrument, (code, version))
            if row is not None:
                instruments[(code, version)] = {"title": row.title, "items": json.loads(row.items)}
            if row is None or row.owner_scope == "region" or (level == "school" and row.owner_id == scope_id):
                shown.add((code, version))
        return (domain.interests_breakdowns(counters, titles) + domain.staff_breakdown(counters)
                + domain.custom_breakdowns(counters, instruments, shown))
