"""The school's people: the list (search as you type, filters, paging), a person's page, adding
and editing a person, recording consent (152-ФЗ) and withdrawal with an inline confirm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shared.auth import Principal
from shared.contracts.registry import Consent
from shared.errors import UseCaseError
from shared.web import Pages, not_found

from services.registry import domain
from services.registry.listing import STATUSES, Listing
from services.registry.models import School
from services.registry.schemas import ParticipantIn, ParticipantPatch
from services.registry.service import RegistryService
from services.registry.web import see_other
from services.registry.web_forms import (
    checked,
    for_people,
    integer,
    items,
    text,
    use_case_errors,
    validation_errors,
    values,
)

STAFF = ("school_curator", "region_admin", "municipal_coordinator")
PERSON_LABELS = {
    "category": "Категория", "full_name": "ФИО", "external_id": "Внешний id", "subjects": "Предметы",
    "position": "Должность", "experience_years": "Стаж, лет", "birth_year": "Год рождения", "age_band": "Возраст",
    "qualification": "Квалификационная категория", "newly_arrived": "Новоприбывший", "grade": "Класс",
    "partner_id": "Организация-партнёр", "self_determination": "Профессиональное самоопределение", "class_direction": "Направление класса", "given_by": "Кто дал согласие", "representative_name": "Законный представитель",
    "document": "Документ", "date": "Дата согласия", "contact_email": "Адрес электронной почты",
    "account_allowed": "Учётная запись", "contact_email_consent": "Согласие на письма", "form": "Форма", "status": "Статус",
}
CONSENT_BY = {"self": "сам участник", "legal_representative": "законный представитель"}
REASONS = {"consent_withdrawn": "отозвал согласие на обработку персональных данных", "left_school": "выбыл из школы"}


async def school_in_view(service: RegistryService, principal: Principal, school: str | None) -> School | None:
    """The school a page is about: a curator's own; for the region or a municipality the one asked
    for (?school=), None if none was asked for. Another school's → 404."""
    if principal.scope == "school":
        return await service.school(principal.scope_id, principal)
    if not school:
        return None
    return await service.school(school, principal)


def school_query(principal: Principal, school: School) -> str:
    """What a link must carry to stay at the same school (a curator's is implied)."""

    return "" if principal.scope == "school" else f"?school={school.id}"


def consent_of(form: FormData, errors: dict[str, str]) -> Consent | None:
    """The consent fields of a form as a Consent (fields the model gained later included: a bool
    is a checkbox, anything else a text field); None when «кто дал согласие» is left empty."""
    if not text(form, "given_by"):
        return None
    body: dict[str, Any] = {}
    for name, info in Consent.model_fields.items():
        body[name] = checked(form, name) if info.annotation in (bool, "bool") else text(form, name)
    try:
        return Consent(**body)
    except ValidationError as exc:
        found = validation_errors(exc)
        if "contact_email" in found:
            found["contact_email"] = "Введите адрес электронной почты, например ivanova@school.ru"
        errors.update(found)
        return None


def consent_fields() -> list[tuple[str, bool]]:
    """(name, is a checkbox) of the consent's optional fields, for the form."""

    return [(name, info.annotation in (bool, "bool")) for name, info in Consent.model_fields.items()
            if name not in ("given_by", "representative_name", "document", "date")]


def person_body(form: FormData, errors: dict[str, str], *, with_category: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "full_name": text(form, "full_name") or "", "external_id": text(form, "external_id"),
        "subjects": items(text(form, "subjects")), "position": text(form, "position"),
        "experience_years": integer(form, "experience_years", errors), "birth_year": integer(form, "birth_year", errors),
        "age_band": text(form, "age_band"), "qualification": text(form, "qualification"),
        "newly_arrived": checked(form, "newly_arrived"), "grade": integer(form, "grade", errors),
        "partner_id": text(form, "partner_id"), "self_determination": text(form, "self_determination"),
        "class_direction": text(form, "class_direction"),
    }
    if with_category:
        body["category"] = text(form, "category") or ""
    return body


