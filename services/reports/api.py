"""HTTP API of reports: indicators by scope and year, drill-down, exports (the pages are in web.py)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shared import clock
from shared.auth import Authenticator, Principal
from shared.clock import academic_year_of
from shared.safe_export import attachment
from shared.scopes import scope_rule

from services.reports import domain, exports
from services.reports.analysis_cases import Analyses
from services.reports.service import ReportsService

Level = Literal["region", "municipality", "school"]
YEAR = Query(default=None, pattern=r"^\d{4}/\d{4}$", description="Учебный год, по умолчанию текущий")


class IndicatorOut(BaseModel):
    code: str
    name: str
    unit: str
    formula: str
    value: float | None


class HistoryPoint(BaseModel):
    at: str
    caused_by: str
    values: dict[str, float | None]


class DrilldownRow(BaseModel):
    scope: Level
    scope_id: str
    name: str
    low_results: bool
    difficult_conditions: bool
    indicators: dict[str, float | None]


class SwotRowOut(BaseModel):
    programme_id: str = Field(description="Пусто: программа не указана в анкетах")
    programme_name: str = Field(description="Название программы; код, если её запуск ещё не получен; «не указана» — нет в анкетах")
    form: str = Field(description="Форма наставничества; пусто — не указана")
    form_name: str
    responses: int
    strengths: float | None
    weaknesses: float | None
    opportunities: float | None
    threats: float | None


class ScopeOut(BaseModel):
    scope: Level
    scope_id: str
    name: str


def build_router(service: ReportsService, auth: Authenticator) -> APIRouter:
    router = APIRouter(tags=["reports"])
    anyone = auth.require()
    analyses = Analyses(service)

    @router.get("/api/v1/indicators/definitions", summary="Определения показателей", openapi_extra=scope_rule("region"))
    async def definitions(_: Principal = Depends(anyone)) -> list[IndicatorOut]:
        return [IndicatorOut(code=i.code, name=i.name, unit=i.unit, formula=i.formula, value=None) for i in domain.INDICATORS]

    @router.get("/api/v1/indicators/{scope}/{scope_id}", summary="Показатели уровня за учебный год", openapi_extra=scope_rule("school"))
    async def indicators(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[IndicatorOut]:
        year = academic_year or academic_year_of(clock.today())
        values = await service.indicators(scope, scope_id, year, principal)
        return [IndicatorOut(**v.__dict__) for v in values]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/children", summary="Уровень ниже: муниципалитеты или школы", openapi_extra=scope_rule("school"))
    async def children(scope: Level, scope_id: str, principal: Principal = Depends(anyone)) -> list[ScopeOut]:
        return [ScopeOut(scope=level, scope_id=i, name=name) for level, i, name in await service.children(scope, scope_id, principal)]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/history", summary="История значений показателей уровня", openapi_extra=scope_rule("school"))
    async def history(
        scope: Level,
        scope_id: str,
        academic_year: str | None = YEAR,
        code: list[str] | None = Query(default=None, description="Коды показателей (по умолчанию все)"),
        limit: int = Query(default=500, ge=2, le=5000),
        principal: Principal = Depends(anyone),
    ) -> list[HistoryPoint]:
        year = academic_year or academic_year_of(clock.today())
        points = await service.history(scope, scope_id, year, principal, limit)
        wanted = set(code or [])
        return [
            HistoryPoint(at=p["at"], caused_by=p["caused_by"], values={k: v for k, v in p["values"].items() if not wanted or k in wanted})
            for p in points
        ]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/swot", summary="SWOT-анализ по программам и формам наставничества", openapi_extra=scope_rule("school"))
    async def swot(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[SwotRowOut]:
        year = academic_year or academic_year_of(clock.today())
        rows = await service.swot(scope, scope_id, year, principal)
        return [SwotRowOut(programme_id=r.programme_id, programme_name=r.programme_name, form=r.form, form_name=r.form_name, responses=r.responses, **r.means) for r in rows]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/breakdowns",
                summary="Таблицы итогов: ДДО по классам и программам, педагоги по предметам, собственные анкеты",
                openapi_extra=scope_rule("school"))
    async def breakdowns(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[dict]:
        """Each table: code, title, headers, rows (the first cells name the row, then numbers; null: not shown), note."""
        year = academic_year or academic_year_of(clock.today())
        tables = await service.breakdowns(scope, scope_id, year, principal)
        return [{"code": t.code, "title": t.title, "headers": list(t.headers), "rows": [list(r) for r in t.rows], "note": t.note} for t in tables]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/drilldown", summary="Показатели уровня ниже: муниципалитеты или школы", openapi_extra=scope_rule("school"))
    async def drilldown(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[DrilldownRow]:
        year = academic_year or academic_year_of(clock.today())
        report = await service.report(scope, scope_id, year, principal)
        rows = report.municipalities if scope == "region" else report.schools if scope == "municipality" else []
        return [
            DrilldownRow(scope=r.level, scope_id=r.scope_id, name=r.name, low_results=r.low_results, difficult_conditions=r.difficult_conditions, indicators=r.values)
            for r in rows
            if r.level != "municipality" or principal.sees_municipality(r.scope_id)
        ]

    @router.get("/api/v1/exports/{scope}/{scope_id}.{fmt}", summary="Отчёт мониторинга файлом: xlsx, pdf или csv", openapi_extra=scope_rule("school"),
                response_class=Response,
                responses={200: {"description": "The file", "content": {media: {} for media in exports.FORMATS.values()}}})
    async def export(
        scope: Level,
        scope_id: str,
        fmt: Literal["xlsx", "pdf", "csv"],
        academic_year: str | None = YEAR,
        table: Literal["scope", "municipalities", "schools", "groups", "swot"] = Query(
            default="schools", description="Таблица для CSV: scope, municipalities, schools, groups или swot (SWOT по программам и формам)"
        ),
        principal: Principal = Depends(anyone),
    ) -> Response:
        year = academic_year or academic_year_of(clock.today())
        report = await service.report(scope, scope_id, year, principal)
        written = await analyses.for_export(report, principal) if fmt in ("pdf", "xlsx") else None
        content = await run_in_threadpool(exports.render, report, fmt, table, written)
        name = exports.filename(report, fmt, table if fmt == "csv" else None)
        return Response(content, media_type=exports.FORMATS[fmt], headers={"Content-Disposition": attachment(name)})

    return router
