"""What the dashboard shows of a scope, read fast enough for a region of 1,000 schools.

The same figures as `ReportsService.report` (which the exports use: every school's every
indicator), but a region's municipalities are read from their own counters and the groups
(low results / difficult conditions / the others) are added up by the database, so Python
computes the indicators of a few dozen rows instead of a thousand. A municipality's rows are
its schools (a few dozen), computed one by one as the report does."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal

from services.reports import domain
from services.reports.models import Counter, School
from services.reports.queries import ReportData, ScopeRow
from services.reports.service import ReportsService

GROUPS = (
    ("Школы с низкими образовательными результатами", lambda low, difficult: low),
    ("Школы в сложных социальных условиях", lambda low, difficult: difficult),
    ("Остальные школы", lambda low, difficult: not (low or difficult)),
)


def _in_scope(query, level: str, scope_id: str):  # noqa: ANN001, ANN202
    if level == "region":
        return query.where(School.region_id == scope_id)
    if level == "municipality":
        return query.where(School.municipality_id == scope_id)
    return query.where(School.id == scope_id)


async def _school_sums(session: AsyncSession, ids: list[str], years: list[str]) -> dict[str, float]:
    """The counters of these schools added up by the database (the primary key's prefix finds them)."""
    if not ids:
        return {}
    query = select(Counter.name, func.sum(Counter.value)).where(
        Counter.scope == "school", col(Counter.scope_id).in_(ids), col(Counter.academic_year).in_(years)
    ).group_by(Counter.name)
    return dict((await session.exec(query)).all())


async def dashboard_data(service: ReportsService, level: str, scope_id: str, year: str, principal: Principal) -> ReportData:
    """The scope's values, its children (municipalities of a region, schools of a municipality),
    the groups of schools and the SWOT breakdown. NotFound outside the person's scope."""
    years = [year, domain.POPULATION]
    async with service.db.sessions() as session:
        await service._check_visible(session, level, scope_id, principal)  # noqa: SLF001 - the one scope rule of reports
        whole = await service._counters(session, level, scope_id, year)  # noqa: SLF001
        title = await service.scope_name(level, scope_id)
        municipalities: list[ScopeRow] = []
        schools: list[ScopeRow] = []
        groups: list[ScopeRow] = []
        if level == "region":
            # a municipality's counters are kept on the municipality itself (its schools' sums and
            # its municipality-wide campaigns): read them, no adding up over a thousand schools
            names = dict((await session.exec(
                select(School.municipality_id, School.municipality_name).where(School.region_id == scope_id).distinct()
            )).all())
            visible = sorted((mid for mid in names if principal.sees_municipality(mid)), key=lambda mid: names[mid])
            rows = (await session.exec(
                select(Counter.scope_id, Counter.academic_year, Counter.name, Counter.value).where(
                    Counter.scope == "municipality", col(Counter.academic_year).in_(years))
            )).all()
            sums: dict[str, dict[str, float]] = defaultdict(dict)
            for mid, _year, name, value in rows:
                sums[mid][name] = sums[mid].get(name, 0) + value
            municipalities = [ScopeRow("municipality", mid, names[mid], service.region_name, domain.compute(sums.get(mid, {})))
                              for mid in visible]
        elif level == "municipality":
            members = (await session.exec(
                select(School.id, School.name, School.municipality_name, School.low_results, School.difficult_conditions)
                .where(School.municipality_id == scope_id).order_by(School.name)
            )).all()
            rows = (await session.exec(
                select(Counter.scope_id, Counter.name, Counter.value).where(
                    Counter.scope == "school", col(Counter.academic_year).in_(years), col(Counter.scope_id).in_([m[0] for m in members]))
            )).all()
            counters: dict[str, dict[str, float]] = defaultdict(dict)
            for school_id, name, value in rows:
                counters[school_id][name] = counters[school_id].get(name, 0) + value
            schools = [ScopeRow("school", sid, name, parent, domain.compute(counters.get(sid, {})), low, difficult)
                       for sid, name, parent, low, difficult in members]
        if level != "school":
            flags = (await session.exec(_in_scope(select(School.id, School.low_results, School.difficult_conditions), level, scope_id))).all()
            for label, member in GROUPS:
                ids = [sid for sid, low, difficult in flags if member(low, difficult)]
                groups.append(ScopeRow("group", label, label, "", domain.compute(await _school_sums(session, ids, years))))
        swot = await service._swot_rows(session, whole)  # noqa: SLF001
        breakdowns = await service._breakdowns(session, whole, level, scope_id)  # noqa: SLF001
    scope = ScopeRow(level, scope_id, title, "", domain.compute(whole))
    return ReportData(level, scope_id, title, year, scope, municipalities, schools, groups, swot, breakdowns)
