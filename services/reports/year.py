"""The programme's year in reports (issue 15): the registry's documents, curator, activities,
training and recognition, pairing's meetings, the practices' bank and the regional roadmap,
applied to the counters (domain_year says what each group of facts adds).

Every event carries the whole current state of one fact (or its removal): the latest by event
time replaces the earlier state (at the same time a removal wins), so a redelivery or an older
event arriving later changes nothing. After a fact changes, its tally (the group of facts whose
counters depend on each other: a school's year for distinct mentors, a pair's year for its
meetings) is recomputed and the difference with what it added before goes to the counters.
Events of a school not known yet are parked like the others."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sqlmodel import select

from shared import clock
from shared.clock import academic_year_of
from shared.contracts.envelope import Envelope, EventData
from shared.contracts.pairing import MeetingRecorded, MeetingRemoved
from shared.contracts.practices import PracticeStatusChanged, RoadmapItemSaved
from shared.contracts.registry_year import (
    ActivityCancelled,
    ActivitySaved,
    CuratorAppointed,
    DocumentRecorded,
    DocumentRemoved,
    RecognitionRecorded,
    RecognitionRemoved,
    TrainingRecorded,
    TrainingRemoved,
)
from shared.db import lock_key
from shared.messaging.outbox import Work

from services.reports import domain, domain_year
from services.reports.counting import Batch, ReportsCore
from services.reports.models import School, YearFact, YearTally

YEAR_EVENTS = (
    DocumentRecorded, DocumentRemoved, CuratorAppointed, ActivitySaved, ActivityCancelled, TrainingRecorded, TrainingRemoved,
    RecognitionRecorded, RecognitionRemoved, MeetingRecorded, MeetingRemoved, PracticeStatusChanged, RoadmapItemSaved,
)
REMOVALS = (DocumentRemoved, ActivityCancelled, TrainingRemoved, RecognitionRemoved, MeetingRemoved)
LAST = "~"
"""An order key above every event's: a fact erased with its withdrawn person stays erased."""


@dataclass
class Fact:
    kind: str
    id: str
    tally: str
    group_key: str
    school_id: str | None
    academic_year: str
    removed: bool = False
    person: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


def fact_of(event: EventData) -> Fact:
    """The fact an event states (its whole current state, or its removal)."""
    removed = isinstance(event, REMOVALS)
    if isinstance(event, (DocumentRecorded, DocumentRemoved)):
        key = f"{event.school_id}|{event.academic_year}"
        return Fact("document", event.document_id, "programme", key, event.school_id, event.academic_year, removed,
                    data={"what": "document", "kind": event.kind})
    if isinstance(event, CuratorAppointed):
        key = f"{event.school_id}|{event.academic_year}"
        return Fact("curator", event.programme_id, "programme", key, event.school_id, event.academic_year, data={"what": "curator"})
    if isinstance(event, (ActivitySaved, ActivityCancelled)):
        data = {}
        if isinstance(event, ActivitySaved):
            data = {"held_on": event.held_on.isoformat() if event.held_on else None,
                    "invited": event.participants_invited, "attended": event.participants_attended}
        return Fact("activity", event.activity_id, "activity", event.activity_id, event.school_id, event.academic_year, removed, data=data)
    if isinstance(event, (MeetingRecorded, MeetingRemoved)):
        data = {"held_on": event.held_on.isoformat()} if isinstance(event, MeetingRecorded) else {}
        return Fact("meeting", event.meeting_id, "meetings", f"{event.pair_id}|{event.academic_year}", event.school_id,
                    event.academic_year, removed, data=data)
    if isinstance(event, (TrainingRecorded, TrainingRemoved)):
        person = domain.pseudonym(event.person_id)
        return Fact("training", event.training_id, "training", f"{event.school_id}|{event.academic_year}", event.school_id,
                    event.academic_year, removed, person, {"person": person})
    if isinstance(event, (RecognitionRecorded, RecognitionRemoved)):
        person = domain.pseudonym(event.person_id)
        data = {"person": person, "result": event.result if isinstance(event, RecognitionRecorded) else None}
        return Fact("recognition", event.recognition_id, "recognition", f"{event.school_id}|{event.academic_year}", event.school_id,
                    event.academic_year, removed, person, data)
    if isinstance(event, PracticeStatusChanged):
        return Fact("practice", event.practice_id, "practice", event.practice_id, event.school_id, event.academic_year,
                    data={"status": event.status})
    if isinstance(event, RoadmapItemSaved):
        year = academic_year_of(event.due_on)
        return Fact("roadmap", event.item_id, "roadmap", f"{event.region_id}|{year}", None, year,
                    data={"status": event.status, "due_on": event.due_on.isoformat(),
                          "done_on": event.done_on.isoformat() if event.done_on else None})
    raise TypeError(f"not an event of the programme's year: {type(event).__name__}")


