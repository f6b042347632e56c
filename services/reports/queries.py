"""Reports' queries behind the API, the pages and the exports: a scope's indicators, their
history, the drill-down, the monitoring report and the SWOT summary, each within what the
person may see."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal

from services.reports import domain, domain_year
from services.reports.models import Counter, History, School
from services.reports.outcomes import OutcomesMixin


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name: str
    unit: str
    formula: str
    value: float | None


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



class ReportsQueries(OutcomesMixin):
    """Reading (a mixin of ReportsService, on ReportsCore through OutcomesMixin)."""

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
                kept = (*domain.REGION_ONLY, *domain_year.REGION_LEVEL)  # counted beyond schools: not a sum over them
                region_only = {name: scope_counters[name] for name in kept if name in scope_counters}
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

