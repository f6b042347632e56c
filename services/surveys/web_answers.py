"""Pages where the people who run monitoring read answers: the school's responses to one
instrument with its summary, one response, the XLSX export, and (region admin) the audit of
who read what. Mentors and mentees get 403: they never read other people's answers."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook

from shared.auth import Principal
from shared.errors import NotFound
from shared.formatting import moment
from shared.safe_export import attachment
from shared.safe_export import row as safe_row
from shared.web import Pages, not_found

from services.surveys import domain
from services.surveys.answers import READERS, AnswerReader, AnswersPage, answer_text
from services.surveys.service import SurveysService

WHAT = {"list": "список ответов", "response": "ответ", "export": "выгрузка XLSX"}


def build_answer_pages(pages: Pages, service: SurveysService) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    reader = AnswerReader(service)

    async def listing(principal: Principal, school_id: str | None, instrument: str | None, campaign_id: str | None,
                      what: str) -> AnswersPage:
        try:
            return await reader.answers(principal, school_id=school_id or None, instrument=instrument or None,
                                        campaign_id=campaign_id or None, what=what)
        except NotFound:
            raise not_found("Такой школы нет, или она вам недоступна.") from None

    @router.get("/answers", response_class=HTMLResponse)
    async def answers(request: Request, school_id: str | None = None, instrument: str | None = None,
                      campaign_id: str | None = None, principal: Principal = Depends(pages.viewer(*READERS))) -> HTMLResponse:
        page = await listing(principal, school_id, instrument, campaign_id, "list")
        query = request.url.query
        return pages.render(request, "answers.html", principal, title="Ответы", page=page, min_group=domain.MIN_GROUP,
                            stages=domain.STAGES, audit_link=principal.role == "region_admin", export=f"/surveys/answers.xlsx{'?' + query if query else ''}")

    @router.get("/answers.xlsx")
    async def export(school_id: str | None = None, instrument: str | None = None, campaign_id: str | None = None,
                     principal: Principal = Depends(pages.viewer(*READERS))) -> Response:
        page = await listing(principal, school_id, instrument, campaign_id, "export")
        if page.instrument is None:
            raise not_found("Выберите школу и анкету, ответы которой выгрузить.")
        return Response(_workbook(page), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": attachment(f"answers-{page.instrument.code}.xlsx")})

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
        return pages.render(request, "answer.html", principal, title=f"Ответ: {page.row.name}", page=page, stages=domain.STAGES)

    return router


def _role_names() -> dict[str, str]:
    from shared.web.navigation import ROLE_NAMES

    return ROLE_NAMES


def _workbook(page: AnswersPage) -> bytes:
    """One row per response, one column per item (answers as read), then the scores."""
    instrument = page.instrument
    assert instrument is not None
    book = Workbook()
    sheet = book.active
    sheet.title = "Ответы"
    items = instrument.items
    sheet.append(safe_row(["Участник", "Роль", "Дата ответа", "Этап", *[i.text for i in items], *[title for _, title in page.scales]]))
    for row in page.rows:
        cells: list[Any] = [row.name, row.role, moment(row.completed_at), domain.STAGES.get(row.stage or "", "")]
        for item in items:
            value = row.answers.get(item.code)
            cells.append(value if item.kind in ("scale", "number") and isinstance(value, int | float) else
                         ("" if value in (None, "", [], {}) else answer_text(item, value)))
        cells.extend(row.scores.get(code) for code, _ in page.scales)
        sheet.append(safe_row(cells))  # names and free answers are typed by people: never run as formulas
    out = BytesIO()
    book.save(out)
    return out.getvalue()
