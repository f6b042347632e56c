"""The page of a report's written analysis: the text (the approved version, else the one
generated from today's indicators), the editor for those who may edit it (save a draft,
approve, drop the draft), the earlier versions, and a warning when the figures changed since
approval. Use cases and role rules: analysis_cases.py."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.auth import Principal
from shared.errors import Conflict, Unprocessable
from shared.web import Pages

from services.reports.analysis_cases import READERS, Analyses
from services.reports.service import ReportsService
from services.reports.web import YEAR, current_year, home_scope

Level = Literal["region", "municipality", "school"]
SAVED = {
    "draft": "Черновик сохранён. Он виден сотрудникам с правом редактирования; в отчёт попадает только утверждённый текст.",
    "approved": "Анализ утверждён. Этот текст открывает отчёт в PDF и XLSX.",
    "discarded": "Черновик удалён.",
}


def page_url(level: str, scope_id: str, year: str, **extra: str) -> str:
    return "/reports/analysis?" + urlencode({"scope": level, "scope_id": scope_id, "academic_year": year, **extra})


def build_analysis_pages(service: ReportsService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    analyses = Analyses(service)
    reader = pages.viewer(*READERS)
    actor = pages.actor(*READERS)

    async def render(request: Request, principal: Principal, level: str, scope_id: str, year: str, *, version: int | None = None,
                     start: str = "", saved: str = "", errors: dict[str, str] | None = None, posted: list[str] | None = None,
                     status_code: int = 200) -> HTMLResponse:
        view = await analyses.view(level, scope_id, year, principal, version)  # 404 outside the person's scope
        editing = view.generated if start == "generated" else view.editing
        texts = posted if posted is not None and len(posted) == len(editing) else [s.text for s in editing]
        return pages.render(
            request, "analysis.html", principal, status_code=status_code,
            title=f"Анализ и рекомендации — {view.title}", view=view, year=year, editing=editing, texts=texts,
            saved=SAVED.get(saved, ""), errors=errors or {}, dashboard=f"/reports/dashboard?{urlencode({'scope': level, 'scope_id': scope_id, 'academic_year': year})}",
            url=lambda **extra: page_url(level, scope_id, year, **extra), from_generated=start == "generated",
        )

    @router.get("/analysis", response_class=HTMLResponse)
    async def analysis_page(
        request: Request, scope: Level | None = None, scope_id: str | None = None, academic_year: str | None = YEAR,
        version: int | None = Query(default=None, ge=1), start: str = "", saved: str = "", principal: Principal = Depends(reader),
    ) -> HTMLResponse:
        if scope is None:
            scope, scope_id = home_scope(service, principal)
        scope_id = scope_id or (service.region_id if scope == "region" else principal.scope_id)
        return await render(request, principal, scope, scope_id, current_year(academic_year), version=version, start=start, saved=saved)

    @router.post("/analysis", response_model=None)
    async def analysis_post(
        request: Request, scope: Level = Form(), scope_id: str = Form(), academic_year: str = Form(pattern=r"^\d{4}/\d{4}$"),
        action: Literal["draft", "approve", "discard"] = Form(), base_version: int = Form(default=0, ge=0),
        principal: Principal = Depends(actor),
    ) -> Response:
        form = await request.form()
        titles, texts = [], []
        k = 0
        while f"title_{k}" in form:
            titles.append(str(form.get(f"title_{k}", "")))
            texts.append(str(form.get(f"text_{k}", "")))
            k += 1
        try:
            if action == "discard":
                await analyses.discard_draft(scope, scope_id, academic_year, principal)
                saved = "discarded"
            elif action == "draft":
                await analyses.save_draft(scope, scope_id, academic_year, principal, titles, texts, base_version)
                saved = "draft"
            else:
                await analyses.approve(scope, scope_id, academic_year, principal, titles, texts, base_version)
                saved = "approved"
        except (Unprocessable, Conflict) as error:  # the page again, with the person's text kept
            return await render(request, principal, scope, scope_id, academic_year, errors={error.field or "text": error.message},
                                posted=texts, status_code=error.status_code)
        return RedirectResponse(page_url(scope, scope_id, academic_year, saved=saved) + "#status", status_code=303)

    return router
