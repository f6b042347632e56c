"""Pages where the people who run monitoring read answers: the school's responses to one
instrument with its summary (paged), one response, the XLSX export, and (region admin) the audit
of who read what. A municipal coordinator and the region admin without a chosen school see their
scope: per-school aggregates, the free texts, the scope's XLSX (answers_scope.py). Mentors and
mentees get 403: they never read other people's answers; a curator who mentors a mentee gets 403
on that mentee's response."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook

from shared.auth import Principal
from shared.errors import Forbidden, NotFound
from shared.formatting import moment
from shared.safe_export import attachment
from shared.safe_export import row as safe_row
from shared.web import Pages, forbidden, not_found

from services.surveys import domain
from services.surveys.answers import HIDDEN, READERS, AnswerReader, AnswersPage, answer_text
from services.surveys.answers_scope import OVERSEERS, ScopePage, ScopeReader
from services.surveys.service import SurveysService

WHAT = {"list": "список ответов", "response": "ответ", "export": "выгрузка XLSX", "scope": "сводка по школам и ответы своими словами"}


def build_answer_pages(pages: Pages, service: SurveysService) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    reader = AnswerReader(service)
    scope_reader = ScopeReader(service)

    async def listing(principal: Principal, school_id: str | None, instrument: str | None, campaign_id: str | None,
                      what: str, page: int = 1) -> AnswersPage:
        try:
            return await reader.answers(principal, school_id=school_id or None, instrument=instrument or None,
                                        campaign_id=campaign_id or None, what=what, page=page)
        except NotFound:
            raise not_found("Такой школы нет, или она вам недоступна.") from None

    async def scope(principal: Principal, municipality_id: str | None, instrument: str | None, page: int, export: bool) -> ScopePage:
        try:
            return await scope_reader.overview(principal, municipality_id=municipality_id or None, instrument=instrument or None,
                                               page=page, export=export)
        except NotFound:
            raise not_found("Такого муниципалитета нет, или он вам недоступен.") from None

    @router.get("/answers", response_class=HTMLResponse)
    async def answers(request: Request, school_id: str | None = None, instrument: str | None = None,
                      campaign_id: str | None = None, municipality_id: str | None = None, page: int = Query(default=1, ge=1),
                      principal: Principal = Depends(pages.viewer(*READERS))) -> HTMLResponse:
        keep = {k: v for k, v in request.query_params.items() if k != "page" and v}
        if principal.role in OVERSEERS and not school_id:
            overview = await scope(principal, municipality_id, instrument, page, export=False)
            return pages.render(request, "answers_scope.html", principal, title="Ответы", page=overview, min_group=domain.MIN_GROUP,
                                audit_link=principal.role == "region_admin", query=urlencode(keep),
                                export=f"/surveys/answers.xlsx?{urlencode(keep)}")
        listed = await listing(principal, school_id, instrument, campaign_id, "list", page)
        return pages.render(request, "answers.html", principal, title="Ответы", page=listed, min_group=domain.MIN_GROUP,
                            stages=domain.STAGES, audit_link=principal.role == "region_admin", query=urlencode(keep),
                            export=f"/surveys/answers.xlsx?{urlencode(keep)}", hidden=HIDDEN,
                            back=principal.role in OVERSEERS)

    @router.get("/answers.xlsx")
    async def export(school_id: str | None = None, instrument: str | None = None, campaign_id: str | None = None,
                     municipality_id: str | None = None, principal: Principal = Depends(pages.viewer(*READERS))) -> Response:
        if principal.role in OVERSEERS and not school_id:
            overview = await scope(principal, municipality_id, instrument, 1, export=True)
            if overview.instrument is None:
                raise not_found("Выберите анкету, ответы на которую выгрузить.")
            content, code = _scope_workbook(overview), overview.instrument.code
        else:
            page = await listing(principal, school_id, instrument, campaign_id, "export")
            if page.instrument is None:
                raise not_found("Выберите школу и анкету, ответы которой выгрузить.")
            content, code = _workbook(page), page.instrument.code
        return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": attachment(f"answers-{code}.xlsx")})

    @router.get("/answers/audit", response_class=HTMLResponse)
    async def audit(request: Request, principal: Principal = Depends(pages.viewer("region_admin"))) -> HTMLResponse:
        reads, schools = await reader.audit(principal)
        return pages.render(request, "answers_audit.html", principal, title="Журнал чтения ответов",
                            reads=reads, schools=schools, whats=WHAT, roles=_role_names())

    @router.get("/answers/{response_id}", response_class=HTMLResponse)
    async def response(response_id: str, request: Request, principal: Principal = Depends(pages.viewer(*READERS))) -> HTMLResponse:
        try:
            page = await reader.response(principal, response_id)
        except NotFound:
            raise not_found("Такого ответа нет, или он вам недоступен.") from None
        except Forbidden as refused:
            raise forbidden(f"{refused}.") from None
        return pages.render(request, "answer.html", principal, title=f"Ответ: {page.row.name}", page=page, stages=domain.STAGES)

    return router


def _role_names() -> dict[str, str]:
    from shared.web.navigation import ROLE_NAMES

    return ROLE_NAMES


def _workbook(page: AnswersPage | ScopePage, schools: dict[str, str] | None = None) -> bytes:
    """One row per response (never a hidden one), one column per item (answers as read), then the
    scores; with `schools` (response id → school) the school first."""
    instrument = page.instrument
    assert instrument is not None
    book = Workbook()
    sheet = book.active
    sheet.title = "Ответы"
    items = instrument.items
    sheet.append(safe_row([*(["Школа"] if schools is not None else []), "Участник", "Роль", "Дата ответа", "Этап", *[i.text for i in items],
                  *[title for _, title in page.scales]]))
    for row in page.rows:
        if row.hidden:
            continue
        cells: list[Any] = [*([schools.get(row.id, "")] if schools is not None else []),
                            row.name, row.role, moment(row.completed_at), domain.STAGES.get(row.stage or "", "")]
        for item in items:
            value = row.answers.get(item.code)
            cells.append(value if item.kind in ("scale", "number") and isinstance(value, int | float) else
                         ("" if value in (None, "", [], {}) else answer_text(item, value)))
        cells.extend(row.scores.get(code) for code, _ in page.scales)
        sheet.append(safe_row(cells))  # names and free answers are typed by people: never run as formulas
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _scope_workbook(page: ScopePage) -> bytes:
    return _workbook(page, page.school_names)
