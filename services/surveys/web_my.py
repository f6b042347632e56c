"""A respondent's own pages (mentor, mentee): my questionnaires and, for a mentee, my growth
between the start and end diagnostics; and the to-do fragment every signed-in person's home
page loads."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from shared.auth import Principal
from shared.web import Pages

from services.surveys.views import SurveyViews

RESPONDENTS = ("mentor", "mentee")


def build_my_pages(pages: Pages, views: SurveyViews) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/my", response_class=HTMLResponse)
    async def my(request: Request, principal: Principal = Depends(pages.viewer(*RESPONDENTS))) -> HTMLResponse:
        questionnaires = await views.my_questionnaires(principal)
        return pages.render(request, "my.html", principal, title="Мои анкеты", questionnaires=questionnaires)

    @router.get("/my/growth", response_class=HTMLResponse)
    async def growth(request: Request, principal: Principal = Depends(pages.viewer("mentee"))) -> HTMLResponse:
        return pages.render(request, "growth.html", principal, title="Мой рост", growth=await views.my_growth(principal))

    @router.get("/todo", response_class=HTMLResponse)
    async def todo(request: Request, principal: Principal = Depends(pages.viewer())) -> HTMLResponse:
        """A fragment (no layout) for the home page."""
        return pages.render(request, "todo.html", principal, tasks=await views.todo(principal))

    return router
