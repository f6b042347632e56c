"""A programme's activities as the curator uses them (issue 15): the list with planned and held
dates and «пришли N из M», the plan form, an activity's page to mark it held ticking who came,
and its cancellation. The municipal coordinator and the region administrator read them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shared import clock
from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages, not_found

from services.registry import domain_year
from services.registry.service import RegistryService
from services.registry.web import see_other
from services.registry.web_forms import text, use_case_errors, validation_errors, values
from services.registry.web_people import STAFF, school_query
from services.registry.year_api import WRITERS
from services.registry.year_listing import activity_candidates
from services.registry.year_schemas import ActivityIn, HeldIn

LABELS = {"kind": "Вид мероприятия", "title": "Тема", "planned_on": "Дата по плану", "held_on": "Дата проведения",
          "place": "Место", "format": "Формат", "participant_ids": "Участники", "attended_ids": "Кто пришёл",
          "form": "Мероприятие", "programme_id": "Программа", "activity_id": "Мероприятие"}
NOTICES = {"planned": "Мероприятие запланировано.", "held": "Мероприятие отмечено проведённым.",
           "cancelled": "Мероприятие отменено."}


def ids_of(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def build_year_pages_router(service: RegistryService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def render(request: Request, template: str, principal: Principal, **context: Any) -> Response:
        return pages.render(request, template, principal, kinds=domain_year.ACTIVITY_KINDS, labels=LABELS,
                            may_write=principal.role in WRITERS, attendance_label=domain_year.attendance_label, **context)

    async def _list(request: Request, programme_id: str, principal: Principal, *, errors: dict[str, str] | None = None,
                    typed: dict | None = None, status_code: int = 200, notice: str | None = None) -> Response:
        programme = await service.programme(programme_id, principal)
        school = await service.school(programme.school_id, principal)
        return render(request, "activities.html", principal, programme=programme, school=school,
                      at_school=school_query(principal, school), activities=await service.activities(programme.id, principal),
                      candidates=await activity_candidates(service.db, programme), errors=errors or {},
                      typed=typed or {"planned_on": clock.today().isoformat(), "kind": "kickoff"},
                      title=f"Мероприятия — {programme.title}", status_code=status_code, notice=notice)

    @router.get("/programmes/{programme_id}/activities", response_class=HTMLResponse)
    async def activities(request: Request, programme_id: str, saved: str = "",
                         principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        return await _list(request, programme_id, principal, notice=NOTICES.get(saved))

    @router.post("/programmes/{programme_id}/activities", response_class=HTMLResponse)
    async def plan(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*WRITERS))) -> Response:
        form = await request.form()
        try:
            body = ActivityIn(kind=text(form, "kind") or "", title=text(form, "title") or "",
                              planned_on=text(form, "planned_on") or "",
                              place=text(form, "place"), format=text(form, "format"), participant_ids=ids_of(form, "participant_ids"))
            activity = await service.plan_activity(programme_id, body.command(), principal)
            return see_other(f"/registry/programmes/{programme_id}/activities/{activity.id}?saved=planned")
        except ValidationError as exc:
            errors = validation_errors(exc)
            if "planned_on" in errors:
                errors["planned_on"] = "Введите дату, например 15.09.2026"
        except UseCaseError as exc:
            if exc.status_code == 404:
                raise
            errors = use_case_errors(exc, set(LABELS))
        typed = values(form)
        typed["participant_ids"] = ids_of(form, "participant_ids")
        return await _list(request, programme_id, principal, errors=errors, typed=typed, status_code=422)

    async def _page(request: Request, programme_id: str, activity_id: str, principal: Principal, *,
                    errors: dict[str, str] | None = None, typed: dict | None = None, status_code: int = 200,
                    notice: str | None = None) -> Response:
        activity = await service.activity(activity_id, principal)
        if activity.programme_id != programme_id:
            raise not_found()
        programme = await service.programme(programme_id, principal)
        school = await service.school(programme.school_id, principal)
        return render(request, "activity.html", principal, activity=activity, programme=programme, school=school,
                      at_school=school_query(principal, school), errors=errors or {},
                      typed=typed or {"held_on": (activity.held_on or min(clock.today(), activity.planned_on)).isoformat()},
                      title=activity.title, status_code=status_code, notice=notice)

    @router.get("/programmes/{programme_id}/activities/{activity_id}", response_class=HTMLResponse)
    async def activity_page(request: Request, programme_id: str, activity_id: str, saved: str = "",
                            principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        return await _page(request, programme_id, activity_id, principal, notice=NOTICES.get(saved))

    @router.post("/programmes/{programme_id}/activities/{activity_id}/held", response_class=HTMLResponse)
    async def held(request: Request, programme_id: str, activity_id: str,
                   principal: Principal = Depends(pages.actor(*WRITERS))) -> Response:
        form = await request.form()
        await _page(request, programme_id, activity_id, principal)  # 404 for another programme's activity
        try:
            body = HeldIn(held_on=text(form, "held_on") or "", attended_ids=ids_of(form, "attended_ids"))
            await service.mark_held(activity_id, body.command(), principal)
            return see_other(f"/registry/programmes/{programme_id}/activities/{activity_id}?saved=held")
        except ValidationError as exc:
            errors = validation_errors(exc)
            if "held_on" in errors:
                errors["held_on"] = "Введите дату проведения"
        except UseCaseError as exc:
            if exc.status_code == 404:
                raise
            errors = use_case_errors(exc, set(LABELS))
        return await _page(request, programme_id, activity_id, principal, errors=errors, typed=values(form), status_code=422)

    @router.post("/programmes/{programme_id}/activities/{activity_id}/cancel", response_class=HTMLResponse)
    async def cancel(request: Request, programme_id: str, activity_id: str,
                     principal: Principal = Depends(pages.actor(*WRITERS))) -> Response:
        await _page(request, programme_id, activity_id, principal)
        try:
            await service.cancel_activity(activity_id, principal)
        except UseCaseError as exc:
            if exc.status_code == 404:
                raise
            return await _page(request, programme_id, activity_id, principal, errors={"form": exc.message},
                               status_code=exc.status_code)
        return see_other(f"/registry/programmes/{programme_id}/activities?saved=cancelled")

    return router
