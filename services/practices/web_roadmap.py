"""Pages of the regional roadmap: the table (overdue items highlighted) and the region
administrator's form of an item."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages

from services.practices.schemas import RoadmapItemIn, RoadmapItemOut
from services.practices.service import PracticesService
from services.practices.web_kit import ADMIN, CURATOR, NAMES, ROADMAP_LABELS, errors_of, see_other, text


def build_roadmap_router(service: PracticesService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/roadmap", response_class=HTMLResponse)
    async def roadmap(request: Request, principal: Principal = Depends(pages.viewer(ADMIN, "municipal_coordinator", CURATOR))
                      ) -> HTMLResponse:
        items = await service.roadmap()
        return pages.render(request, "roadmap.html", principal, title="Дорожная карта", items=items,
                            overdue=sum(i.overdue for i in items), **NAMES)

    async def item_page(request: Request, principal: Principal, item_id: str | None, typed: dict[str, Any],
                        errors: dict[str, str], status_code: int = 200) -> HTMLResponse:
        return pages.render(request, "roadmap_form.html", principal, status_code=status_code, item_id=item_id, typed=typed,
                            errors=errors, roadmap_labels=ROADMAP_LABELS,
                            title="Новый пункт дорожной карты" if item_id is None else "Пункт дорожной карты", **NAMES)

    @router.get("/roadmap/new", response_class=HTMLResponse)
    async def new_item(request: Request, principal: Principal = Depends(pages.viewer(ADMIN))) -> HTMLResponse:
        return await item_page(request, principal, None, {"status": "planned"}, {})

    @router.get("/roadmap/{item_id}", response_class=HTMLResponse)
    async def edit_item(request: Request, item_id: str, principal: Principal = Depends(pages.viewer(ADMIN))) -> HTMLResponse:
        item = await service.roadmap_item(item_id)
        return await item_page(request, principal, item_id, RoadmapItemOut.model_validate(item).model_dump(mode="json"), {})

    @router.post("/roadmap", response_class=HTMLResponse)
    @router.post("/roadmap/{item_id}", response_class=HTMLResponse)
    async def save_item(request: Request, item_id: str | None = None, principal: Principal = Depends(pages.actor(ADMIN))) -> Response:
        form = await request.form()
        typed: dict[str, Any] = {name: text(form, name) for name in ROADMAP_LABELS}
        body = {k: v for k, v in typed.items() if v or k in ("section", "term", "executors", "document_type")}
        try:
            await service.save_item(RoadmapItemIn.model_validate(body).command(), principal, item_id)
        except (ValidationError, UseCaseError) as exc:
            if isinstance(exc, UseCaseError) and exc.status_code != 422:
                raise
            return await item_page(request, principal, item_id, typed, errors_of(exc), 422)
        return see_other("/practices/roadmap")

    return router
