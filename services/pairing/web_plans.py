"""Pairs and development plans (ИОМ) in the browser: the curator's pairs (filter, plan state,
end a pair), a pair's plan for the curator, the mentor and the mentee (goals by deficit area,
measures, products, the mentee's own view), and `GET /pairing/todo` for the home page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared import clock
from shared.auth import Principal
from shared.contracts.surveys import DEFICIT_AREAS
from shared.errors import UseCaseError
from shared.web import Pages

from services.pairing import domain
from services.pairing.domain_meetings import hours
from services.pairing.schemas import EndIn, GoalIn, MeasureIn, MeasureResultIn, PlanIn
from services.pairing.service import CURATORS, PairingService
from services.pairing.views import PairingViews

AREAS = {code: DEFICIT_AREAS[code] for code in domain.AREAS}
STATES = {"formed": "действует", "completed": "завершена", "terminated": "прекращена досрочно"}
KINDS = ("консультация", "пробный урок", "посещение урока", "курс", "проект", "мероприятие", "самообразование")
NOTICES = {
    "goals": "Цели плана сохранены.",
    "measure": "Мероприятие добавлено в план.",
    "edited": "Мероприятие изменено.",
    "result": "Результат мероприятия записан.",
    "view": "Ваш отзыв о мероприятии сохранён.",
    "ended": "Пара завершена.",
}
PAIR_PEOPLE = (*CURATORS, "mentor", "mentee")
MY_PLANS_SHOWN = 10
MAX_GOALS = PlanIn.model_fields["goals"].metadata[0].max_length
FIELD_LABELS = {
    "title": "Название", "area": "Область", "kind": "Вид", "starts_on": "Начало", "due_on": "Срок", "product": "Результат",
    "done_on": "Дата выполнения", "view": "Ваш отзыв", "goal_new": "Новая цель", "area_new": "Область новой цели",
    "outcome": "Завершение", "reason": "Причина",
}


def parse_day(raw: str | None) -> date | None:
    """A date from the form: ISO (the date picker) or dd.mm.yyyy typed by hand."""
    text = (raw or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def build_plan_pages(service: PairingService, pages: Pages, views: PairingViews) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    curator = Depends(pages.viewer(*CURATORS))
    member = Depends(pages.viewer("mentor", "mentee"))
    plan_page = _PlanPage(service, pages, views)
    _curator_pair_routes(router, service, pages, views, curator, plan_page)
    _member_routes(router, service, pages, views, member, plan_page)
    actor = Depends(pages.actor(*PAIR_PEOPLE))
    _goal_route(router, service, actor, plan_page)
    _measure_routes(router, service, actor, plan_page)

    # -- the home page's part -------------------------------------------------------------------------

    @router.get("/todo")
    async def todo(request: Request) -> HTMLResponse:
        principal = pages.principal_of(request)
        tasks = await views.todo(principal) if principal else []
        return HTMLResponse(pages.env.get_template("todo.html").render(tasks=tasks))

    return router


class _PlanPage:
    """A pair's plan for the curator, the mentor or the mentee; shown again with the errors when a
    form on it is refused."""

    def __init__(self, service: PairingService, pages: Pages, views: PairingViews) -> None:
        self.service, self.pages, self.views = service, pages, views

    async def __call__(
        self, request: Request, principal: Principal, pair_id: str, *, status_code: int = 200, errors: dict | None = None,
        values: dict | None = None,
    ) -> HTMLResponse:
        service, pages, views = self.service, self.pages, self.views
        plan = await service.plan(pair_id, principal)  # 404 unless the curator in scope or one of the pair
        pair = await service.pair(pair_id, principal)
        row = await views.pair_row(pair)
        return pages.render(
            request, "plan.html", principal, status_code=status_code, title=f"План развития: {row.mentor_name} и {row.mentee_names}",
            row=row, plan=plan, areas=AREAS, error_labels={k: FIELD_LABELS.get(k.split("-")[0], "Поле") for k in errors or {}}, kinds=KINDS, states=STATES, errors=errors or {}, values=values or {},
            editor=principal.role != "mentee" and pair.status == "formed", back=_back(principal, pair_id),
            notice=NOTICES.get(request.query_params.get("done", "")), today=clock.today(),
        )


def _curator_pair_routes(
    router: APIRouter, service: PairingService, pages: Pages, views: PairingViews, curator: Any, plan_page: _PlanPage
) -> None:
    """The curator's pairs: the list (filter, plan state), a pair's plan, a pair ended."""

    @router.get("/pairs")
    async def pairs(request: Request, principal: Principal = curator) -> HTMLResponse:
        query = request.query_params
        programme_id = query.get("programme") or None
        state = query.get("state") if query.get("state") in STATES else None
        without_plan = query.get("plan") == "none"
        page = int(query["page"]) if query.get("page", "").isdigit() else 1
        rows, total_pages = await views.pairs(principal, programme_id=programme_id, state=state, page=page, without_plan=without_plan)
        programmes = await views.programmes(principal)
        return pages.render(
            request, "pairs.html", principal, title="Пары и планы", rows=rows, programmes=programmes, states=STATES,
            programme_id=programme_id or "", state=state or "", without_plan=without_plan, page=min(max(page, 1), total_pages),
            pages=total_pages, notice=NOTICES.get(query.get("done", "")),
        )

    @router.get("/pairs/{pair_id}")
    async def pair_page(request: Request, pair_id: str, principal: Principal = curator) -> HTMLResponse:
        return await plan_page(request, principal, pair_id)

    @router.post("/pairs/{pair_id}/end", response_model=None)
    async def end(request: Request, pair_id: str, principal: Principal = Depends(pages.actor(*CURATORS))) -> Response:
        form = await request.form()
        outcome = str(form.get("outcome") or "")
        reason = str(form.get("reason") or "").strip()[:500] or None
        pair = await service.pair(pair_id, principal)
        errors = {}
        if outcome not in ("completed", "terminated"):
            errors["outcome"] = "Выберите, чем завершилась пара"
        else:
            try:
                await service.end_pair(pair.programme_id, pair_id, EndIn(outcome=outcome, reason=reason).command(), principal)
            except UseCaseError as exc:
                if exc.status_code not in (409, 422):
                    raise
                errors[exc.field or "outcome"] = exc.message
        if errors:
            return await plan_page(request, principal, pair_id, status_code=422, errors=errors,
                                   values={"outcome": outcome, "reason": reason or ""})
        back = f"/pairing/pairs/{pair_id}" if form.get("from") == "pair" else "/pairing/pairs"
        return RedirectResponse(f"{back}?done=ended", status_code=303)


def _member_routes(
    router: APIRouter, service: PairingService, pages: Pages, views: PairingViews, member: Any, plan_page: _PlanPage
) -> None:
    """The mentor's and the mentee's pairs, each plan at a glance, and one pair's plan."""

    @router.get("/my")
    async def my(request: Request, principal: Principal = member) -> HTMLResponse:
        rows = await views.my_pairs(principal)
        # a mentor has a few mentees, a mentee usually one pair: each plan at a glance right here
        plans = {row.pair.id: await service.plan(row.pair.id, principal) for row in rows[:MY_PLANS_SHOWN]}
        logs = {row.pair.id: await service.meeting_log(row.pair.id, principal) for row in rows[:MY_PLANS_SHOWN]}  # web_meetings.py
        return pages.render(request, "my.html", principal, title="Мой наставник и план" if principal.role == "mentee" else "Мои наставляемые",
                            rows=rows, plans=plans, logs=logs, hours=hours, areas=AREAS, states=STATES, today=clock.today())

    @router.get("/my/{pair_id}")
    async def my_pair(request: Request, pair_id: str, principal: Principal = member) -> HTMLResponse:
        return await plan_page(request, principal, pair_id)


