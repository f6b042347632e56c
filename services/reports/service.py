"""Reports use cases: apply each consumed event to the counters of the scopes it touches
(no full recount), then announce the new indicator values of those scopes; read indicators,
their history and drill-downs; rebuild everything from the consumed events.

Every table of reports is derived from the inbox (the consumed events, bodies kept), and the
effect of the events does not depend on their arrival order: events whose school, person or
pair is not known yet are parked, per-person facts keep the latest by event time, and a
withdrawn person's contributions are subtracted (later events about them are ignored). So a
replay of the inbox (`rebuild`) ends with exactly the counters the live updates gave."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC

import structlog
from sqlalchemy import delete, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal
from shared.clock import academic_year_of, utcnow
from shared.contracts.catalogue import BY_TYPE, event_class
from shared.contracts.envelope import Envelope, EventData
from shared.contracts.pairing import PairEnded, PairFormed, PlanMeasureCompleted, PlanUpdated
from shared.contracts.registry import (
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
)
from shared.contracts.reports import IndicatorsUpdated
from shared.contracts.surveys import CampaignClosed, CampaignOpened, InstrumentSaved, ResponseCompleted
from shared.db import Database, lock_key
from shared.errors import NotFound
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import Work

from services.reports import domain
from services.reports.models import (
    DERIVED,
    Campaign,
    CampaignResponse,
    Contribution,
    Counter,
    Diagnostic,
    History,
    Measurement,
    MentorLoad,
    Pair,
    ParkedEvent,
    Participant,
    PlanProgress,
    Programme,
    RoleInYear,
    School,
    SchoolInYear,
    Withdrawn,
)
from services.reports.outcomes import OutcomesMixin
from services.reports.outcomes import order_key_of as _order_key
from services.reports.outcomes import retention_groups_of as _retention_groups

CONSUMER = "reports"
Scope = tuple[str, str]  # (level, id)


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name: str
    unit: str
    formula: str
    value: float | None


@dataclass
class Batch:
    """What the events applied together change, gathered and written at once in a fixed order
    (no deadlocks between concurrent consumers updating the same region counters)."""

    touched: set[tuple[str, str, str]] = field(default_factory=set)
    cause: str | None = None  # the event being applied
    causes: dict[tuple[str, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    counters: dict[tuple[str, str, str, str], float] = field(default_factory=lambda: defaultdict(float))
    contributions: dict[tuple[str, str, str, str], float] = field(default_factory=lambda: defaultdict(float))

    def add(self, scope: tuple[str, str, str], deltas: dict[str, float]) -> None:
        """Counter changes of one (level, id, year), and the event that made them."""
        self.touched.add(scope)
        causes = self.causes[scope]
        if self.cause is not None and (not causes or causes[-1] != self.cause):
            causes.append(self.cause)
        for name, delta in deltas.items():
            if delta:
                self.counters[(*scope, name)] += delta


@dataclass
class ScopeRow:
    level: str
    scope_id: str
    name: str
    parent: str
    values: dict[str, float | None]
    low_results: bool = False
    difficult_conditions: bool = False


@dataclass
class ReportData:
    """Everything one export shows: the scope itself and the levels below it."""

    level: str
    scope_id: str
    title: str
    academic_year: str
    scope: ScopeRow
    municipalities: list[ScopeRow]
    schools: list[ScopeRow]
    groups: list[ScopeRow]
    swot: list[domain.SwotRow] = field(default_factory=list)
    breakdowns: list[domain.Breakdown] = field(default_factory=list)
    """The outcome tables (ДДО by grade and programme, staff by subject, custom instruments)."""


_KEPT = "reports.kept_rows"
_NOT_WITHDRAWN = "reports.not_withdrawn"
"""Per-transaction caches in Session.info (a session lives for one batch): SQLAlchemy's identity
map holds rows weakly, so the rows a batch reuses (its schools, people) are kept here; and the
people known not to have withdrawn, so that each event does not ask again."""


def _keep(session: AsyncSession, rows: Iterable[SQLModel]) -> None:
    session.info.setdefault(_KEPT, []).extend(rows)


class ReportsService(OutcomesMixin):
    def __init__(self, db: Database, region_id: str, metrics=None, region_name: str = "") -> None:  # noqa: ANN001
        self.db = db
        self.region_id = region_id
        self.region_name = region_name or region_id
        self.metrics = metrics

    # -- applying events ------------------------------------------------------------------

    async def apply(self, work: Work, envelope: Envelope, event: EventData) -> None:
        await self.apply_many(work, [(envelope, event)])

    async def apply_many(self, work: Work, events: Sequence[tuple[Envelope, EventData]]) -> None:
        """Apply events consumed together (one transaction) and announce each touched scope
        once, naming every event folded into its new values."""
        batch = Batch()
        await self._prefetch(work, [event for _, event in events])
        for envelope, event in events:
            batch.cause = envelope.id
            await self._apply(work, envelope, event, batch)
        await self._flush(work, batch)
        announced = await self._announce(work, batch.touched, events[-1][0], emit=True, causes=batch.causes)
        if self.metrics is not None and announced:
            self.metrics.indicator_updates.inc(announced)
            now = utcnow()
            for envelope, event in events:
                if isinstance(event, ResponseCompleted):
                    self.metrics.completion_lag.observe(max(0.0, (now - envelope.time).total_seconds()))

    async def _prefetch(self, work: Work, events: Sequence[EventData]) -> None:
        """Two queries instead of two per event: the batch's schools, and which of its people
        are known not to have withdrawn (see _ignored_withdrawn)."""
        session = work.session
        schools = {school for event in events if isinstance(school := getattr(event, "school_id", None), str)}
        if schools:
            _keep(session, (await session.exec(select(School).where(col(School.id).in_(schools)))).all())
        people = {p for event in events for attr in ("participant_id", "respondent_id") if isinstance(p := getattr(event, attr, None), str)}
        if people:
            aliases = {domain.pseudonym(p) for p in people}
            withdrawn = set((await session.exec(select(Withdrawn.pseudonym).where(col(Withdrawn.pseudonym).in_(aliases)))).all())
            session.info.setdefault(_NOT_WITHDRAWN, set()).update(aliases - withdrawn)

    async def _apply(self, work: Work, envelope: Envelope, event: EventData, batch: Batch) -> None:
        if isinstance(event, SchoolRegistered):
            await self._school_registered(work, event, batch)
        elif isinstance(event, ParticipantRegistered):
            await self._participant_registered(work, envelope, event, batch)
        elif isinstance(event, ParticipantEnrolled):
            await self._participant_enrolled(work, envelope, event, batch)
        elif isinstance(event, PairFormed):
            await self._pair_formed(work, envelope, event, batch)
        elif isinstance(event, PairEnded):
            await self._pair_ended(work, envelope, event, batch)
        elif isinstance(event, ResponseCompleted):
            await self._response_completed(work, envelope, event, batch)
        elif isinstance(event, ParticipantWithdrawn):
            await self._withdrawn(work, envelope, event, batch)
        elif isinstance(event, ParticipantUpdated):
            await self._participant_updated(work, envelope, event, batch)
        elif isinstance(event, (PlanUpdated, PlanMeasureCompleted)):
            await self._plan(work, envelope, event, batch)
        elif isinstance(event, CampaignOpened):
            await self._campaign_opened(work, envelope, event, batch)
        elif isinstance(event, CampaignClosed):
            await self._campaign_closed(work, event, batch)
        elif isinstance(event, (ProgrammeLaunched, ProgrammeUpdated)):
            await self._programme(work, envelope, event)
        elif isinstance(event, InstrumentSaved):
            await self._instrument_saved(work, envelope, event)

    async def _school_registered(self, work: Work, event: SchoolRegistered, batch: Batch) -> None:
        if await work.session.get(School, event.school_id) is not None:
            return  # the registry registers a school once; a second announcement adds nothing
        school = School(
            id=event.school_id,
            name=event.name,
            municipality_id=event.municipality_id,
            municipality_name=event.municipality_name,
            region_id=event.region_id,
            low_results=event.low_results,
            difficult_conditions=event.difficult_conditions,
        )
        work.session.add(school)
        await work.session.flush()
        self._add(batch, school, domain.POPULATION, domain.school_registered(event.low_results, event.difficult_conditions))
        await self._release(work, f"school:{school.id}", batch)

    async def _participant_registered(self, work: Work, envelope: Envelope, event: ParticipantRegistered, batch: Batch) -> None:
        if await self._ignored_withdrawn(work, envelope, event.participant_id):
            return
        school = await self._school_or_park(work, event.school_id, envelope)
        if school is None or await work.session.get(Participant, event.participant_id) is not None:
            return
        person = Participant(
            id=event.participant_id, school_id=school.id, category=event.category, young_specialist=event.young_specialist,
            newly_arrived=event.newly_arrived, grade=event.grade, subjects=json.dumps(domain.subjects_of(event.subjects), ensure_ascii=False),
            self_determination=event.self_determination, order_key=_order_key(envelope),
        )
        work.session.add(person)
        await work.session.flush()
        deltas = domain.participant_registered(event.category, event.young_specialist)
        deltas.update(domain.self_determination(person.self_determination if event.category == "pupil" else None))
        self._add(batch, school, domain.POPULATION, deltas, person=person.id)
        await self._release(work, f"participant:{person.id}", batch)

    async def _participant_enrolled(self, work: Work, envelope: Envelope, event: ParticipantEnrolled, batch: Batch) -> None:
        if await self._ignored_withdrawn(work, envelope, event.participant_id):
            return
        school = await self._school_or_park(work, event.school_id, envelope)
        if school is None:
            return
        person = await self._reference_or_park(work, Participant, "participant", event.participant_id, envelope)
        if person is None:
            return
        await lock_key(work.session, f"person:{person.id}")
        year = event.academic_year
        if await work.session.get(RoleInYear, (person.id, year, event.role)) is None:
            work.session.add(RoleInYear(participant_id=person.id, academic_year=year, role=event.role))
            deltas = domain.role_taken(event.role, person.category, person.young_specialist)
            deltas.update(domain.staff_role_taken(event.role, person.category, json.loads(person.subjects or "[]")))
            self._add(batch, school, year, deltas, person=person.id)
            if event.role == "mentee":  # retention: not the person's contribution, it stays when they leave the school
                self._add(batch, school, year, domain.mentee_enrolled(_retention_groups(person)))
            await self._school_people(work, school, year, +1, batch)
        if event.role == "mentor" and event.capacity is not None:
            load = await self._mentor_load(work, person.id, year, school.id)
            old = domain.mentor_state(load.capacity, load.active_mentees)
            load.capacity = max(load.capacity or 0, event.capacity)
            work.session.add(load)
            self._add(batch, school, year, domain.difference(domain.mentor_state(load.capacity, load.active_mentees), old))

    async def _school_people(self, work: Work, school: School, year: str, change: int, batch: Batch) -> None:
        await lock_key(work.session, f"school-year:{school.id}:{year}")
        row = await work.session.get(SchoolInYear, (school.id, year)) or SchoolInYear(school_id=school.id, academic_year=year, people=0)
        old = domain.school_running(row.people)
        row.people += change
        work.session.add(row)
        self._add(batch, school, year, domain.difference(domain.school_running(row.people), old))

    async def _mentor_load(self, work: Work, mentor_id: str, year: str, school_id: str) -> MentorLoad:
        await lock_key(work.session, f"mentor:{mentor_id}:{year}")
        return await work.session.get(MentorLoad, (mentor_id, year)) or MentorLoad(mentor_id=mentor_id, academic_year=year, school_id=school_id)

    async def _change_load(self, work: Work, school: School, mentor_id: str, year: str, change: int, batch: Batch) -> None:
        if await work.session.get(Withdrawn, domain.pseudonym(mentor_id)) is not None:
            return  # a withdrawn mentor left the counts
        load = await self._mentor_load(work, mentor_id, year, school.id)
        old = domain.mentor_state(load.capacity, load.active_mentees)
        load.active_mentees += change
        work.session.add(load)
        self._add(batch, school, year, domain.difference(domain.mentor_state(load.capacity, load.active_mentees), old))

    async def _pair_formed(self, work: Work, envelope: Envelope, event: PairFormed, batch: Batch) -> None:
        school = await self._school_or_park(work, event.school_id, envelope)
        if school is None:
            return
        await lock_key(work.session, f"pair:{event.pair_id}")
        if await work.session.get(Pair, event.pair_id) is not None:
            return
        pair = Pair(
            id=event.pair_id,
            school_id=school.id,
            academic_year=event.academic_year,
            form=event.form,
            mentor_id=event.mentor_id,
            mentees=len(event.mentee_ids),
        )
        work.session.add(pair)
        await work.session.flush()
        self._add(batch, school, pair.academic_year, domain.pair_formed(pair.form, pair.mentees))
        await self._change_load(work, school, pair.mentor_id, pair.academic_year, pair.mentees, batch)
        await self._release(work, f"pair:{pair.id}", batch)

    async def _pair_ended(self, work: Work, envelope: Envelope, event: PairEnded, batch: Batch) -> None:
        pair = await self._reference_or_park(work, Pair, "pair", event.pair_id, envelope)
        if pair is None or pair.status != "active":
            return
        outcome = "completed" if event.outcome == "completed" else "terminated"
        pair.status = outcome
        work.session.add(pair)
        school = await work.session.get(School, pair.school_id)
        self._add(batch, school, pair.academic_year, domain.pair_ended(pair.form, pair.mentees, outcome))
        await self._change_load(work, school, pair.mentor_id, pair.academic_year, -pair.mentees, batch)

    async def _response_completed(self, work: Work, envelope: Envelope, event: ResponseCompleted, batch: Batch) -> None:
        if await self._ignored_withdrawn(work, envelope, event.respondent_id):
            return
        school = await self._school_or_park(work, event.school_id, envelope)
        if school is None:
            return
        person = event.respondent_id
        if event.campaign_id is not None:
            await self._campaign_response(work, school, event, batch)
        if event.instrument.code in domain.STAGED_INSTRUMENTS:
            if domain.counts_for_growth(event.instrument.code, event.stage, event.respondent_role):
                await self._diagnostic(work, school, envelope, event, batch)
            return
        deltas = domain.response_completed(event.instrument.code, event.scores, event.programme_id, event.form)
        if deltas and event.instrument.code == domain.INTERESTS_INSTRUMENT:
            # by grade too: the pupil's registration first (parked until it comes)
            pupil = await self._reference_or_park(work, Participant, "participant", person, envelope)
            if pupil is None:
                return
            leanings = [kind for kind in domain.INTEREST_TYPES if deltas.get(f"interests_leaning_{kind}")]
            deltas.update(domain.interests_by(pupil.grade, event.programme_id, leanings))
        if event.item_values is not None or event.item_choices is not None:  # a custom instrument, item by item
            deltas.update(domain.custom_answer(event.instrument.code, event.instrument.version, event.item_values or {},
                                               event.item_choices or {}))
        if deltas:
            self._add(batch, school, event.academic_year, deltas, person=person)

    async def _diagnostic(self, work: Work, school: School, envelope: Envelope, event: ResponseCompleted, batch: Batch) -> None:
        """The latest start and end answers (by event time) of a person in a year to a staged
        instrument count: the deficit self-diagnosis (Diagnostic) or the growth measurement (Measurement)."""
        person, year, code = event.respondent_id, event.academic_year, event.instrument.code
        model = Diagnostic if code == domain.DEFICIT_INSTRUMENT else Measurement
        await lock_key(work.session, f"person:{person}")
        rows = {
            row.stage: row
            for row in (await work.session.exec(select(model).where(model.person == person, model.academic_year == year))).all()
        }
        order_key = f"{envelope.time.astimezone(UTC).isoformat()}|{event.response_id}"
        current = rows.get(event.stage)
        if current is not None and current.order_key >= order_key:
            return
        scores = {stage: json.loads(row.scores) for stage, row in rows.items()}
        old = domain.staged_contribution(code, scores.get("start"), scores.get("end"))
        scores[event.stage] = domain.staged_scores(code, event.scores)
        new = domain.staged_contribution(code, scores.get("start"), scores.get("end"))
        row = current or model(person=person, academic_year=year, stage=event.stage, school_id=school.id, order_key=order_key, scores="{}")
        row.order_key, row.scores = order_key, json.dumps(scores[event.stage], sort_keys=True)
        work.session.add(row)
        self._add(batch, school, year, domain.difference(new, old), person=person)

    # -- development plans: the latest state of each pair's plan counts -------------------

    async def _plan(self, work: Work, envelope: Envelope, event: PlanUpdated | PlanMeasureCompleted, batch: Batch) -> None:
        """Plans belong to pairs, not to people: a withdrawal leaves them (pairing ends the pair).
        Both event types carry the whole progress, so the latest by event time replaces the
        earlier state; at the same time the larger progress wins (arrival order never matters)."""
        school = await self._school_or_park(work, event.school_id, envelope)
        if school is None:
            return
        await lock_key(work.session, f"plan:{event.pair_id}")
        at = envelope.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        order_key = f"{at}|{event.measures_done:09d}|{event.measures_total:09d}"
        row = await work.session.get(PlanProgress, event.pair_id)
        if row is not None and row.order_key >= order_key:
            return
        new = domain.plan_progress(event.measures_total, event.measures_done)
        if row is None:
            row = PlanProgress(pair_id=event.pair_id, school_id=school.id, academic_year=event.academic_year, order_key=order_key)
        old = domain.plan_progress(row.measures_total, row.measures_done)
        if (row.school_id, row.academic_year) == (school.id, event.academic_year):
            self._add(batch, school, event.academic_year, domain.difference(new, old))
        else:  # the pair's plan moved (not expected): leave the old place, count at the new one
            self._add(batch, await work.session.get(School, row.school_id), row.academic_year, domain.negate(old))
            self._add(batch, school, event.academic_year, new)
        row.school_id, row.academic_year, row.order_key = school.id, event.academic_year, order_key
        row.measures_total, row.measures_done = event.measures_total, event.measures_done
        work.session.add(row)

    # -- programmes: only their titles, for the SWOT breakdown -----------------------------

    async def _programme(self, work: Work, envelope: Envelope, event: ProgrammeLaunched | ProgrammeUpdated) -> None:
        """Both events carry the programme's whole state: the latest by event time replaces the
        earlier one (at the same time an update wins over the launch), so an update arriving
        before its launch, or a redelivery, changes nothing afterwards. No counter moves, and
        the school need not be known yet: nothing is parked."""
        await lock_key(work.session, f"programme:{event.programme_id}")
        at = envelope.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
        order_key = f"{at}|{int(isinstance(event, ProgrammeUpdated))}|{envelope.id}"
        row = await work.session.get(Programme, event.programme_id)
        if row is not None and row.order_key >= order_key:
            return
        row = row or Programme(id=event.programme_id)
        row.school_id, row.academic_year, row.title, row.order_key = event.school_id, event.academic_year, event.title, order_key
        work.session.add(row)

    async def _swot_rows(self, session: AsyncSession, counters: dict[str, float]) -> list[domain.SwotRow]:
        """The SWOT breakdown of a scope, with the titles of the programmes known."""
        rows = domain.swot_breakdown(counters)
        ids = {row.programme_id for row in rows if row.programme_id}
        if not ids:
            return rows
        titles = dict((await session.exec(select(Programme.id, Programme.title).where(col(Programme.id).in_(ids)))).all())
        return domain.swot_breakdown(counters, titles)

    # -- survey campaigns: opened, answered, closed (any order) ---------------------------

    async def _campaign(self, work: Work, campaign_id: str) -> Campaign:
        await lock_key(work.session, f"campaign:{campaign_id}")
        return await work.session.get(Campaign, campaign_id) or Campaign(id=campaign_id)

    async def _campaign_counts(self, work: Work, row: Campaign) -> dict[str, float]:
        """What a campaign contributes now: nothing before it is opened; the closing figures once closed."""
        if not row.opened:
            return {}
        if row.closed:
            return domain.campaign(row.school_id is None, row.closed_invited, row.closed_responded)
        await work.session.flush()
        responses = (await work.session.exec(select(CampaignResponse.response_id).where(CampaignResponse.campaign_id == row.id))).all()
        return domain.campaign(row.school_id is None, row.invited, len(responses))

    async def _campaign_changed(self, work: Work, row: Campaign, old: dict[str, float], batch: Batch) -> None:
        work.session.add(row)
        change = domain.difference(await self._campaign_counts(work, row), old)
        if not row.opened or not change:
            return
        if row.school_id is None:
            self._add_beyond_schools(batch, str(row.academic_year), change, row.municipality_id)
        else:
            self._add(batch, await work.session.get(School, row.school_id), str(row.academic_year), change)

    async def _campaign_opened(self, work: Work, envelope: Envelope, event: CampaignOpened, batch: Batch) -> None:
        if event.school_id is not None and await self._school_or_park(work, event.school_id, envelope) is None:
            return
        row = await self._campaign(work, event.campaign_id)
        if row.opened:
            return
        old = await self._campaign_counts(work, row)
        row.opened, row.school_id, row.invited = True, event.school_id, event.invited
        row.municipality_id = event.municipality_id if event.school_id is None else None
        row.academic_year = academic_year_of(event.opens_on)
        await self._campaign_changed(work, row, old, batch)
        if row.school_id is None:  # answers that came first count for their schools now
            for response in (await work.session.exec(select(CampaignResponse).where(CampaignResponse.campaign_id == row.id))).all():
                school = await work.session.get(School, response.school_id)
                self._add(batch, school, response.academic_year, {"regional_campaign_responses": 1})

    async def _campaign_closed(self, work: Work, event: CampaignClosed, batch: Batch) -> None:
        row = await self._campaign(work, event.campaign_id)
        if row.closed:
            return
        old = await self._campaign_counts(work, row)
        row.closed, row.closed_invited, row.closed_responded = True, event.invited, event.responded
        await self._campaign_changed(work, row, old, batch)

    async def _campaign_response(self, work: Work, school: School, event: ResponseCompleted, batch: Batch) -> None:
        """A response counts once for its campaign. The campaign's count, not the person's: it
        stays when the person withdraws (surveys' closing figures are the final word)."""
        row = await self._campaign(work, str(event.campaign_id))
        if await work.session.get(CampaignResponse, (row.id, event.response_id)) is not None:
            return
        old = await self._campaign_counts(work, row)
        work.session.add(CampaignResponse(campaign_id=row.id, response_id=event.response_id, school_id=school.id, academic_year=event.academic_year))
        await self._campaign_changed(work, row, old, batch)
        if row.opened and row.school_id is None:
            self._add(batch, school, event.academic_year, {"regional_campaign_responses": 1})

    # -- a withdrawn person leaves the counts; reports keeps a pseudonym only ---------------

    async def _ignored_withdrawn(self, work: Work, envelope: Envelope, participant_id: str) -> bool:
        """An event about a person who already withdrew: changes nothing, and its stored body
        is anonymised."""
        alias = domain.pseudonym(participant_id)
        if alias in work.session.info.get(_NOT_WITHDRAWN, ()) or await work.session.get(Withdrawn, alias) is None:
            return False
        if participant_id != alias:
            await self._anonymise_inbox(work, participant_id, only_message=envelope.id)
        return True

    async def _withdrawn(self, work: Work, envelope: Envelope, event: ParticipantWithdrawn, batch: Batch) -> None:
        raw = event.participant_id
        alias = domain.pseudonym(raw)
        await lock_key(work.session, f"participant:{raw}")
        await lock_key(work.session, f"person:{raw}")
        if await work.session.get(Withdrawn, alias) is not None:
            return
        work.session.add(Withdrawn(pseudonym=alias))
        work.session.info.get(_NOT_WITHDRAWN, set()).discard(alias)
        await self._flush(work, batch)
        session = work.session
        # what they added: registration, roles, answers, diagnostics
        for row in (await session.exec(select(Contribution).where(Contribution.person == raw))).all():
            school = await session.get(School, row.school_id)
            if school is not None and row.value:
                self._add(batch, school, row.academic_year, {row.name: -row.value})
            await session.delete(row)
        person = await session.get(Participant, raw)
        roles = (await session.exec(select(RoleInYear).where(RoleInYear.participant_id == raw))).all()
        left_in = academic_year_of(envelope.time.date())
        for role in roles:
            if person is not None:
                school = await session.get(School, person.school_id)
                if school is not None:
                    await self._school_people(work, school, role.academic_year, -1, batch)
                    if role.role == "mentee":
                        during = left_in <= role.academic_year
                        self._add(batch, school, role.academic_year, domain.mentee_withdrawn(_retention_groups(person), event.reason, during))
            await session.delete(role)
        for load in (await session.exec(select(MentorLoad).where(MentorLoad.mentor_id == raw))).all():
            school = await session.get(School, load.school_id)
            if school is not None:
                self._add(batch, school, load.academic_year, domain.negate(domain.mentor_state(load.capacity, load.active_mentees)))
            await session.delete(load)
        await session.exec(delete(Diagnostic).where(col(Diagnostic.person) == raw))
        await session.exec(delete(Measurement).where(col(Measurement.person) == raw))
        if person is not None:
            await session.delete(person)
        if raw != alias:
            await session.exec(update(Pair).where(col(Pair.mentor_id) == raw).values(mentor_id=alias))
            await session.exec(delete(ParkedEvent).where(col(ParkedEvent.body).contains(raw)))
            await self._anonymise_inbox(work, raw)

    async def _anonymise_inbox(self, work: Work, raw: str, only_message: str | None = None) -> None:
        query = select(InboxMessage).where(InboxMessage.consumer == CONSUMER, col(InboxMessage.body).contains(raw))
        if only_message is not None:
            query = query.where(InboxMessage.message_id == only_message)
        for row in (await work.session.exec(query)).all():
            row.body = anonymised(row.body, raw)
            work.session.add(row)

    # -- counters -------------------------------------------------------------------------

    def _scopes(self, school: School) -> list[Scope]:
        return [("school", school.id), ("municipality", school.municipality_id), ("region", school.region_id)]

    def _add(self, batch: Batch, school: School | None, year: str, deltas: dict[str, float], person: str | None = None) -> None:
        if school is None:
            return
        for level, scope_id in self._scopes(school):
            batch.add((level, scope_id, year), deltas)
        if person is not None:
            for name, delta in deltas.items():
                if delta:
                    batch.contributions[(person, school.id, year, name)] += delta

    def _add_beyond_schools(self, batch: Batch, year: str, deltas: dict[str, float], municipality_id: str | None) -> None:
        """Counters of a campaign beyond one school (domain.REGION_ONLY): a region-wide one counts
        for the region, a municipality-wide one for its municipality and the region."""
        scopes = [("region", self.region_id)] + ([("municipality", municipality_id)] if municipality_id else [])
        for level, scope_id in scopes:
            batch.add((level, scope_id, year), deltas)

    async def _flush(self, work: Work, batch: Batch) -> None:
        insert = pg_insert if self.db.is_postgres else sqlite_insert
        if batch.counters:
            rows = [
                {"scope": k[0], "scope_id": k[1], "academic_year": k[2], "name": k[3], "value": v}
                for k, v in sorted(batch.counters.items())
                if v
            ]
            if rows:
                table = Counter.__table__  # Core, not the ORM: no per-row ORM bookkeeping
                statement = insert(table).values(rows)
                statement = statement.on_conflict_do_update(
                    index_elements=["scope", "scope_id", "academic_year", "name"],
                    set_={"value": table.c.value + statement.excluded.value},
                )
                await work.session.exec(statement)
        if batch.contributions:
            rows = [
                {"person": k[0], "school_id": k[1], "academic_year": k[2], "name": k[3], "value": v}
                for k, v in sorted(batch.contributions.items())
                if v
            ]
            if rows:
                table = Contribution.__table__
                statement = insert(table).values(rows)
                statement = statement.on_conflict_do_update(
                    index_elements=["person", "school_id", "academic_year", "name"],
                    set_={"value": table.c.value + statement.excluded.value},
                )
                await work.session.exec(statement)
        batch.counters.clear()
        batch.contributions.clear()

    async def _announce(
        self,
        work: Work,
        touched: set[tuple[str, str, str]],
        cause: Envelope,
        *,
        emit: bool,
        causes: dict[tuple[str, str, str], list[str]] | None = None,
    ) -> int:
        """One reports.indicators.updated.v1 per touched scope and year, and a history row. A
        population change (no year) is announced for the academic year in which it happened.
        `causes`: per touched scope, the events applied together that changed it (the last is
        `caused_by`, the others `also_caused_by`); without it, `cause` alone."""
        population_year = academic_year_of(cause.time.date())
        by_scope: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for level, scope_id, year in touched:
            key = (level, scope_id, year if year != domain.POPULATION else population_year)
            by_scope[key].extend((causes or {}).get((level, scope_id, year), []))
        years = sorted(by_scope)
        if not years:
            return 0
        all_counters = await self._counters_of(work.session, years)
        at = cause.time.astimezone(UTC)
        for level, scope_id, year in years:
            values = domain.compute(all_counters.get((level, scope_id, year), {}))
            ids = list(dict.fromkeys(by_scope[(level, scope_id, year)])) or [cause.id]
            work.session.add(
                History(scope=level, scope_id=scope_id, academic_year=year, at=at, caused_by=ids[-1], values=json.dumps(values))
            )
            if emit:
                work.emit(
                    IndicatorsUpdated(
                        scope=level, scope_id=scope_id, academic_year=year, indicators=values, caused_by=ids[-1], also_caused_by=ids[:-1]
                    )
                )
        return len(years)

    async def _counters_of(self, session: AsyncSession, scopes: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], dict[str, float]]:
        """Counters of several (level, id, year) at once; population counters added to each year."""
        ids = {scope_id for _, scope_id, _ in scopes}
        years = {year for _, _, year in scopes} | {domain.POPULATION}
        rows = await session.exec(
            select(Counter).where(col(Counter.scope_id).in_(ids), col(Counter.academic_year).in_(years))
        )
        by_key: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
        wanted = set(scopes)
        population: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
        for row in rows.all():
            if row.academic_year == domain.POPULATION:
                population[(row.scope, row.scope_id)][row.name] = row.value
            elif (row.scope, row.scope_id, row.academic_year) in wanted:
                by_key[(row.scope, row.scope_id, row.academic_year)][row.name] = row.value
        out = {}
        for level, scope_id, year in scopes:
            out[(level, scope_id, year)] = domain.add_up([population.get((level, scope_id), {}), by_key.get((level, scope_id, year), {})])
        return out

    async def _counters(self, session: AsyncSession, level: str, scope_id: str, year: str) -> dict[str, float]:
        return (await self._counters_of(session, [(level, scope_id, year)]))[(level, scope_id, year)]

    # -- events that arrive before what they refer to -----------------------------------

    async def _school_or_park(self, work: Work, school_id: str, envelope: Envelope) -> School | None:
        return await self._reference_or_park(work, School, "school", school_id, envelope)

    async def _reference_or_park(self, work: Work, model: type, kind: str, key: str, envelope: Envelope):  # noqa: ANN202
        """The referenced row, or None after parking the event until it is registered. The lock
        makes parking and releasing of one reference take turns (else a park committed just
        after the release would wait forever)."""
        await lock_key(work.session, f"{kind}:{key}")
        row = await work.session.get(model, key)
        if row is not None:
            _keep(work.session, [row])
        else:
            await work.session.merge(
                ParkedEvent(waiting_for=f"{kind}:{key}", message_id=envelope.id, event_type=envelope.type, body=envelope.model_dump_json())
            )
            structlog.get_logger().info("event.parked", service=CONSUMER, event_type=envelope.type, message_id=envelope.id, waiting_for=kind)
        return row

    async def _release(self, work: Work, waiting_for: str, batch: Batch) -> None:
        await lock_key(work.session, waiting_for)
        parked = (await work.session.exec(select(ParkedEvent).where(ParkedEvent.waiting_for == waiting_for))).all()
        if parked:
            structlog.get_logger().info("event.released", service=CONSUMER, waiting_for=waiting_for.split(":", 1)[0], events=len(parked))
        for row in sorted(parked, key=lambda r: r.message_id):
            await work.session.delete(row)
            envelope = Envelope.model_validate_json(row.body)
            event = event_class(envelope.type).model_validate(envelope.data)
            await work.session.flush()
            cause, batch.cause = batch.cause, envelope.id  # the released event is named in the announcement too
            await self._apply(work, envelope, event, batch)
            batch.cause = cause

    # -- rebuild --------------------------------------------------------------------------

    async def rebuild(self, uow, *, batch_size: int = 500) -> dict[str, int]:  # noqa: ANN001
        """Recompute every table from the consumed events (inbox bodies, in arrival order), in
        one transaction, then announce every scope's values once. Consumers wait meanwhile
        (the inbox is locked on PostgreSQL)."""
        started = time.perf_counter()
        events = 0
        async with uow(correlation_id="reports-rebuild") as work:
            session = work.session
            if self.db.is_postgres:
                await session.exec(text("LOCK TABLE inbox IN EXCLUSIVE MODE"))
            for table in reversed(DERIVED):
                await session.exec(delete(table))
            offset = 0
            while True:
                rows = (
                    await session.exec(
                        select(InboxMessage.message_id, InboxMessage.event_type, InboxMessage.body)
                        .where(InboxMessage.consumer == CONSUMER)
                        .order_by(col(InboxMessage.received_at), col(InboxMessage.message_id))
                        .offset(offset)
                        .limit(batch_size)
                    )
                ).all()
                if not rows:
                    break
                offset += len(rows)
                for _message_id, event_type, body in rows:
                    envelope = Envelope.model_validate_json(body)
                    cls = BY_TYPE.get(event_type)
                    if cls is None:
                        continue
                    batch = Batch()
                    await self._apply(work, envelope, cls.model_validate(envelope.data), batch)
                    await self._flush(work, batch)
                    await self._announce(work, batch.touched, envelope, emit=False)
                    events += 1
            scopes = (await session.exec(select(Counter.scope, Counter.scope_id, Counter.academic_year).distinct())).all()
            final = sorted({(s, i, y) for s, i, y in scopes if y != domain.POPULATION})
            values = await self._counters_of(session, final) if final else {}
            cause = f"rebuild-{utcnow().strftime('%Y%m%dT%H%M%S')}"
            for level, scope_id, year in final:
                work.emit(
                    IndicatorsUpdated(
                        scope=level, scope_id=scope_id, academic_year=year, indicators=domain.compute(values[(level, scope_id, year)]), caused_by=cause
                    )
                )
        return {"events": events, "scopes": len(final), "seconds": round(time.perf_counter() - started, 2)}

    async def counter_snapshot(self) -> dict[tuple[str, str, str, str], float]:
        """All non-zero counters (for comparing live and rebuilt state)."""
        async with self.db.sessions() as session:
            rows = (await session.exec(select(Counter))).all()
        return {(r.scope, r.scope_id, r.academic_year, r.name): round(r.value, 9) for r in rows if round(r.value, 9) != 0}

    # -- reading --------------------------------------------------------------------------

    async def indicators(self, level: str, scope_id: str, year: str, principal: Principal) -> list[IndicatorValue]:
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            values = domain.compute(await self._counters(session, level, scope_id, year))
        return [IndicatorValue(i.code, i.name, i.unit, i.formula, values[i.code]) for i in domain.INDICATORS]

    async def history(self, level: str, scope_id: str, year: str, principal: Principal, limit: int = 500) -> list[dict]:
        """The announced values of a scope over time (oldest first), at most `limit` points
        evenly thinned out over the year."""
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            rows = (
                await session.exec(
                    select(History.at, History.caused_by, History.values)
                    .where(History.scope == level, History.scope_id == scope_id, History.academic_year == year)
                    .order_by(col(History.id))
                )
            ).all()
        if len(rows) > limit:
            step = len(rows) / limit
            rows = [rows[int(i * step)] for i in range(limit - 1)] + [rows[-1]]
        return [{"at": (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat(), "caused_by": caused_by, "values": json.loads(values)} for at, caused_by, values in rows]

    async def academic_years(self) -> list[str]:
        async with self.db.sessions() as session:
            years = (await session.exec(select(Counter.academic_year).distinct())).all()
        return sorted((y for y in years if y != domain.POPULATION), reverse=True)

    async def children(self, level: str, scope_id: str, principal: Principal) -> list[tuple[str, str, str]]:
        """Drill-down: (level, id, name) of the municipalities of a region or schools of a municipality."""
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            schools = (await session.exec(select(School).order_by(School.municipality_name, School.name))).all()
        if level == "region":
            seen: dict[str, str] = {}
            for s in schools:
                if s.region_id == scope_id and principal.sees_municipality(s.municipality_id):
                    seen.setdefault(s.municipality_id, s.municipality_name)
            return [("municipality", mid, name) for mid, name in seen.items()]
        if level == "municipality":
            return [("school", s.id, s.name) for s in schools if s.municipality_id == scope_id and principal.sees_school(s.id, s.municipality_id)]
        return []

    async def scope_name(self, level: str, scope_id: str) -> str:
        if level == "region":
            return self.region_name
        async with self.db.sessions() as session:
            if level == "school":
                school = await session.get(School, scope_id)
                return school.name if school else scope_id
            school = (await session.exec(select(School).where(School.municipality_id == scope_id).limit(1))).first()
            return school.municipality_name if school else scope_id

    async def municipality_of(self, school_id: str) -> str:
        async with self.db.sessions() as session:
            school = await session.get(School, school_id)
        return school.municipality_id if school else ""

    async def report(self, level: str, scope_id: str, year: str, principal: Principal) -> ReportData:
        """The monitoring report of a scope: its values, its municipalities and schools, and the
        low-result / difficult-condition schools shown apart."""
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            schools = [
                s
                for s in (await session.exec(select(School).order_by(School.municipality_name, School.name))).all()
                if (level == "region" and s.region_id == scope_id)
                or (level == "municipality" and s.municipality_id == scope_id)
                or (level == "school" and s.id == scope_id)
            ]
            # plain columns, not ORM rows: a region of 1,000 schools has ~50,000 counters, and
            # building an object for each took seconds (the dashboard must render in < 300 ms)
            query = select(Counter.scope_id, Counter.name, Counter.value).where(
                Counter.scope == "school", col(Counter.academic_year).in_([year, domain.POPULATION])
            )
            if level != "region":
                query = query.where(col(Counter.scope_id).in_([s.id for s in schools]))
            rows = (await session.exec(query)).all()
            region_only = {}
            if level in ("region", "municipality"):
                scope_counters = await self._counters(session, level, scope_id, year)
                region_only = {name: scope_counters[name] for name in domain.REGION_ONLY if name in scope_counters}
            municipality_wide = await self._municipality_wide(session, year)
        counters: dict[str, dict[str, float]] = defaultdict(dict)
        for school_id, name, value in rows:
            bucket = counters[school_id]
            bucket[name] = bucket.get(name, 0) + value
        school_rows = [
            ScopeRow("school", s.id, s.name, s.municipality_name, domain.compute(counters.get(s.id, {})), s.low_results, s.difficult_conditions)
            for s in schools
        ]
        by_municipality: dict[str, list[School]] = defaultdict(list)
        for s in schools:
            by_municipality[s.municipality_id].append(s)
        municipality_rows = [
            ScopeRow("municipality", mid, members[0].municipality_name, self.region_name,
                     domain.compute(domain.add_up([*(counters.get(s.id, {}) for s in members), municipality_wide.get(mid, {})])))
            for mid, members in by_municipality.items()
        ]
        groups = []
        for label, members in (
            ("Школы с низкими образовательными результатами", [s for s in schools if s.low_results]),
            ("Школы в сложных социальных условиях", [s for s in schools if s.difficult_conditions]),
            ("Остальные школы", [s for s in schools if not (s.low_results or s.difficult_conditions)]),
        ):
            groups.append(ScopeRow("group", label, label, "", domain.compute(domain.add_up(counters.get(s.id, {}) for s in members))))
        whole_counters = domain.add_up([*(counters.get(s.id, {}) for s in schools), region_only])
        title = await self.scope_name(level, scope_id)
        scope = ScopeRow(level, scope_id, title, "", domain.compute(whole_counters))
        municipalities = municipality_rows if level == "region" else []
        async with self.db.sessions() as session:
            swot = await self._swot_rows(session, whole_counters)
            breakdowns = await self._breakdowns(session, whole_counters, level, scope_id)
        return ReportData(level, scope_id, title, year, scope, municipalities, school_rows, groups, swot, breakdowns)

    async def _municipality_wide(self, session: AsyncSession, year: str) -> dict[str, dict[str, float]]:
        """Per municipality, the counters of its municipality-wide campaigns (kept on the
        municipality itself, as the region's region-wide ones are)."""
        rows = await session.exec(
            select(Counter).where(Counter.scope == "municipality", Counter.academic_year == year, col(Counter.name).in_(domain.REGION_ONLY))
        )
        found: dict[str, dict[str, float]] = defaultdict(dict)
        for row in rows.all():
            found[row.scope_id][row.name] = row.value
        return found

    async def swot(self, level: str, scope_id: str, year: str, principal: Principal) -> list[domain.SwotRow]:
        """The SWOT summary of a scope per programme and form."""
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            return await self._swot_rows(session, await self._counters(session, level, scope_id, year))

    async def _check_visible(self, session: AsyncSession, level: str, scope_id: str, principal: Principal) -> None:
        if level == "region":
            visible = principal.scope == "region" and scope_id == self.region_id
        elif level == "municipality":
            visible = principal.sees_municipality(scope_id)
        else:
            school = await session.get(School, scope_id)
            visible = school is not None and principal.sees_school(school.id, school.municipality_id)
        if not visible:
            raise NotFound(f"Нет данных для {level} {scope_id}")


def anonymised(body: str, raw: str) -> str:
    """An inbox body with a withdrawn person's id replaced by their pseudonym and what they
    said about themselves (name, subjects, experience, grade, answers) removed."""
    alias = domain.pseudonym(raw)
    envelope = json.loads(body)

    def walk(value):  # noqa: ANN001, ANN202
        if isinstance(value, str):
            return value.replace(raw, alias)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        return value

    envelope = walk(envelope)
    data = envelope.get("data", {})
    if data.get("participant_id") == alias:
        for name, empty in (("display_name", ""), ("subjects", []), ("experience_years", None), ("grade", None), ("self_determination", None)):
            if name in data:
                data[name] = empty
    if data.get("respondent_id") == alias:
        data["scores"] = {}
        for name in ("item_values", "item_choices"):
            if data.get(name) is not None:
                data[name] = {}
    return json.dumps(envelope, ensure_ascii=False)
