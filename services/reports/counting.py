"""The counting core of the reports service: a Batch of counter changes, written at once in a
fixed order and announced per scope; events parked until what they refer to is registered; the
withdrawn people (pseudonyms only); who may see a scope. The projection (projection.py) and the
queries (queries.py) build on it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import structlog
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.contracts.envelope import Envelope
from shared.contracts.reports import IndicatorsUpdated
from shared.db import Database, lock_key
from shared.errors import NotFound
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import Work

from services.reports import domain
from services.reports.models import Contribution, Counter, History, ParkedEvent, Programme, School, Withdrawn

CONSUMER = "reports"
Scope = tuple[str, str]  # (level, id)
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



_KEPT = "reports.kept_rows"
_NOT_WITHDRAWN = "reports.not_withdrawn"
"""Per-transaction caches in Session.info (a session lives for one batch): SQLAlchemy's identity
map holds rows weakly, so the rows a batch reuses (its schools, people) are kept here; and the
people known not to have withdrawn, so that each event does not ask again."""


def _keep(session: AsyncSession, rows: Iterable[SQLModel]) -> None:
    session.info.setdefault(_KEPT, []).extend(rows)



class ReportsCore:
    """The state both halves of ReportsService share: the counters (gathered in a Batch, then
    flushed and announced), the events parked until what they refer to is known, the withdrawn
    people, and who may see a scope."""

    def __init__(self, db: Database, region_id: str, metrics=None, region_name: str = "") -> None:  # noqa: ANN001
        self.db = db
        self.region_id = region_id
        self.region_name = region_name or region_id
        self.metrics = metrics

    async def _swot_rows(self, session: AsyncSession, counters: dict[str, float]) -> list[domain.SwotRow]:
        """The SWOT breakdown of a scope, with the titles of the programmes known."""
        rows = domain.swot_breakdown(counters)
        ids = {row.programme_id for row in rows if row.programme_id}
        if not ids:
            return rows
        titles = dict((await session.exec(select(Programme.id, Programme.title).where(col(Programme.id).in_(ids)))).all())
        return domain.swot_breakdown(counters, titles)

    # -- withdrawn people: their events change nothing; reports keeps a pseudonym only ----

    async def _ignored_withdrawn(self, work: Work, envelope: Envelope, participant_id: str) -> bool:
        """An event about a person who already withdrew: changes nothing, and its stored body
        is anonymised."""
        alias = domain.pseudonym(participant_id)
        if alias in work.session.info.get(_NOT_WITHDRAWN, ()) or await work.session.get(Withdrawn, alias) is None:
            return False
        if participant_id != alias:
            await self._anonymise_inbox(work, participant_id, only_message=envelope.id)
        return True

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
                await _upsert_adding(work, insert(Counter.__table__), ["scope", "scope_id", "academic_year", "name"], rows)
        if batch.contributions:
            rows = [
                {"person": k[0], "school_id": k[1], "academic_year": k[2], "name": k[3], "value": v}
                for k, v in sorted(batch.contributions.items())
                if v
            ]
            if rows:
                await _upsert_adding(work, insert(Contribution.__table__), ["person", "school_id", "academic_year", "name"], rows)
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
        population_year = academic_year_of(clock.local_date(cause.time))
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

    async def counter_snapshot(self) -> dict[tuple[str, str, str, str], float]:
        """All non-zero counters (for comparing live and rebuilt state)."""
        async with self.db.sessions() as session:
            rows = (await session.exec(select(Counter))).all()
        return {(r.scope, r.scope_id, r.academic_year, r.name): round(r.value, 9) for r in rows if round(r.value, 9) != 0}

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


async def _upsert_adding(work: Work, statement: Any, keys: list[str], rows: list[dict[str, Any]]) -> None:
    """Add each row's value to the stored one (inserted if absent), in the rows' order (sorted by
    the caller: concurrent batches lock the same rows in the same order, so never deadlock).
    Core, not the ORM: no per-row bookkeeping; one statement with the rows as parameters, so
    its SQL is compiled once and cached, whatever the batch's size (a VALUES list built from
    the rows would be compiled anew for every batch)."""
    statement = statement.on_conflict_do_update(index_elements=keys, set_={"value": statement.table.c.value + statement.excluded.value})
    connection = await work.session.connection()
    await connection.execute(statement, rows)
