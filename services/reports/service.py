"""Reports use cases: apply each consumed event to the counters of the scopes it touches
(no full recount), then announce the new indicator values of those scopes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import academic_year_of
from shared.contracts.catalogue import event_class
from shared.contracts.envelope import Envelope, EventData
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.contracts.reports import IndicatorsUpdated
from shared.contracts.surveys import ResponseCompleted
from shared.db import Database, lock_key
from shared.errors import NotFound
from shared.messaging.outbox import Work

from services.reports import domain
from services.reports.models import Counter, ParkedEvent, Participant, RoleInYear, School, SchoolInYear

Scope = tuple[str, str]  # (level, id)


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name: str
    unit: str
    formula: str
    value: float | None


class ReportsService:
    def __init__(self, db: Database, region_id: str) -> None:
        self.db = db
        self.region_id = region_id

    # -- applying events ------------------------------------------------------------------

    async def apply(self, work: Work, envelope: Envelope, event: EventData) -> None:
        touched: set[tuple[str, str, str]] = set()
        await self._apply(work, envelope, event, touched)
        await self._announce(work, touched, envelope)

    async def _apply(self, work: Work, envelope: Envelope, event: EventData, touched: set) -> None:
        if isinstance(event, SchoolRegistered):
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
            await self._add(work, school, domain.POPULATION, domain.school_registered(event.low_results, event.difficult_conditions), touched)
            await self._release(work, f"school:{school.id}", touched)
        elif isinstance(event, ParticipantRegistered):
            school = await self._school_or_park(work, event.school_id, envelope)
            if school is None:
                return
            person = Participant(
                id=event.participant_id,
                school_id=school.id,
                category=event.category,
                young_specialist=event.young_specialist,
            )
            await work.session.merge(person)
            await work.session.flush()
            await self._add(work, school, domain.POPULATION, domain.participant_registered(event.category, event.young_specialist), touched)
            await self._release(work, f"participant:{person.id}", touched)
        elif isinstance(event, ParticipantEnrolled):
            school = await self._school_or_park(work, event.school_id, envelope)
            if school is None:
                return
            person = await self._reference_or_park(work, Participant, "participant", event.participant_id, envelope)
            if person is None:
                return
            if await work.session.get(SchoolInYear, (school.id, event.academic_year)) is None:
                work.session.add(SchoolInYear(school_id=school.id, academic_year=event.academic_year))
                await self._add(work, school, event.academic_year, {"schools_with_programme": 1}, touched)
            if await work.session.get(RoleInYear, (person.id, event.academic_year, event.role)) is None:
                work.session.add(RoleInYear(participant_id=person.id, academic_year=event.academic_year, role=event.role))
                deltas = domain.role_taken(event.role, person.category, person.young_specialist)
                await self._add(work, school, event.academic_year, deltas, touched)
        elif isinstance(event, PairFormed):
            school = await self._school_or_park(work, event.school_id, envelope)
            if school is not None:
                await self._add(work, school, event.academic_year, domain.pair_formed(event.form), touched)
        elif isinstance(event, ResponseCompleted):
            school = await self._school_or_park(work, event.school_id, envelope)
            deltas = domain.response_completed(event.instrument.code, event.scores)
            if school is not None and deltas:
                await self._add(work, school, event.academic_year, deltas, touched)

    def _scopes(self, school: School) -> list[Scope]:
        return [("school", school.id), ("municipality", school.municipality_id), ("region", school.region_id)]

    async def _add(self, work: Work, school: School, year: str, deltas: dict[str, float], touched: set) -> None:
        insert = pg_insert if self.db.is_postgres else sqlite_insert
        for level, scope_id in self._scopes(school):
            touched.add((level, scope_id, year))
            for name, delta in deltas.items():
                if not delta:
                    continue
                statement = insert(Counter).values(scope=level, scope_id=scope_id, academic_year=year, name=name, value=delta)
                statement = statement.on_conflict_do_update(
                    index_elements=["scope", "scope_id", "academic_year", "name"],
                    set_={"value": Counter.value + statement.excluded.value},
                )
                await work.session.exec(statement)  # type: ignore[call-overload]

    async def _announce(self, work: Work, touched: set[tuple[str, str, str]], cause: Envelope) -> None:
        """One reports.indicators.updated.v1 per touched scope and year. A population change
        (no year) is announced for the academic year in which it happened."""
        years = {(level, scope_id, year if year != domain.POPULATION else academic_year_of(cause.time.date())) for level, scope_id, year in touched}
        for level, scope_id, year in sorted(years):
            counters = await self._counters(work.session, level, scope_id, year)
            work.emit(
                IndicatorsUpdated(
                    scope=level,  # type: ignore[arg-type]
                    scope_id=scope_id,
                    academic_year=year,
                    indicators=domain.compute(counters),
                    caused_by=cause.id,
                )
            )

    async def _counters(self, session, level: str, scope_id: str, year: str) -> dict[str, float]:  # noqa: ANN001
        rows = await session.exec(
            select(Counter).where(
                Counter.scope == level,
                Counter.scope_id == scope_id,
                col(Counter.academic_year).in_([year, domain.POPULATION]),
            )
        )
        counters: dict[str, float] = {}
        for row in rows.all():
            counters[row.name] = counters.get(row.name, 0) + row.value
        return counters

    # -- events that arrive before what they refer to -----------------------------------

    async def _school_or_park(self, work: Work, school_id: str, envelope: Envelope) -> School | None:
        return await self._reference_or_park(work, School, "school", school_id, envelope)

    async def _reference_or_park(self, work: Work, model: type, kind: str, key: str, envelope: Envelope):  # noqa: ANN202
        """The referenced row, or None after parking the event until it is registered. The lock
        makes parking and releasing of one reference take turns (else a park committed just
        after the release would wait forever)."""
        await lock_key(work.session, f"{kind}:{key}")
        row = await work.session.get(model, key)
        if row is None:
            await work.session.merge(
                ParkedEvent(waiting_for=f"{kind}:{key}", message_id=envelope.id, event_type=envelope.type, body=envelope.model_dump_json())
            )
        return row

    async def _release(self, work: Work, waiting_for: str, touched: set) -> None:
        await lock_key(work.session, waiting_for)
        parked = (await work.session.exec(select(ParkedEvent).where(ParkedEvent.waiting_for == waiting_for))).all()
        for row in parked:
            await work.session.delete(row)
            envelope = Envelope.model_validate_json(row.body)
            event = event_class(envelope.type).model_validate(envelope.data)
            await work.session.flush()
            await self._apply(work, envelope, event, touched)

    # -- reading --------------------------------------------------------------------------

    async def indicators(self, level: str, scope_id: str, year: str, principal: Principal) -> list[IndicatorValue]:
        async with self.db.sessions() as session:
            await self._check_visible(session, level, scope_id, principal)
            values = domain.compute(await self._counters(session, level, scope_id, year))
        return [
            IndicatorValue(i.code, i.name, i.unit, i.formula, values[i.code]) for i in domain.INDICATORS
        ]

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
            return [
                ("school", s.id, s.name)
                for s in schools
                if s.municipality_id == scope_id and principal.sees_school(s.id, s.municipality_id)
            ]
        return []

    async def _check_visible(self, session, level: str, scope_id: str, principal: Principal) -> None:  # noqa: ANN001
        if level == "region":
            visible = principal.scope == "region" and scope_id == self.region_id
        elif level == "municipality":
            visible = principal.sees_municipality(scope_id)
        else:
            school = await session.get(School, scope_id)
            visible = school is not None and principal.sees_school(school.id, school.municipality_id)
        if not visible:
            raise NotFound(f"Нет данных для {level} {scope_id}")
