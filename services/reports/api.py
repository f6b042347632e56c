"""HTTP routes of reports: indicators by scope and year, drill-down, and the dashboard page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from shared.auth import Authenticator, Principal
from shared.clock import academic_year_of

from services.reports import charts, domain, exports
from services.reports.service import ReportsService

Level = Literal["region", "municipality", "school"]
YEAR = Query(default=None, pattern=r"^\d{4}/\d{4}$", description="Учебный год, по умолчанию текущий")
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CHILDREN_TITLE = {"region": "Муниципалитеты", "municipality": "Школы"}


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


def build_router(service: ReportsService, auth: Authenticator, region_name: str) -> APIRouter:
    router = APIRouter(tags=["reports"])
    anyone = auth.require()

    @router.get("/api/v1/indicators/definitions", summary="Определения показателей")
    async def definitions(_: Principal = Depends(anyone)) -> list[IndicatorOut]:
        return [IndicatorOut(code=i.code, name=i.name, unit=i.unit, formula=i.formula, value=None) for i in domain.INDICATORS]

    @router.get("/api/v1/indicators/{scope}/{scope_id}", summary="Показатели уровня за учебный год")
    async def indicators(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[IndicatorOut]:
        year = academic_year or academic_year_of(date.today())
        values = await service.indicators(scope, scope_id, year, principal)
        return [IndicatorOut(**v.__dict__) for v in values]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/children", summary="Уровень ниже: муниципалитеты или школы")
    async def children(scope: Level, scope_id: str, principal: Principal = Depends(anyone)) -> list[ScopeOut]:
        return [ScopeOut(scope=level, scope_id=i, name=name) for level, i, name in await service.children(scope, scope_id, principal)]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/history", summary="История значений показателей уровня")
    async def history(
        scope: Level,
        scope_id: str,
        academic_year: str | None = YEAR,
        code: list[str] | None = Query(default=None, description="Коды показателей (по умолчанию все)"),
        limit: int = Query(default=500, ge=2, le=5000),
        principal: Principal = Depends(anyone),
    ) -> list[HistoryPoint]:
        year = academic_year or academic_year_of(date.today())
        points = await service.history(scope, scope_id, year, principal, limit)
        wanted = set(code or [])
        return [
            HistoryPoint(at=p["at"], caused_by=p["caused_by"], values={k: v for k, v in p["values"].items() if not wanted or k in wanted})
            for p in points
        ]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/swot", summary="SWOT-анализ по программам и формам наставничества")
    async def swot(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[SwotRowOut]:
        year = academic_year or academic_year_of(date.today())
        rows = await service.swot(scope, scope_id, year, principal)
        return [SwotRowOut(programme_id=r.programme_id, programme_name=r.programme_name, form=r.form, form_name=r.form_name, responses=r.responses, **r.means) for r in rows]

    @router.get("/api/v1/indicators/{scope}/{scope_id}/drilldown", summary="Показатели уровня ниже: муниципалитеты или школы")
    async def drilldown(
        scope: Level, scope_id: str, academic_year: str | None = YEAR, principal: Principal = Depends(anyone)
    ) -> list[DrilldownRow]:
        year = academic_year or academic_year_of(date.today())
        report = await service.report(scope, scope_id, year, principal)
        rows = report.municipalities if scope == "region" else report.schools if scope == "municipality" else []
        return [
            DrilldownRow(scope=r.level, scope_id=r.scope_id, name=r.name, low_results=r.low_results, difficult_conditions=r.difficult_conditions, indicators=r.values)  # type: ignore[arg-type]
            for r in rows
            if r.level != "municipality" or principal.sees_municipality(r.scope_id)
        ]

    @router.get("/api/v1/exports/{scope}/{scope_id}.{fmt}", summary="Отчёт мониторинга файлом: xlsx, pdf или csv")
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
        year = academic_year or academic_year_of(date.today())
        report = await service.report(scope, scope_id, year, principal)
        content = await run_in_threadpool(exports.render, report, fmt, table)
        name = exports.filename(report, fmt, table if fmt == "csv" else None)
        return Response(content, media_type=exports.FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @router.get("/dashboard", response_class=HTMLResponse, summary="Дашборд мониторинга (страница)")
    async def dashboard(
        request: Request,
        scope: Level = "region",
        scope_id: str | None = None,
        academic_year: str | None = YEAR,
        principal: Principal = Depends(anyone),
    ) -> HTMLResponse:
        scope_id = scope_id or (service.region_id if scope == "region" else principal.scope_id)
        if principal.scope != "region" and scope == "region":
            scope, scope_id = principal.scope, principal.scope_id
        year = academic_year or academic_year_of(date.today())
        values = await service.indicators(scope, scope_id, year, principal)
        report = await service.report(scope, scope_id, year, principal)
        points = await service.history(scope, scope_id, year, principal, limit=200)
        kids = report.municipalities if scope == "region" else report.schools if scope == "municipality" else []
        kids = [k for k in kids if k.level != "municipality" or principal.sees_municipality(k.scope_id)]
        title = await service.scope_name(scope, scope_id)
        crumbs = []
        if principal.scope == "region":
            crumbs.append({"href": f"?scope=region&academic_year={year}", "name": region_name})
        if scope == "school" and principal.scope in ("region", "municipality"):
            municipality = report.schools[0] if report.schools else None
            if municipality is not None:
                mid = await service.municipality_of(scope_id)
                crumbs.append({"href": f"?scope=municipality&scope_id={mid}&academic_year={year}", "name": municipality.parent})
        by_code = {v.code: v.value for v in values}

        def series(*codes: str) -> dict[str, list[float | None]]:
            return {domain.BY_CODE[c].name: [p["values"].get(c) for p in points] for c in codes}

        coverage_rows = [(k.name, [k.values.get("pupils_in_mentoring_share"), k.values.get("young_specialists_in_mentoring_share")]) for k in kids]
        coverage_rows.insert(0, (f"Итого: {title}", [by_code.get("pupils_in_mentoring_share"), by_code.get("young_specialists_in_mentoring_share")]))
        bands = list(domain.SATISFACTION_BANDS)
        figures = {
            "coverage_history": charts.line_chart(
                series("pupils_in_mentoring_share", "young_specialists_in_mentoring_share"),
                title="Охват наставничеством во времени, %", y_max=100, target=domain.PUPILS_TARGET,
            ),
            "coverage_target": charts.bar_chart(
                coverage_rows, ["обучающиеся, %", "молодые специалисты, %"], title="Охват против цели", y_max=100, target=domain.PUPILS_TARGET
            ),
            "satisfaction_history": charts.line_chart(
                series("mentee_satisfaction_mean", "mentor_satisfaction_mean"), title="Удовлетворённость во времени, балл из 10", y_max=10
            ),
            "satisfaction": charts.bar_chart(
                [(domain.SATISFACTION_BANDS[b][0], [by_code.get(f"mentee_satisfaction_{b}_share"), by_code.get(f"mentor_satisfaction_{b}_share")]) for b in bands],
                ["наставляемые", "наставники"], title="Распределение оценок удовлетворённости, % анкет", y_max=100,
            ),
            "growth": charts.bar_chart(
                [(label, [by_code.get(f"deficit_start_{a}"), by_code.get(f"deficit_end_{a}")]) for a, label in domain.DEFICIT_AREAS.items()],
                ["в начале", "в конце"], title="Дефициты в начале и в конце, средний балл",
            ),
            "pairs_history": charts.line_chart(series("pairs_active", "mentors_total", "mentees_total"), title="Пары и участники во времени"),
            "swot": charts.bar_chart(
                [(label, [by_code.get(f"swot_{q}_mean_{form}") for q in domain.SWOT_SCALES]) for form, label in domain.FORMS.items()
                 if by_code.get(f"swot_responses_{form}")] or [("нет анкет", [None] * len(domain.SWOT_SCALES))],
                list(domain.SWOT_SCALES.values()), title="SWOT по формам наставничества, отмечено факторов (среднее)",
            ),
        }
        return TEMPLATES.TemplateResponse(
            request,
            "dashboard.html",
            {
                "title": title,
                "year": year,
                "scope": scope,
                "scope_id": scope_id,
                "indicators": values,
                "key_codes": domain.KEY_CODES,
                "by_code": domain.BY_CODE,
                "children": kids,
                "groups": report.groups if scope != "school" else [],
                "swot": report.swot,
                "swot_scales": domain.SWOT_SCALES,
                "figures": figures,
                "children_title": CHILDREN_TITLE.get(scope, ""),
                "crumbs": crumbs,
            },
        )

    return router
