"""The school's programmes: launch one, change its forms, move it through the stages, close it;
a programme's enrolments and enrolling people as mentor (with capacity) or mentee."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from shared import clock
from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages, not_found

from services.registry import domain
from services.registry.listing import Listing
from services.registry.schemas import EnrolmentIn, ProgrammeIn, ProgrammePatch
from services.registry.service import RegistryService
from services.registry.web import see_other
from services.registry.web_forms import checked, integer, text, use_case_errors, validation_errors, values
from services.registry.web_people import STAFF, school_in_view, school_query

LABELS = {"title": "Название", "academic_year": "Учебный год", "forms": "Формы наставничества", "curator_id": "Куратор",
          "stage": "Этап", "code": "Код программы", "participant_id": "Участник", "role": "Роль", "capacity": "Вместимость",
          "confirm": "Подтверждение", "form": "Программа", "programme_id": "Программа"}
STAGES_OPEN = {k: v for k, v in domain.STAGES.items() if k != "closed"}


def current_academic_year() -> str:
    now = clock.today()
    start = now.year if now.month >= 8 else now.year - 1
    return f"{start}/{start + 1}"


def next_stage(stage: str) -> str:
    order = list(STAGES_OPEN)
    return order[min(order.index(stage) + 1, len(order) - 1)] if stage in order else stage


def build_programmes_router(service: RegistryService, listing: Listing, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def render(request: Request, template: str, principal: Principal, **context: Any) -> Response:
        return pages.render(request, template, principal, forms_names=domain.FORMS, stages=domain.STAGES,
                            open_stages=STAGES_OPEN, roles=domain.ROLES, categories=domain.CATEGORIES, labels=LABELS,
                            **context)

    _programmes_routes(router, service, listing, pages, render)
    _programme_routes(router, service, listing, pages, render)

    return router


def _programmes_routes(router: APIRouter, service: RegistryService, listing: Listing, pages: Pages, render: Callable[..., Response]) -> None:
    """The programmes of a school: the list and the launch of a new one."""

    async def _list(request: Request, principal: Principal, school: str | None, *, errors: dict[str, str] | None = None,
                    typed: dict | None = None, status_code: int = 200) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            return pages.render(request, "choose_school.html", principal, title="Программы школы")
        return render(request, "programmes.html", principal, school=place, at_school=school_query(principal, place),
                      programmes=await service.programmes(place.id, principal),
                      teachers=await listing.teachers_with_consent(place.id), errors=errors or {},
                      typed=typed or {"academic_year": current_academic_year(), "forms": ["teacher_teacher"]},
                      title=f"Программы — {place.name}", status_code=status_code)

    @router.get("/programmes", response_class=HTMLResponse)
    async def programmes(request: Request, school: str | None = None,
                         principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        return await _list(request, principal, school)

    @router.post("/programmes/new", response_class=HTMLResponse)
    async def launch(request: Request, school: str | None = None, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            raise not_found()
        form = await request.form()
        errors: dict[str, str] = {}
        try:
            body = ProgrammeIn(title=text(form, "title") or "", academic_year=text(form, "academic_year") or "",
                               forms=[f for f in form.getlist("forms") if isinstance(f, str)], code=text(form, "code"),
                               curator_id=text(form, "curator_id"))
            if not body.forms:
                errors["forms"] = "Выберите хотя бы одну форму наставничества"
            else:
                programme = await service.create_programme(place.id, body.command(), principal)
                return see_other(f"/registry/programmes/{programme.id}?saved=launched")
        except ValidationError as exc:
            errors = validation_errors(exc)
            if "academic_year" in errors:
                errors["academic_year"] = "Учебный год — в виде 2026/2027"
        except UseCaseError as exc:
            errors = use_case_errors(exc, set(LABELS))
        return await _list(request, principal, school, errors=errors, typed=values(form), status_code=422)


def _programme_routes(router: APIRouter, service: RegistryService, listing: Listing, pages: Pages, render: Callable[..., Response]) -> None:
    """One programme: its page, stage, forms, closing, enrolments."""

    async def _page(request: Request, programme_id: str, principal: Principal, *, find: str = "",
                    errors: dict[str, str] | None = None, typed: dict | None = None, status_code: int = 200,
                    notice: str | None = None) -> Response:
        programme = await service.programme(programme_id, principal)
        place = await service.school(programme.school_id, principal)
        enrolments = await listing.enrolments_of_programme(programme.id)
        names = {person.id: person.full_name for _e, person in enrolments}
        return render(request, "programme.html", principal, programme=programme, school=place,
                      at_school=school_query(principal, place), enrolments=enrolments, curator_name=names.get(programme.curator_id or ""),
                      candidates=await listing.candidates(place.id, find), find=find, errors=errors or {},
                      typed=typed or {}, suggested_stage=next_stage(programme.stage), title=programme.title,
                      status_code=status_code, notice=notice)

    @router.get("/programmes/{programme_id}", response_class=HTMLResponse)
    async def programme_page(request: Request, programme_id: str, find: str = "", saved: str = "",
                             principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        return await _page(request, programme_id, principal, find=find, notice=NOTICES.get(saved))

    @router.get("/programmes/{programme_id}/candidates", response_class=HTMLResponse)
    async def candidates(request: Request, programme_id: str, find: str = "",
                         principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        """Filter as you type: people who may be enrolled (an htmx fragment)."""
        programme = await service.programme(programme_id, principal)
        return render(request, "candidates.html", principal, candidates=await listing.candidates(programme.school_id, find),
                      find=find, typed={})

    async def _change(request: Request, programme_id: str, principal: Principal, changes: dict[str, Any],
                      errors: dict[str, str], saved: str) -> Response:
        if not errors:
            try:
                await service.update_programme(programme_id, ProgrammePatch(**changes).changes(), principal)
                return see_other(f"/registry/programmes/{programme_id}?saved={saved}")
            except ValidationError as exc:
                errors = validation_errors(exc)
            except UseCaseError as exc:
                if exc.status_code == 404:
                    raise
                errors = use_case_errors(exc, set(LABELS))
        form = await request.form()
        return await _page(request, programme_id, principal, errors=errors, typed=values(form), status_code=422)

    @router.post("/programmes/{programme_id}/stage", response_class=HTMLResponse)
    async def move_stage(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        form = await request.form()
        stage = text(form, "stage")
        errors = {} if stage in STAGES_OPEN else {"stage": "Выберите этап"}
        return await _change(request, programme_id, principal, {"stage": stage}, errors, "stage")

    @router.post("/programmes/{programme_id}/forms", response_class=HTMLResponse)
    async def change_forms(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        form = await request.form()
        forms = [f for f in form.getlist("forms") if isinstance(f, str)]
        errors = {} if forms else {"forms": "Выберите хотя бы одну форму наставничества"}
        changes: dict[str, Any] = {"forms": forms}
        if text(form, "title"):
            changes["title"] = text(form, "title")
        return await _change(request, programme_id, principal, changes, errors, "forms")

    @router.post("/programmes/{programme_id}/close", response_class=HTMLResponse)
    async def close(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        form = await request.form()
        errors = {} if checked(form, "confirm") else {"confirm": "Подтвердите завершение программы"}
        return await _change(request, programme_id, principal, {"stage": "closed"}, errors, "closed")

    _enrolment_routes(router, service, listing, pages, render, _page)


def _enrolment_routes(router: APIRouter, service: RegistryService, listing: Listing, pages: Pages,
                      render: Callable[..., Response], _page: Callable[..., Awaitable[Response]]) -> None:
    """A programme's enrolments: enrolling a person, ending an enrolment."""

    @router.post("/programmes/{programme_id}/enrol", response_class=HTMLResponse)
    async def enrol(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        form = await request.form()
        errors: dict[str, str] = {}
        role = text(form, "role")
        capacity = integer(form, "capacity", errors) if role == "mentor" else None
        participant_id = text(form, "participant_id")
        if not participant_id:
            errors["participant_id"] = "Найдите и выберите участника"
        if not errors:
            try:
                await service.enrol(programme_id, EnrolmentIn(participant_id=participant_id or "", role=role or "",
                                                              capacity=capacity).command(), principal)
                return see_other(f"/registry/programmes/{programme_id}?saved=enrolled")
            except ValidationError as exc:
                errors = validation_errors(exc)
            except UseCaseError as exc:
                if exc.status_code == 404 and exc.field is None and "Программа" in exc.message:
                    raise
                errors = use_case_errors(exc, set(LABELS))
        return await _page(request, programme_id, principal, find=text(form, "find") or "", errors=errors,
                           typed=values(form), status_code=422)

    @router.get("/programmes/{programme_id}/enrolments/{enrolment_id}/end", response_class=HTMLResponse)
    async def confirm_end(request: Request, programme_id: str, enrolment_id: str,
                          principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        """The inline confirm of ending an enrolment (an htmx fragment in the row; a page without JavaScript)."""
        programme = await service.programme(programme_id, principal)
        found = [(e, p) for e, p in await listing.enrolments_of_programme(programme.id) if e.id == enrolment_id and e.active]
        if not found:
            raise not_found("Такого действующего зачисления в программе нет.")
        enrolment, person = found[0]
        template = "enrolment_end_confirm.html" if request.headers.get("HX-Request") else "enrolment_end_page.html"
        return render(request, template, principal, programme=programme, enrolment=enrolment, person=person,
                      title="Завершить зачисление")

    @router.post("/programmes/{programme_id}/enrolments/{enrolment_id}/end", response_class=HTMLResponse)
    async def end(request: Request, programme_id: str, enrolment_id: str,
                  principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        programme = await service.programme(programme_id, principal)
        if enrolment_id not in {e.id for e, _p in await listing.enrolments_of_programme(programme.id)}:
            raise not_found("Такого зачисления в программе нет.")
        try:
            await service.end_enrolment(enrolment_id, principal)
        except UseCaseError as exc:
            if exc.status_code == 404:
                raise
            return await _page(request, programme_id, principal, errors={"form": exc.message}, status_code=exc.status_code)
        return see_other(f"/registry/programmes/{programme_id}?saved=ended")


NOTICES = {"launched": "Программа запущена.", "stage": "Этап изменён.", "forms": "Изменения сохранены.",
           "closed": "Программа завершена: все зачисления закрыты.", "enrolled": "Участник зачислен.",
           "ended": "Зачисление завершено."}
