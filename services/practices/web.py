"""Pages of the bank of practices (Russian): the search, a practice with its files, history and
the actions of the caller's role, and the home page's to-do fragment; the school's own practices
and the review queue (web_mine.py) and the roadmap (web_roadmap.py) are routers of their own."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select
from starlette.datastructures import UploadFile

from shared import clock
from shared.auth import ROLES, Principal
from shared.errors import UseCaseError
from shared.web import Pages

from services.practices import domain
from services.practices.api import download
from services.practices.commands import Search
from services.practices.models import Practice, RoadmapItem, School
from services.practices.schemas import TransitionIn
from services.practices.service import PracticesService
from services.practices.web_kit import ADMIN, CURATOR, NAMES, UPLOAD_PAGES, see_other, text
from services.practices.web_mine import build_mine_router
from services.practices.web_roadmap import build_roadmap_router

__all__ = ["UPLOAD_PAGES", "build_pages_router"]


def build_pages_router(service: PracticesService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.include_router(build_mine_router(service, pages))  # before "/{practice_id}": their paths are fixed
    router.include_router(build_roadmap_router(service, pages))

    async def municipalities() -> list[tuple[str, str]]:
        async with service.db.sessions() as session:
            rows = (await session.exec(select(School.municipality_id, School.municipality_name).distinct())).all()
        return sorted(((m, n) for m, n in rows), key=lambda row: row[1])

    @router.get("/", response_class=HTMLResponse)
    async def search_page(request: Request, principal: Principal = Depends(pages.viewer(*ROLES))) -> HTMLResponse:
        query = request.query_params
        chosen = {k: query.get(k) or None for k in ("form", "deficit_area", "school_level", "municipality_id", "q")}
        page = int(query["page"]) if query.get("page", "").isdigit() else 1
        found = await service.search(principal, Search(chosen["form"], chosen["deficit_area"], chosen["school_level"],
                                                       chosen["municipality_id"], chosen["q"], page=min(page, 10000)))
        pages_count = max(1, -(-found.total // found.per_page))
        return pages.render(request, "search.html", principal, title="Банк практик", found=found, chosen=chosen,
                            pages_count=pages_count, municipalities=await municipalities(), **NAMES)

    @router.get("/todo", response_class=HTMLResponse)
    async def todo(request: Request, principal: Principal = Depends(pages.viewer())) -> HTMLResponse:
        counts: dict[str, int] = {}
        async with service.db.sessions() as session:
            if principal.role == ADMIN:
                statuses = (await session.exec(select(Practice.status).where(Practice.status == "submitted"))).all()
                counts["submitted"] = len(statuses)
                items = (await session.exec(select(col(RoadmapItem.status), col(RoadmapItem.due_on)))).all()
                today: date = clock.today()
                counts["overdue"] = sum(domain.overdue(s, d, today) for s, d in items)
            elif principal.role == CURATOR:
                returned = (await session.exec(select(Practice.id).where(
                    Practice.school_id == principal.scope_id, Practice.status == "returned"))).all()
                counts["returned"] = len(returned)
        return pages.render(request, "todo.html", principal, counts=counts)

    # ---- files -------------------------------------------------------------------------------

    @router.post("/files/{practice_id}", response_class=HTMLResponse)
    async def upload(request: Request, practice_id: str, principal: Principal = Depends(pages.actor(CURATOR))) -> Response:
        form = await request.form()
        upload = form.get("file")
        name, content = "", b""
        if isinstance(upload, UploadFile):
            name, content = upload.filename or "", await upload.read(service.settings.file_max_bytes + 1)
        try:
            await service.attach(practice_id, name, content, principal)
        except UseCaseError as exc:
            if exc.status_code != 422:
                raise
            return await practice_page(request, practice_id, principal, {"file": exc.message}, 422)
        return see_other(f"/practices/{practice_id}#files")

    @router.post("/files/{practice_id}/{file_id}/delete")
    async def delete_file(practice_id: str, file_id: str, principal: Principal = Depends(pages.actor(CURATOR))) -> Response:
        await service.remove_file(practice_id, file_id, principal)
        return see_other(f"/practices/{practice_id}#files")

    @router.get("/files/{practice_id}/{file_id}")
    async def get_file(practice_id: str, file_id: str, principal: Principal = Depends(pages.viewer(*ROLES))) -> Response:
        stored, content = await service.download(practice_id, file_id, principal)
        return download(content, stored.name, stored.media_type)

    # ---- a practice --------------------------------------------------------------------------

    async def practice_page(request: Request, practice_id: str, principal: Principal, errors: dict[str, str],
                            status_code: int = 200) -> HTMLResponse:
        found = await service.practice(practice_id, principal)
        actions = [domain.TRANSITIONS[a] for a in found.actions]
        return pages.render(request, "practice.html", principal, status_code=status_code, title=found.title, p=found,
                            actions=actions, errors=errors, **NAMES)

    # a practice's id is a UUID: the kit's own pages (/docs) are never taken for one
    @router.get("/{practice_id:uuid}", response_class=HTMLResponse)
    async def practice(request: Request, practice_id: UUID, principal: Principal = Depends(pages.viewer(*ROLES))) -> HTMLResponse:
        return await practice_page(request, str(practice_id), principal, {})

    @router.post("/{practice_id:uuid}/{action}", response_class=HTMLResponse)
    async def change(request: Request, practice_id: UUID, action: str,
                     principal: Principal = Depends(pages.actor(CURATOR, ADMIN))) -> Response:
        comment = text(await request.form(), "comment") or None
        try:
            await service.change_status(str(practice_id), action, TransitionIn(comment=comment).command(), principal)
        except UseCaseError as exc:
            if exc.status_code not in (409, 422):
                raise
            return await practice_page(request, str(practice_id), principal, {exc.field or "action": exc.message}, exc.status_code)
        return see_other("/practices/review" if principal.role == ADMIN and action != "take" else f"/practices/{practice_id}")

    return router
