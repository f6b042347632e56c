"""Reports' projection: each consumed event applied to the counters of the scopes it touches (no
full recount), parked while what it refers to is unknown, released when it comes; a withdrawn
person's contributions subtracted; and the rebuild of every table from the consumed events.
The effect of the events does not depend on their arrival order (see service.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC

import structlog
from sqlalchemy import delete, text, update
from sqlmodel import col, select

from shared import clock
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
from shared.db import lock_key
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import Work

from services.reports import domain
from services.reports.counting import _NOT_WITHDRAWN, CONSUMER, Batch, _keep
from services.reports.models import (
    DERIVED,
    Campaign,
    CampaignResponse,
    Contribution,
    Counter,
    Diagnostic,
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
from services.reports.year import YEAR_EVENTS, YearMixin


class ReportsProjection(OutcomesMixin, YearMixin):
    """Applying events (a mixin of ReportsService, on ReportsCore through OutcomesMixin)."""

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
        elif isinstance(event, YEAR_EVENTS):
            await self._year_event(work, envelope, event, batch)

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
        left_in = academic_year_of(clock.local_date(envelope.time))
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
        await self._year_withdrawn(work, alias, batch)
        await session.exec(delete(Diagnostic).where(col(Diagnostic.person) == raw))
        await session.exec(delete(Measurement).where(col(Measurement.person) == raw))
        if person is not None:
            await session.delete(person)
        if raw != alias:
            await session.exec(update(Pair).where(col(Pair.mentor_id) == raw).values(mentor_id=alias))
            await session.exec(delete(ParkedEvent).where(col(ParkedEvent.body).contains(raw)))
            await self._anonymise_inbox(work, raw)

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

