"""Pages of a programme's documents (issue 15): `/programmes/{id}/documents` — the list with
downloads, the summary the monitoring checks first («Есть приказ / положение / дорожная карта /
куратор назначен»), and for the school's curator the upload form, removal and the curator's
appointment by order; `/documents` — the schools' programmes in the caller's scope and what
each lacks (the region administrator and the municipal coordinator, read-only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select
from starlette.datastructures import UploadFile

from shared import clock
from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages, not_found

from services.registry import documents_domain as rules
from services.registry.documents_api import READERS, RECORDERS, file_response
from services.registry.documents_models import ProgrammeCuratorOrder, ProgrammeDocument
from services.registry.listing import Listing, Page
from services.registry.models import Programme
from services.registry.service import RegistryService
from services.registry.web import see_other
from services.registry.web_forms import text, use_case_errors, values
from services.registry.web_programmes import current_academic_year

UPLOAD_PATH = "/documents/upload"
"""The page's upload (its body may be as large as a file: main.py gives the prefix that limit)."""
LABELS = {"kind": "Вид документа", "number": "Номер", "issued_on": "Дата", "title": "Название", "file": "Файл",
          "participant_id": "Куратор", "order_document_id": "Приказ о назначении", "appointed_on": "Дата назначения",
          "document_id": "Документ", "programme_id": "Программа", "form": "Документ"}
NOTICES = {"recorded": "Документ загружен.", "removed": "Документ удалён.", "appointed": "Куратор назначен."}
OVERVIEW_PAGE = 50