def _goal_route(router: APIRouter, service: PairingService, actor: Any, plan_page: _PlanPage) -> None:
    """The plan's goals by deficit area, written all at once (an emptied goal is removed)."""

    @router.post("/pairs/{pair_id}/plan/goals", response_model=None)
    async def goals(request: Request, pair_id: str, principal: Principal = actor) -> Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        keep, errors = [], {}
        index = 0
        while f"area_{index}" in values:
            text = values.get(f"goal_{index}", "").strip()
            if text:  # an emptied goal is removed
                keep.append(GoalIn(area=values[f"area_{index}"], goal=text[:1000]))
            index += 1
        new_text = values.get("goal_new", "").strip()
        if new_text:
            if values.get("area_new") not in AREAS:
                errors["area_new"] = "Выберите область дефицитов"
            else:
                keep.append(GoalIn(area=values["area_new"], goal=new_text[:1000]))
        elif values.get("area_new"):
            errors["goal_new"] = "Опишите цель"
        if len(keep) > MAX_GOALS:
            errors["goal_new"] = f"В плане не больше {MAX_GOALS} целей"
        if not errors:
            try:
                await service.set_goals(pair_id, PlanIn(goals=keep).command(), principal)
            except UseCaseError as exc:
                if exc.status_code != 422:
                    raise
                errors["goal_new"] = exc.message
        if errors:
            return await plan_page(request, principal, pair_id, status_code=422, errors=errors, values=values)
        return await _done(principal, pair_id, "goals", "#goals")