class YearMixin(ReportsCore):
    """Applying the programme's year events (a mixin of ReportsService)."""

    async def _year_event(self, work: Work, envelope: Envelope, event: EventData, batch: Batch) -> None:
        if isinstance(event, RoadmapItemSaved) and event.region_id != self.region_id:
            return  # another region's roadmap
        fact = fact_of(event)
        raw_person = getattr(event, "person_id", None)
        if raw_person is not None and await self._ignored_withdrawn(work, envelope, raw_person) and not fact.removed:
            return  # a record about a withdrawn person (its stored body anonymised); a removal still applies
        if fact.school_id is not None and await self._school_or_park(work, fact.school_id, envelope) is None:
            return
        await self._year_fact(work, envelope, fact, batch)
        if isinstance(event, PracticeStatusChanged):  # published this year: counted in the year of its publication
            published = academic_year_of(event.published_on) if event.published_on else fact.academic_year
            await self._year_fact(work, envelope, Fact("publication", event.practice_id, "publication", event.practice_id, event.school_id,
                                                       published, data={"status": event.status}), batch)

    async def _year_fact(self, work: Work, envelope: Envelope, fact: Fact, batch: Batch) -> None:
        """The fact's latest state by event time replaces the earlier one; its tallies are recomputed."""
        await lock_key(work.session, f"year:{fact.kind}:{fact.id}")
        at = envelope.time.astimezone(UTC)
        order_key = f"{at.strftime('%Y-%m-%dT%H:%M:%S.%f')}|{int(fact.removed)}|{envelope.id}"
        row = await work.session.get(YearFact, (fact.kind, fact.id))
        if row is not None and row.order_key >= order_key:
            return
        before = (row.tally, row.group_key) if row is not None else None
        row = row or YearFact(kind=fact.kind, id=fact.id, tally=fact.tally, group_key=fact.group_key, academic_year=fact.academic_year,
                              order_key=order_key, data="{}")
        row.tally, row.group_key, row.school_id, row.academic_year = fact.tally, fact.group_key, fact.school_id, fact.academic_year
        row.removed, row.order_key, row.person = fact.removed, order_key, fact.person
        row.data = json.dumps({**fact.data, "at": clock.local_date(at).isoformat()}, sort_keys=True)
        work.session.add(row)
        await work.session.flush()
        for tally, key in dict.fromkeys([*([before] if before else []), (fact.tally, fact.group_key)]):
            await self._retally(work, tally, key, batch)

    async def _retally(self, work: Work, tally: str, key: str, batch: Batch) -> None:
        """Recompute one group's counters from its current facts; add the difference (or, when
        the group moved to another school or year, leave the old place and count at the new)."""
        session = work.session
        await lock_key(session, f"tally:{tally}:{key}")
        facts = (await session.exec(select(YearFact).where(YearFact.tally == tally, YearFact.group_key == key))).all()
        current = [f for f in facts if not f.removed]
        new = domain_year.tally(tally, [json.loads(f.data) for f in current])
        row = await session.get(YearTally, (tally, key))
        old = json.loads(row.counters) if row is not None else {}
        place = (current[-1].school_id, current[-1].academic_year) if current else (row.school_id, row.academic_year) if row else None
        if place is None:
            return
        if row is not None and (row.school_id, row.academic_year) != place:
            await self._count_at(work, row.school_id, row.academic_year, domain.negate(old), batch)
            await self._count_at(work, place[0], place[1], new, batch)
        else:
            await self._count_at(work, place[0], place[1], domain.difference(new, old), batch)
        if not new:
            if row is not None:
                await session.delete(row)
            return
        row = row or YearTally(tally=tally, group_key=key, academic_year=place[1], counters="{}")
        row.school_id, row.academic_year, row.counters = place[0], place[1], json.dumps(new, sort_keys=True)
        session.add(row)

    async def _count_at(self, work: Work, school_id: str | None, year: str, deltas: dict[str, float], batch: Batch) -> None:
        if not deltas:
            return
        if school_id is None:
            self._add_beyond_schools(batch, year, deltas, None)  # the roadmap: the region only
        else:
            self._add(batch, await work.session.get(School, school_id), year, deltas)

    async def _year_withdrawn(self, work: Work, alias: str, batch: Batch) -> None:
        """A withdrawn mentor's training and recognition records leave the counts (the registry
        removes them too: those removals then change nothing); later records about them are ignored."""
        session = work.session
        rows = (await session.exec(select(YearFact).where(YearFact.person == alias))).all()
        groups = dict.fromkeys((row.tally, row.group_key) for row in rows if not row.removed)
        for row in rows:
            row.removed, row.order_key = True, LAST
            session.add(row)
        await session.flush()
        for tally, key in groups:
            await self._retally(work, tally, key, batch)
