"""Campaign pages for the people who run them (school curator, municipal coordinator, region
admin, each within their scope): the list, opening one, and one campaign's invitees with
reminders and closing. Everything goes through the use cases of service.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from shared import clock
from shared.auth import Principal
from shared.errors import NotFound, UseCaseError
from shared.web import Pages, not_found

from services.surveys import domain
from services.surveys.instruments.swot import FORMS
from services.surveys.schemas import CampaignIn
from services.surveys.service import SurveysService
from services.surveys.views import SHOW, STATUSES, SurveyViews

RUNNERS = ("school_curator", "municipal_coordinator", "region_admin")
ROLE_CHOICES = [("mentee", "наставляемые"), ("mentor", "наставники")]
CATEGORY_CHOICES = [("teacher", "педагоги"), ("pupil", "обучающиеся"), ("student", "студенты"), ("employer", "представители работодателей")]
FORM_CHOICES = [(code, title) for code, (title, _, _) in FORMS.items()]
STAGE_CHOICES = [("start", "входная диагностика"), ("end", "итоговая диагностика")]
LABELS = {"instrument": "Анкета", "title": "Название", "where": "Где проводится", "programme_id": "Программа", "role": "Кто отвечает",
          "category": "Категория", "form": "Форма наставничества", "stage": "Этап", "opens_on": "Дата начала",
          "closes_on": "Дата окончания", "audience": "Участники"}
# A use case's field → the form's field it concerns.
FIELDS = {"instrument.code": "instrument", "instrument.version": "instrument", "closes_on": "closes_on", "opens_on": "opens_on",
          "role": "role", "stage": "stage", "respondent_ids": "audience", "municipality_id": "where", "school_id": "where",
          "form": "form", "category": "category", "programme_id": "programme_id"}


def parse_day(text: str) -> date | None:
    """«05.09.2026» (as people write it) or «2026-09-05» (a date picker); None if neither."""
    text = text.strip()
    for parse in (lambda t: date(int(t[6:10]), int(t[3:5]), int(t[0:2])) if len(t) == 10 and t[2] == t[5] == "." else None,
                  date.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        if value is not None:
            return value
    return None


def campaign_input(values: dict[str, str], principal: Principal) -> tuple[CampaignIn | None, dict[str, str]]:
    """The form's values as the use case's input, or a Russian message per field."""
    errors: dict[str, str] = {}
    code, _, version = values.get("instrument", "").partition(":")
    if not code or not version.isdigit():
        errors["instrument"] = "выберите анкету из библиотеки"
    days: dict[str, date | None] = {}
    for name in ("opens_on", "closes_on"):
        if not values.get(name, "").strip():
            errors[name] = "введите дату"
        elif (days.setdefault(name, parse_day(values[name]))) is None:
            errors[name] = "введите дату в виде дд.мм.гггг, например 15.09.2026"
    opens, closes = days.get("opens_on"), days.get("closes_on")
    if opens is not None and closes is not None and closes < opens:
        errors["closes_on"] = "не может быть раньше даты начала"
    if values.get("role") not in dict(ROLE_CHOICES):
        errors["role"] = "выберите наставляемых или наставников"
    if errors:
        return None, errors
    where = values.get("where", "")
    school_id = municipality_id = None
    if principal.scope != "school":
        kind, _, ident = where.partition(":")
        if kind == "school" and ident:
            school_id = ident
        elif kind == "municipality" and ident:
            municipality_id = ident
    try:
        body = CampaignIn(
            title=values.get("title") or None, instrument={"code": code, "version": int(version)},
            school_id=school_id, municipality_id=municipality_id, programme_id=values.get("programme_id") or None,
            role=values["role"], form=values.get("form") or None, category=values.get("category") or None,
            stage=values.get("stage") or None, opens_on=days["opens_on"], closes_on=days["closes_on"],
        )
    except ValidationError as exc:
        return None, {FIELDS.get(str(e["loc"][0]), "audience"): "Проверьте значение" for e in exc.errors()}
    return body, {}


def build_campaign_pages(pages: Pages, service: SurveysService, views: SurveyViews) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/campaigns", response_class=HTMLResponse)
    async def campaigns(request: Request, principal: Principal = Depends(pages.viewer(*RUNNERS))) -> HTMLResponse:
        rows = await views.campaigns(principal)
        return pages.render(request, "campaigns.html", principal, title="Анкетирования", rows=rows, roles=domain.ROLES)

    async def new_form(request: Request, principal: Principal, values: dict[str, str], errors: dict[str, str],
                       status_code: int = 200) -> HTMLResponse:
        choices = await views.form_choices(principal)
        return pages.render(
            request, "campaign_new.html", principal, status_code=status_code, title="Новое анкетирование", values=values,
            errors=errors, labels=LABELS, choices=choices, roles=ROLE_CHOICES, categories=CATEGORY_CHOICES, forms=FORM_CHOICES,
            stages=STAGE_CHOICES,
            instruments=[(f"{i.code}:{i.version}", f"{i.title}{' (по этапам)' if i.staged else ''} · версия {i.version}")
                         for i in choices.instruments],
        )

    @router.get("/campaigns/new", response_class=HTMLResponse)
    async def new(request: Request, principal: Principal = Depends(pages.viewer(*RUNNERS))) -> HTMLResponse:
        today = clock.today()
        values = {"opens_on": f"{today:%d.%m.%Y}", "closes_on": f"{today + timedelta(days=14):%d.%m.%Y}", "role": "mentee",
                  "where": "municipality" if principal.scope == "municipality" else ""}
        return await new_form(request, principal, values, {})

    @router.post("/campaigns/new", response_model=None)
    async def open_campaign(request: Request, principal: Principal = Depends(pages.actor(*RUNNERS))) -> Response:
        values = _values(await request.form())
        body, errors = campaign_input(values, principal)
        if body is not None:
            try:
                out = await service.open_campaign(body.command(), principal, request.headers.get("x-correlation-id"))
            except UseCaseError as exc:
                if isinstance(exc, NotFound):
                    errors = {"where": exc.message}
                else:
                    errors = {FIELDS.get(exc.field or "", "audience"): exc.message}
            else:
                return RedirectResponse(f"/surveys/campaigns/{out.id}?opened={out.invited}", status_code=303)
        return await new_form(request, principal, values, errors, 422)

    @router.get("/campaigns/audience", response_class=HTMLResponse)
    async def audience(request: Request, principal: Principal = Depends(pages.viewer(*RUNNERS))) -> HTMLResponse:
        """htmx: how many people the campaign being set up would reach."""
        body, errors = campaign_input(dict(request.query_params), principal)
        count: int | None = None
        if body is not None:
            try:
                count = await views.audience(body.command(), principal)
            except UseCaseError:
                count = None
        return pages.render(request, "audience.html", principal, count=count)

    @router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
    async def campaign(campaign_id: str, request: Request, opened: int | None = None, reminded: int | None = None,
                       closed: int = 0, show: str = "all", principal: Principal = Depends(pages.viewer(*RUNNERS))) -> HTMLResponse:
        page = await _or_404(views.campaign(campaign_id, principal, show if show in SHOW else "all"))
        notice = None
        if opened is not None:
            notice = f"Анкетирование открыто: приглашено {opened} чел."
        elif reminded is not None:
            notice = f"Напоминания отправлены: {reminded} чел." if reminded else "Напоминать некому: все ответили."
        elif closed:
            notice = "Анкетирование закрыто: ответы больше не принимаются."
        return pages.render(request, "campaign.html", principal, title=page.campaign.title, page=page, c=page.campaign,
                            notice=notice, statuses=STATUSES, stages=domain.STAGES, roles=domain.ROLES,
                            forms=dict(FORM_CHOICES), categories=dict(CATEGORY_CHOICES), shows=SHOW,
                            links=principal.role == "school_curator")

    @router.post("/campaigns/{campaign_id}/reminders", response_model=None)
    async def remind(campaign_id: str, request: Request, principal: Principal = Depends(pages.actor(*RUNNERS))) -> Response:
        count = await _or_404(service.remind(campaign_id, principal, request.headers.get("x-correlation-id")))
        return RedirectResponse(f"/surveys/campaigns/{campaign_id}?reminded={count}", status_code=303)

    @router.post("/campaigns/{campaign_id}/close", response_model=None)
    async def close(campaign_id: str, request: Request, principal: Principal = Depends(pages.actor(*RUNNERS))) -> Response:
        await _or_404(service.close_campaign(campaign_id, principal, request.headers.get("x-correlation-id")))
        return RedirectResponse(f"/surveys/campaigns/{campaign_id}?closed=1", status_code=303)

    return router


async def _or_404(awaitable: Any) -> Any:
    try:
        return await awaitable
    except NotFound:
        raise not_found("Такого анкетирования нет, или оно вам недоступно.") from None


def _values(form: Any) -> dict[str, str]:
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
