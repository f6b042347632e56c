"""HTTP routes of reports: indicators by scope and year, drill-down, and the dashboard page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from shared.auth import Authenticator, Principal
from shared.clock import academic_year_of

from services.reports import domain
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
        kids = await service.children(scope, scope_id, principal)
        title = region_name if scope == "region" else scope_id
        return TEMPLATES.TemplateResponse(
            request,
            "dashboard.html",
            {
                "title": title,
                "year": year,
                "indicators": values,
                "children": kids,
                "children_title": CHILDREN_TITLE.get(scope, ""),
                "crumbs": [{"href": f"?scope=region&academic_year={year}", "name": region_name}] if principal.scope == "region" else [],
            },
        )

    return router
