"""The registry's work pages (issue 11): schools for the region administrator, people and
programmes for the school curator, the spreadsheet import for both. Accounts, sign-in and the
home page live in web_accounts.py. Each topic has its module; this one puts them together and
serves the schools pages."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages

from services.registry.importer import Importer
from services.registry.listing import Listing
from services.registry.schemas import SchoolIn, SchoolPatch
from services.registry.service import RegistryService
from services.registry.web_forms import checked, text, use_case_errors, validation_errors, values

ADMIN = ("region_admin",)
NEW_MUNICIPALITY = "__new__"
SCHOOL_FIELDS = {"school_id": "Код школы", "name": "Наименование", "municipality": "Муниципалитет",
                 "municipality_name": "Название нового муниципалитета", "form": "Школа"}


def build_pages_router(service: RegistryService, importer: Importer, pages: Pages) -> APIRouter:
    from services.registry.web_imports import build_imports_router
    from services.registry.web_people import build_people_router
    from services.registry.web_programmes import build_programmes_router
    from services.registry.web_year import build_year_pages_router
    from services.registry.web_year_training import build_training_pages_router

    listing = Listing(service.db)
    pages.env.filters["page_link"] = page_link
    pages.env.filters["years"] = years
    router = APIRouter(include_in_schema=False)
    router.include_router(build_schools_router(service, listing, pages))
    router.include_router(build_people_router(service, listing, pages))
    router.include_router(build_programmes_router(service, listing, pages))
    router.include_router(build_imports_router(importer, pages))
    router.include_router(build_year_pages_router(service, pages))  # a programme's activities (issue 15)
    router.include_router(build_training_pages_router(service, pages))  # mentors' training and recognition (issue 15)
    return router


def page_link(request: Request, number: int) -> str:
    """The same list (same filters) at page `number`; the path of the page, not of an htmx fragment."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return f"{request.url.path}?{urlencode([*params, ('page', str(number))])}"


def years(value: int | None) -> str:
    """12 → «12 лет», 2 → «2 года», 21 → «21 год»."""
    if value is None:
        return "—"
    tens, ones = value % 100, value % 10
    word = "лет" if 11 <= tens <= 14 else "год" if ones == 1 else "года" if 2 <= ones <= 4 else "лет"
    return f"{value} {word}"


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def build_schools_router(service: RegistryService, listing: Listing, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/schools", response_class=HTMLResponse)
    async def schools(request: Request, q: str = "", municipality: str = "", page: int = 1,
                      principal: Principal = Depends(pages.viewer(*ADMIN))) -> Response:
        found = await listing.schools(query=q, municipality_id=municipality, page=page)
        context = dict(found=found, q=q, municipality=municipality)
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "school-list":
            return pages.render(request, "schools_list.html", principal, **context)
        return pages.render(request, "schools.html", principal, title="Школы", municipalities=await listing.municipalities(),
                            **context)

    @router.get("/schools/new", response_class=HTMLResponse)
    async def new_school(request: Request, principal: Principal = Depends(pages.viewer(*ADMIN))) -> Response:
        return await _school_form(request, principal, None, {}, {})

    @router.post("/schools/new", response_class=HTMLResponse)
    async def add_school(request: Request, principal: Principal = Depends(pages.actor(*ADMIN))) -> Response:
        form = await request.form()
        errors: dict[str, str] = {}
        municipality_id, municipality_name = await _municipality_choice(form, errors)
        try:
            body = SchoolIn(school_id=text(form, "school_id"), name=text(form, "name") or "",
                            municipality_id=municipality_id or "", municipality_name=municipality_name or "",
                            low_results=checked(form, "low_results"), difficult_conditions=checked(form, "difficult_conditions"))
        except ValidationError as exc:
            errors = {**_municipality_field(validation_errors(exc)), **errors}
        if errors:
            return await _school_form(request, principal, None, errors, values(form), status_code=422)
        try:
            school = await service.register_school(body.command(), principal)
        except UseCaseError as exc:
            return await _school_form(request, principal, None, use_case_errors(exc, set(SCHOOL_FIELDS)), values(form),
                                      status_code=exc.status_code)
        return see_other(f"/registry/schools/{school.id}?saved=1")

    @router.get("/schools/{school_id}", response_class=HTMLResponse)
    async def school_page(request: Request, school_id: str, saved: int = 0,
                          principal: Principal = Depends(pages.viewer(*ADMIN))) -> Response:
        school = await service.school(school_id, principal)
        return await _school_form(request, principal, school, {}, {}, notice="Изменения сохранены." if saved else None)

    @router.post("/schools/{school_id}", response_class=HTMLResponse)
    async def edit_school(request: Request, school_id: str, principal: Principal = Depends(pages.actor(*ADMIN))) -> Response:
        school = await service.school(school_id, principal)
        form = await request.form()
        errors: dict[str, str] = {}
        municipality_id, municipality_name = await _municipality_choice(form, errors)
        try:
            patch = SchoolPatch(name=text(form, "name") or "", municipality_id=municipality_id,
                                municipality_name=municipality_name if municipality_id != school.municipality_id else None,
                                low_results=checked(form, "low_results"), difficult_conditions=checked(form, "difficult_conditions"))
        except ValidationError as exc:
            errors = {**_municipality_field(validation_errors(exc)), **errors}
        if errors:
            return await _school_form(request, principal, school, errors, values(form), status_code=422)
        try:
            await service.update_school(school_id, patch.changes(), principal)
        except UseCaseError as exc:
            return await _school_form(request, principal, school, use_case_errors(exc, set(SCHOOL_FIELDS)), values(form),
                                      status_code=exc.status_code)
        return see_other(f"/registry/schools/{school_id}?saved=1")

    async def _municipality_choice(form, errors: dict[str, str]) -> tuple[str | None, str | None]:  # noqa: ANN001
        """An existing municipality from the list, or a new one by its name (its code is made up)."""
        chosen = text(form, "municipality")
        if chosen == NEW_MUNICIPALITY or (chosen is None and text(form, "municipality_name")):
            name = text(form, "municipality_name")
            if not name:
                errors["municipality_name"] = "Введите название нового муниципалитета"
                return None, None
            known = {m.name.casefold(): m for m in await listing.municipalities()}
            if name.casefold() in known:  # typed the name of one we have: use it
                return known[name.casefold()].id, known[name.casefold()].name
            return f"mun-{uuid.uuid4().hex[:8]}", name
        if not chosen:
            errors["municipality"] = "Выберите муниципалитет или создайте новый"
            return None, None
        existing = {m.id: m for m in await listing.municipalities()}
        if chosen not in existing:
            errors["municipality"] = "Такого муниципалитета нет"
            return None, None
        return chosen, existing[chosen].name

    async def _school_form(request: Request, principal: Principal, school, errors: dict[str, str],  # noqa: ANN001
                           typed: dict, *, status_code: int = 200, notice: str | None = None) -> Response:
        counts = await listing.school_counts(school.id) if school else {}
        municipalities = await listing.municipalities()
        return pages.render(request, "school.html", principal, status_code=status_code, school=school, errors=errors,
                            typed=typed, municipalities=municipalities, labels=SCHOOL_FIELDS, counts=counts,
                            municipality_names={m.id: m.name for m in municipalities}, new_municipality=NEW_MUNICIPALITY,
                            title=school.name if school else "Новая школа", notice=notice)

    return router


def _municipality_field(errors: dict[str, str]) -> dict[str, str]:
    """The municipality's problems are told by _municipality_choice, in the terms of the form."""
    return {k: v for k, v in errors.items() if k not in ("municipality_id", "municipality_name")}