def build_people_router(service: RegistryService, listing: Listing, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def render(request: Request, template: str, principal: Principal, school: School | None, **context: Any) -> Response:
        return pages.render(request, template, principal, school=school, categories=domain.CATEGORIES, statuses=STATUSES,
                            labels=PERSON_LABELS, consent_by=CONSENT_BY, reasons=REASONS, age_bands=domain.AGE_BANDS,
                            roles=domain.ROLES, extra_consent=consent_fields(), self_determination=domain.SELF_DETERMINATION,
                            at_school=school_query(principal, school) if school else "", **context)

    _people_routes(router, service, listing, pages, render)
    _person_routes(router, service, listing, pages, render)

    return router


def _people_routes(router: APIRouter, service: RegistryService, listing: Listing, pages: Pages, render: Callable[..., Response]) -> None:
    """The people of a school: the list, a new person."""

    @router.get("/people", response_class=HTMLResponse)
    async def people(request: Request, school: str | None = None, q: str = "", category: str = "", status: str = "active",
                     page: int = 1, principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            return render(request, "choose_school.html", principal, None, title="Люди школы")
        found = await listing.people(place.id, query=q, category=category if category in domain.CATEGORIES else "",
                                     status=status if status in STATUSES else "", page=page)
        context = dict(found=found, q=q, category=category, status=status)
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "people-list":
            return render(request, "people_list.html", principal, place, **context)
        return render(request, "people.html", principal, place, title=f"Люди — {place.name}", **context)

    @router.get("/people/new", response_class=HTMLResponse)
    async def new_person(request: Request, school: str | None = None, category: str = "teacher",
                         principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            raise not_found()
        return render(request, "person_form.html", principal, place, person=None, errors={}, typed={"category": category},
                      partners=await service.partners(), title="Новый участник")

    @router.post("/people/new", response_class=HTMLResponse)
    async def add_person(request: Request, school: str | None = None,
                         principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            raise not_found()
        form = await request.form()
        errors: dict[str, str] = {}
        body = person_body(form, errors, with_category=True)
        body["consent"] = consent_of(form, errors)
        problem = domain.person_problem(body["category"], body["grade"], body["partner_id"], body["self_determination"],
                                        body["class_direction"])
        if problem and problem[0] not in errors:
            errors[problem[0]] = for_people(problem[1])
        person = None
        if not errors:
            try:
                person = await service.register_participant(place.id, ParticipantIn(**body).command(), principal)
            except ValidationError as exc:
                errors = validation_errors(exc)
            except UseCaseError as exc:
                errors = use_case_errors(exc, set(PERSON_LABELS))
        if person is None:
            return render(request, "person_form.html", principal, place, person=None, errors=errors, typed=values(form),
                          partners=await service.partners(), title="Новый участник", status_code=422)
        return see_other(f"/registry/people/{person.id}?saved=added")


def _person_routes(router: APIRouter, service: RegistryService, listing: Listing, pages: Pages, render: Callable[..., Response]) -> None:
    """One person: their page, edits, consent and withdrawal."""

    @router.get("/people/{participant_id}", response_class=HTMLResponse)
    async def person_page(request: Request, participant_id: str, saved: str = "",
                          principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        return await _person(request, participant_id, principal, notice=NOTICES.get(saved))

    async def _person(request: Request, participant_id: str, principal: Principal, *, errors: dict[str, str] | None = None,
                      typed: dict | None = None, status_code: int = 200, notice: str | None = None) -> Response:
        person = await service.participant(participant_id, principal)
        place = await service.school(person.school_id, principal)
        partners = {p.id: p.name for p in await service.partners()} if person.partner_id else {}
        return render(request, "person.html", principal, place, person=person, errors=errors or {}, typed=typed or {},
                      enrolments=await listing.enrolments_of_person(person.id), partner_names=partners,
                      title=person.full_name, status_code=status_code, notice=notice)

    @router.get("/people/{participant_id}/edit", response_class=HTMLResponse)
    async def edit_form(request: Request, participant_id: str, principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        person = await service.participant(participant_id, principal)
        place = await service.school(person.school_id, principal)
        return render(request, "person_form.html", principal, place, person=person, errors={}, typed={},
                      partners=await service.partners(), title=f"Изменить — {person.full_name}")

    @router.post("/people/{participant_id}/edit", response_class=HTMLResponse)
    async def edit(request: Request, participant_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        person = await service.participant(participant_id, principal)
        place = await service.school(person.school_id, principal)
        form = await request.form()
        errors: dict[str, str] = {}
        body = person_body(form, errors, with_category=False)
        if not body["full_name"]:
            errors["full_name"] = "Заполните поле"
        if not errors:
            try:
                await service.update_participant(participant_id, ParticipantPatch(**body).changes(), principal)
                return see_other(f"/registry/people/{participant_id}?saved=edited")
            except ValidationError as exc:
                errors = validation_errors(exc)
            except UseCaseError as exc:
                errors = use_case_errors(exc, set(PERSON_LABELS))
        return render(request, "person_form.html", principal, place, person=person, errors=errors, typed=values(form),
                      partners=await service.partners(), title=f"Изменить — {person.full_name}", status_code=422)

    @router.post("/people/{participant_id}/consent", response_class=HTMLResponse)
    async def consent(request: Request, participant_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        form = await request.form()
        errors: dict[str, str] = {}
        given = consent_of(form, errors)
        if given is None and not errors:
            errors["given_by"] = "Выберите, кто дал согласие"
        if not errors:
            try:
                await service.record_consent(participant_id, given, principal)  # type: ignore[arg-type]
                return see_other(f"/registry/people/{participant_id}?saved=consent")
            except UseCaseError as exc:
                if exc.status_code == 404:
                    raise
                errors = use_case_errors(exc, set(PERSON_LABELS))
        return await _person(request, participant_id, principal, errors=errors, typed=values(form), status_code=422)

    @router.get("/people/{participant_id}/withdraw", response_class=HTMLResponse)
    async def confirm_withdrawal(request: Request, participant_id: str, reason: str = "consent_withdrawn",
                                 principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        """The inline confirm (an htmx fragment in place of the button; a page without JavaScript)."""
        person = await service.participant(participant_id, principal)
        place = await service.school(person.school_id, principal)
        reason = reason if reason in REASONS else "consent_withdrawn"
        template = "withdraw_confirm.html" if request.headers.get("HX-Request") else "withdraw_page.html"
        return render(request, template, principal, place, person=person, reason=reason, title="Подтвердите выбытие")

    @router.post("/people/{participant_id}/withdraw", response_class=HTMLResponse)
    async def withdraw(request: Request, participant_id: str, principal: Principal = Depends(pages.actor(*STAFF))) -> Response:
        form = await request.form()
        reason = text(form, "reason")
        if reason not in REASONS:
            return await _person(request, participant_id, principal, errors={"reason": "Выберите причину"}, status_code=422)
        person, _ended = await service.withdraw(participant_id, reason, principal)
        return see_other(f"/registry/people/{person.id}?saved={reason}")


NOTICES = {
    "added": "Участник добавлен.", "edited": "Изменения сохранены.", "consent": "Согласие внесено.",
    "consent_withdrawn": "Согласие отозвано: зачисления завершены, персональные данные удалены.",
    "left_school": "Участник выбыл: зачисления завершены, персональные данные удалены.",
}