def _measure_routes(router: APIRouter, service: PairingService, actor: Any, plan_page: _PlanPage) -> None:
    """The plan's measures: added, edited, their result (product) and the mentee's view of them."""

    @router.post("/pairs/{pair_id}/plan/measures", response_model=None)
    async def add_measure(request: Request, pair_id: str, principal: Principal = actor) -> Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: dict[str, str] = {}
        measure = _measure_fields(values, errors)
        if measure is not None:
            try:
                await service.add_measure(pair_id, measure.command(), principal)
            except UseCaseError as exc:
                if exc.status_code != 422:
                    raise
                errors[exc.field or "title"] = exc.message
        if errors:
            return await plan_page(request, principal, pair_id, status_code=422, errors=errors, values=values)
        return await _done(principal, pair_id, "measure", "#measures")

    @router.post("/pairs/{pair_id}/plan/measures/{measure_id}/edit", response_model=None)
    async def edit_measure(request: Request, pair_id: str, measure_id: str, principal: Principal = actor) -> Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: dict[str, str] = {}
        suffix = f"-{measure_id}"
        measure = _measure_fields(values, errors, suffix)
        if measure is not None:
            try:
                await service.edit_measure(pair_id, measure_id, measure.command(), principal)
            except UseCaseError as exc:
                if exc.status_code != 422:
                    raise
                errors[f"{exc.field or 'title'}{suffix}"] = exc.message
        if errors:
            return await plan_page(request, principal, pair_id, status_code=422, errors=errors, values=values)
        return await _done(principal, pair_id, "edited", f"#m-{measure_id}")

    @router.post("/pairs/{pair_id}/plan/measures/{measure_id}/result", response_model=None)
    async def result(request: Request, pair_id: str, measure_id: str, principal: Principal = actor) -> Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors: dict[str, str] = {}
        product = values.get(f"product-{measure_id}", "").strip()
        done_on = parse_day(values.get(f"done_on-{measure_id}")) if values.get(f"done_on-{measure_id}") else None
        if values.get(f"done_on-{measure_id}") and done_on is None:
            errors[f"done_on-{measure_id}"] = "Дата в виде ДД.ММ.ГГГГ"
        if not product:
            errors[f"product-{measure_id}"] = "Опишите результат: что получилось (продукт)"
        if not errors:
            await service.record_result(pair_id, measure_id, MeasureResultIn(product=product[:2000], done_on=done_on).command(), principal)
            return await _done(principal, pair_id, "result", f"#m-{measure_id}")
        return await plan_page(request, principal, pair_id, status_code=422, errors=errors, values=values)

    @router.post("/pairs/{pair_id}/plan/measures/{measure_id}/view", response_model=None)
    async def view(request: Request, pair_id: str, measure_id: str, principal: Principal = actor) -> Response:
        form = await request.form()
        text = str(form.get(f"view-{measure_id}") or "").strip()
        if not text:
            return await plan_page(request, principal, pair_id, status_code=422,
                                   errors={f"view-{measure_id}": "Напишите несколько слов: что вам дало это мероприятие"})
        await service.record_result(pair_id, measure_id, MeasureResultIn(mentee_view=text[:2000]).command(), principal)
        return await _done(principal, pair_id, "view", f"#m-{measure_id}")


def _measure_fields(values: dict, errors: dict, suffix: str = "") -> MeasureIn | None:
    """A measure as the form gives it (suffix: the measure being edited); None, the errors noted, if refused."""
    title = values.get(f"title{suffix}", "").strip()
    if not title:
        errors[f"title{suffix}"] = "Назовите мероприятие"
    area = values.get(f"area{suffix}") or None
    if area is not None and area not in AREAS:
        errors[f"area{suffix}"] = "Выберите область из списка"
    starts_on = parse_day(values.get(f"starts_on{suffix}")) if values.get(f"starts_on{suffix}") else None
    if values.get(f"starts_on{suffix}") and starts_on is None:
        errors[f"starts_on{suffix}"] = "Дата в виде ДД.ММ.ГГГГ"
    due_on = parse_day(values.get(f"due_on{suffix}"))
    if due_on is None:
        errors[f"due_on{suffix}"] = "Укажите срок: дата в виде ДД.ММ.ГГГГ"
    elif starts_on and starts_on > due_on:
        errors[f"due_on{suffix}"] = "Срок раньше начала"
    if errors:
        return None
    return MeasureIn(title=title[:300], area=area, kind=(values.get(f"kind{suffix}") or "").strip()[:100] or None,
                     starts_on=starts_on, due_on=due_on)


async def _done(principal: Principal, pair_id: str, what: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{_back(principal, pair_id)}?done={what}{anchor}", status_code=303)


def _back(principal: Principal, pair_id: str) -> str:
    return f"/pairing/pairs/{pair_id}" if principal.role in CURATORS else f"/pairing/my/{pair_id}"
