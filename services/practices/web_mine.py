"""Pages of a school's own practices (the curator: the list, the form of a draft) and the
region's review queue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import select

from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages, not_found

from services.practices.commands import Search
from services.practices.models import Person
from services.practices.schemas import PracticeIn
from services.practices.service import PracticesService
from services.practices.web_kit import ADMIN, CURATOR, NAMES, errors_of, see_other, typed_practice


def build_mine_router(service: PracticesService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def form_page(request: Request, principal: Principal, practice_id: str | None, typed: dict[str, Any],
                        errors: dict[str, str], status_code: int = 200) -> HTMLResponse:
        async with service.db.sessions() as session:
            people = (await session.exec(select(Person).where(Person.school_id == principal.scope_id)
                                         .order_by(Person.display_name))).all()
        return pages.render(request, "practice_form.html", principal, status_code=status_code,
                            title="Новая практика" if practice_id is None else "Изменить практику", practice_id=practice_id,
                            typed=typed, errors=errors, people=people, **NAMES)

    @router.get("/mine", response_class=HTMLResponse)
    async def mine(request: Request, principal: Principal = Depends(pages.viewer(CURATOR))) -> HTMLResponse:
        found = await service.search(principal, Search(school_id=principal.scope_id, per_page=100))
        return pages.render(request, "mine.html", principal, title="Практики школы", found=found, **NAMES)

    @router.get("/mine/new", response_class=HTMLResponse)
    async def new(request: Request, principal: Principal = Depends(pages.viewer(CURATOR))) -> HTMLResponse:
        return await form_page(request, principal, None, {"form": "teacher_teacher"}, {})

    @router.post("/mine", response_class=HTMLResponse)
    async def create(request: Request, principal: Principal = Depends(pages.actor(CURATOR))) -> Response:
        typed = typed_practice(await request.form())
        try:
            practice_id = await service.create(PracticeIn.model_validate(typed).command(), principal)
        except (ValidationError, UseCaseError) as exc:
            return await form_page(request, principal, None, typed, errors_of(exc), 422)
        return see_other(f"/practices/{practice_id}")

    @router.get("/mine/{practice_id}", response_class=HTMLResponse)
    async def edit(request: Request, practice_id: str, principal: Principal = Depends(pages.viewer(CURATOR))) -> HTMLResponse:
        found = await service.practice(practice_id, principal)
        if not found.editable:
            raise not_found("Эту практику сейчас нельзя изменить.")
        typed: dict[str, Any] = {"title": found.title, "form": found.form, "deficit_areas": list(found.deficit_areas),
                                 "school_levels": list(found.school_levels), "description": found.description,
                                 "results": found.results, "author_ids": [a.participant_id for a in found.authors]}
        return await form_page(request, principal, practice_id, typed, {})

    @router.post("/mine/{practice_id}", response_class=HTMLResponse)
    async def update(request: Request, practice_id: str, principal: Principal = Depends(pages.actor(CURATOR))) -> Response:
        typed = typed_practice(await request.form())
        try:
            await service.update(practice_id, PracticeIn.model_validate(typed).command(), principal)
        except (ValidationError, UseCaseError) as exc:
            if isinstance(exc, UseCaseError) and exc.status_code != 422:
                raise
            return await form_page(request, principal, practice_id, typed, errors_of(exc), 422)
        return see_other(f"/practices/{practice_id}")

    @router.get("/review", response_class=HTMLResponse)
    async def review(request: Request, principal: Principal = Depends(pages.viewer(ADMIN))) -> HTMLResponse:
        waiting = await service.search(principal, Search(status="submitted", per_page=100))
        reviewing = await service.search(principal, Search(status="under_review", per_page=100))
        return pages.render(request, "review.html", principal, title="Экспертиза практик", waiting=waiting,
                            reviewing=reviewing, **NAMES)

    return router