def build_documents_pages(service: RegistryService, listing: Listing, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def _page(request: Request, programme_id: str, principal: Principal, *, errors: dict[str, str] | None = None,
                    typed: dict | None = None, status_code: int = 200, notice: str | None = None) -> Response:
        programme, documents, appointment = await service.programme_documents(programme_id, principal)
        school = await service.school(programme.school_id, principal)
        editable = principal.role in RECORDERS
        summary = rules.summary((d.kind for d in documents), appointment is not None)
        return pages.render(
            request, "documents.html", principal, programme=programme, school=school, documents=documents,
            appointment=appointment, summary=summary, editable=editable, kinds=rules.DOCUMENT_KINDS,
            required=rules.REQUIRED_DOCUMENTS, errors=errors or {}, typed=typed or {},
            teacher_options=[(t.id, t.full_name) for t in await listing.teachers_with_consent(school.id)] if editable else [],
            order_options=[(d.id, f"№ {d.number or '—'} от {d.issued_on.strftime('%d.%m.%Y')}") for d in documents
                           if d.kind == "curator_order"],
            labels=LABELS, upload_path=UPLOAD_PATH, today=clock.today().isoformat(),
            title=f"Документы программы — {programme.title}", status_code=status_code, notice=notice)

    @router.get("/programmes/{programme_id}/documents", response_class=HTMLResponse)
    async def documents_page(request: Request, programme_id: str, saved: str = "",
                             principal: Principal = Depends(pages.viewer(*READERS))) -> Response:
        return await _page(request, programme_id, principal, notice=NOTICES.get(saved))

    @router.get("/programmes/{programme_id}/documents/{document_id}/file")
    async def download(programme_id: str, document_id: str, principal: Principal = Depends(pages.viewer(*READERS))) -> Response:
        row, content = await service.document_file(document_id, principal)
        if row.programme_id != programme_id:
            raise not_found("Такого документа в программе нет.")
        return file_response(row, content)

    _change_routes(router, service, pages, _page)

    @router.get("/documents", response_class=HTMLResponse)
    async def overview(request: Request, year: str = "", missing: int = 0, page: int = 1,
                       principal: Principal = Depends(pages.viewer("region_admin", "municipal_coordinator"))) -> Response:
        year = year if rules.ACADEMIC_YEAR.match(year) else current_academic_year()
        rows = await _overview(service, principal, year)
        if missing:
            rows = [row for row in rows if not row["summary"].complete]
        page = max(1, page)
        found = Page(rows=rows[(page - 1) * OVERVIEW_PAGE: page * OVERVIEW_PAGE], total=len(rows), page=page, size=OVERVIEW_PAGE)
        return pages.render(request, "documents_overview.html", principal, found=found, year=year, missing=missing,
                            complete=sum(1 for row in rows if row["summary"].complete), title="Документы программ школ")

    return router


def _change_routes(router: APIRouter, service: RegistryService, pages: Pages, _page: Callable[..., Awaitable[Response]]) -> None:
    """The curator's forms: upload, removal, the curator's appointment."""

    @router.post(UPLOAD_PATH, response_class=HTMLResponse)
    async def upload(request: Request, principal: Principal = Depends(pages.actor(*RECORDERS))) -> Response:
        form = await request.form()
        programme_id = text(form, "programme_id") or ""
        errors: dict[str, str] = {}
        kind = text(form, "kind") or ""
        issued_on = _date(text(form, "issued_on"), "issued_on", errors)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors["file"] = "Выберите файл"
        if not errors and isinstance(upload, UploadFile) and issued_on is not None:
            try:
                await service.record_document(programme_id, kind=kind, number=text(form, "number"), issued_on=issued_on,
                                              title=text(form, "title"), file_name=upload.filename or "",
                                              content=await upload.read(), principal=principal)
                return see_other(f"/registry/programmes/{programme_id}/documents?saved=recorded")
            except UseCaseError as exc:
                if exc.status_code == 404:
                    raise
                errors = use_case_errors(exc, set(LABELS))
        typed = {k: v for k, v in values(form).items() if k != "file"}
        return await _page(request, programme_id, principal, errors=errors, typed=typed, status_code=422)

    @router.post("/programmes/{programme_id}/documents/{document_id}/remove", response_class=HTMLResponse)
    async def remove(request: Request, programme_id: str, document_id: str,
                     principal: Principal = Depends(pages.actor(*RECORDERS))) -> Response:
        row = await service.document(document_id, principal)
        if row.programme_id != programme_id:
            raise not_found("Такого документа в программе нет.")
        try:
            await service.remove_document(document_id, principal)
        except UseCaseError as exc:
            if exc.status_code == 404:
                raise
            return await _page(request, programme_id, principal, errors={"form": exc.message}, status_code=exc.status_code)
        return see_other(f"/registry/programmes/{programme_id}/documents?saved=removed")

    @router.post("/programmes/{programme_id}/curator-appointment", response_class=HTMLResponse)
    async def appoint(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*RECORDERS))) -> Response:
        form = await request.form()
        errors: dict[str, str] = {}
        participant_id, order_id = text(form, "participant_id"), text(form, "order_document_id")
        if not participant_id:
            errors["participant_id"] = "Выберите педагога"
        if not order_id:
            errors["order_document_id"] = "Выберите приказ о назначении (сначала загрузите его)"
        appointed_on = _date(text(form, "appointed_on"), "appointed_on", errors, optional=True)
        if not errors:
            try:
                await service.appoint_curator(programme_id, participant_id or "", order_id or "", appointed_on, principal)
                return see_other(f"/registry/programmes/{programme_id}/documents?saved=appointed")
            except UseCaseError as exc:
                if exc.status_code == 404:
                    raise
                errors = use_case_errors(exc, set(LABELS))
        return await _page(request, programme_id, principal, errors=errors, typed=values(form), status_code=422)


async def _overview(service: RegistryService, principal: Principal, year: str) -> list[dict[str, Any]]:
    """The programmes of the year of every school the caller sees, each with its summary."""
    schools = {s.id: s for s in await service.schools(principal)}
    async with service.db.sessions() as session:
        programmes = (await session.exec(select(Programme).where(
            Programme.academic_year == year, col(Programme.school_id).in_(list(schools))))).all()
        ids = [p.id for p in programmes]
        kinds = (await session.exec(select(ProgrammeDocument.programme_id, ProgrammeDocument.kind).where(
            col(ProgrammeDocument.programme_id).in_(ids)))).all()
        appointed = set((await session.exec(select(ProgrammeCuratorOrder.programme_id).where(
            col(ProgrammeCuratorOrder.programme_id).in_(ids)))).all())
    by_programme: dict[str, set[str]] = {}
    for programme_id, kind in kinds:
        by_programme.setdefault(programme_id, set()).add(kind)
    rows = [{"school": schools[p.school_id], "programme": p,
             "summary": rules.summary(by_programme.get(p.id, ()), p.id in appointed)} for p in programmes]
    return sorted(rows, key=lambda row: (row["school"].name, row["programme"].title))


def _date(value: str | None, field: str, errors: dict[str, str], *, optional: bool = False) -> date | None:
    if not value:
        if not optional:
            errors[field] = "Укажите дату"
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = "Дата — в формате ГГГГ-ММ-ДД"
        return None
