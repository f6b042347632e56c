"""The curator's matching pages: the school's programmes, a programme's weights and rules (an
editable form), a run and its result a page at a time (each proposal's points per criterion,
each unmatched mentee's reason), confirm / reject / replace, and a pair formed by hand.
Pairs and development plans: web_plans.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shared import vocabulary
from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages

from services.pairing import domain
from services.pairing.schemas import MatchingSettingsIn, PairIn, RejectIn, ReplaceIn, RunIn
from services.pairing.service import CURATORS, PairingService
from services.pairing.views import PairingViews
from services.pairing.web_rules import GRADES, build_rule_pages, limits_table

FORMS = vocabulary.FORMS
CRITERION_LABELS = {
    "deficit_coverage": "Закрытие дефицитов",
    "same_subject": "Общий предмет",
    "experience_gap": "Разница в опыте",
    "same_school": "Одна школа",
    "preference": "Предпочтение наставляемого",
    "priority": "Молодой специалист или вновь пришедший",
    "interests": "Профессиональные интересы ученика",
    "mentor_preference": "Предпочтение наставника",
    "grade_fit": "Класс ученика и ступень наставника",
    "class_direction": "Направление класса ученика",
    "chosen_field": "Профессиональный выбор ученика",
}
CRITERION_HINTS = {
    "deficit_coverage": "Насколько сильные стороны наставника закрывают дефициты наставляемого по диагностике профессиональных дефицитов.",
    "same_subject": "Полный балл, если у наставника и наставляемого есть общий предмет.",
    "experience_gap": "Полный балл, если наставник опытнее на 5–15 лет (ученики — старше на 2–4 класса); меньше — часть балла, "
    "больше — балл убывает (не ниже четверти): выигрывает разумная разница, а не самый большой стаж. В реверсивной форме — 0.",
    "same_school": "Полный балл, если оба из одной школы.",
    "preference": "Полный балл за первый выбор наставляемого в анкете предпочтений, половина — за второй и так далее.",
    "priority": "Полный балл молодому специалисту и вновь пришедшему педагогу: когда мест мало, они получают наставника первыми.",
    "interests": "Формы с учениками: доля интересов ученика по диагностике ДДО Климова, которые показывает работа наставника "
    "(педагог и студент — «человек – человек», предметы — свои типы профессий; наставник-ученик — свои интересы).",
    "mentor_preference": "Полный балл за первый выбор наставника в его рейтинге наставляемых, половина — за второй и так далее.",
    "grade_fit": "Формы с учениками: учитель начальных классов — 1–4 класс, учитель-предметник — 5–11 (1–4 — половина), "
    "студент — 9–11 (7–8 — половина), работодатель — 8–11 (5–7 — половина).",
    "class_direction": "Формы с учениками: полный балл, если направление класса ученика (например, педагогический класс, "
    "химико-биологический профиль) совпадает с предметом наставника с учётом словаря предметов региона.",
    "chosen_field": "Формы с учениками: выбравшему педагогику — учитель или наставник из педагогического вуза, колледжа; "
    "выбравшему другое — студент или работодатель не из педагогики; не определившемуся — любой сетевой партнёр, половина балла.",
}
PROPOSAL_STATUSES = {
    "proposed": "ждёт решения",
    "confirmed": "подтверждена",
    "rejected": "отклонена",
    "replaced": "наставник заменён",
    "withdrawn": "участник выбыл",
    "superseded": "заменена новым подбором",
}
NOTICES = {
    "saved": "Веса и правила подбора сохранены.",
    "confirmed": "Пара подтверждена и сформирована.",
    "rejected": "Предложение отклонено: эту пару подбор больше не предложит.",
    "replaced": "Наставник заменён, пара сформирована.",
    "paired": "Пара сформирована вручную.",
    "limits": "Ограничения наставника сохранены: подбор их не нарушит.",
}
WEIGHT_MAX = 1000
PUPIL_CRITERIA = ("grade_fit", "class_direction", "chosen_field")


def labels_for(form: str | None) -> dict[str, str]:
    """The criteria a result shows: the pupil criteria only where a teacher, a student or an
    employer mentors a pupil (elsewhere they are always 0, and the explanation still adds up)."""
    mentor, mentee = domain.FORM_CATEGORIES.get(form or "", ("", ""))
    if mentee == "pupil" and mentor != "pupil":
        return CRITERION_LABELS
    return {k: v for k, v in CRITERION_LABELS.items() if k not in PUPIL_CRITERIA}


def parse_number(raw: str | None) -> float | None:
    """A number as a person types it in Russia: «12,5» or «12.5»; None if it is not a number."""
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _bulk_notice(query) -> str | None:  # noqa: ANN001
    confirmed, refused = query.get("confirmed", ""), query.get("refused", "")
    if not (confirmed.isdigit() and refused.isdigit()):
        return None
    text = f"Подтверждено пар: {int(confirmed)}."
    if int(refused):
        text += f" Не подтверждено: {int(refused)} — правила не позволяют их сейчас; нажмите «Подтвердить» у пары, чтобы увидеть причину."
    return text


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 1


def build_pages(service: PairingService, pages: Pages) -> APIRouter:
    from services.pairing.web_meetings import build_meeting_pages
    from services.pairing.web_plans import build_plan_pages

    views = PairingViews(service.db)
    router = APIRouter(include_in_schema=False)
    curator = Depends(pages.viewer(*CURATORS))
    acting_curator = Depends(pages.actor(*CURATORS))
    programme_page = _ProgrammePage(service, pages, views)
    _programme_routes(router, service, pages, views, curator, acting_curator, programme_page)
    _run_routes(router, service, pages, views, curator, acting_curator)
    _proposal_routes(router, service, pages, views, curator, acting_curator)
    _manual_pair_route(router, service, acting_curator, programme_page)
    router.include_router(build_rule_pages(service, pages))  # before the plans: /my/limits is not a pair id
    router.include_router(build_plan_pages(service, pages, views))
    router.include_router(build_meeting_pages(service, pages, views))
    return router


class _ProgrammePage:
    """A programme's page: its weights and rules (an editable form), its latest run, the pair formed
    by hand; shown again with the errors when a form on it is refused."""

    def __init__(self, service: PairingService, pages: Pages, views: PairingViews) -> None:
        self.service, self.pages, self.views = service, pages, views

    async def __call__(
        self, request: Request, principal: Principal, programme_id: str, *, status_code: int = 200,
        form: dict | None = None, errors: dict | None = None, pair_form: dict | None = None, pair_errors: dict | None = None,
    ) -> HTMLResponse:
        service, pages, views = self.service, self.pages, self.views
        settings = await service.settings(programme_id, principal)  # 404 outside the curator's scope
        mentors, mentees = await views.people(programme_id, principal)
        values = form or {
            **{f"weight_{k}": domain_number(v) for k, v in settings.weights.items()},
            "form": settings.form, "how": settings.how, "scope": settings.scope, "objective": settings.objective,
            "min_experience_gap": str(settings.min_experience_gap), "require_coverage": settings.require_coverage,
            "min_score": domain_number(settings.min_score), "stable": settings.stable,
        }
        return pages.render(
            request, "programme.html", principal, status_code=status_code, title=await views.programme_title(programme_id),
            programme_id=programme_id, values=values, errors=errors or {}, criteria=CRITERION_HINTS, labels=CRITERION_LABELS,
            forms=FORMS, hows=domain.HOW_FORMS, scopes=domain.SCOPES, objectives=domain.OBJECTIVES,
            latest=await views.latest_run(programme_id, principal), mentors=mentors, mentees=mentees,
            pair_form=pair_form or {"pair_form": settings.form}, pair_errors=pair_errors or {}, grades=GRADES,
            limits=await limits_table(service, programme_id, {m.participant_id for m in mentors}),
            notice=NOTICES.get(request.query_params.get("done", "")),
        )


def _programme_routes(
    router: APIRouter, service: PairingService, pages: Pages, views: PairingViews, curator: Any, acting_curator: Any,
    programme_page: _ProgrammePage,
) -> None:
    """The school's programmes, a programme's page and its weights and rules saved."""

    @router.get("/matching")
    async def programmes(request: Request, principal: Principal = curator) -> HTMLResponse:
        return pages.render(request, "programmes.html", principal, title="Подбор пар", programmes=await views.programmes(principal))

    @router.get("/matching/{programme_id}")
    async def programme(request: Request, programme_id: str, principal: Principal = curator) -> HTMLResponse:
        return await programme_page(request, principal, programme_id)

    @router.post("/matching/{programme_id}/settings", response_model=None)
    async def save_settings(request: Request, programme_id: str, principal: Principal = acting_curator) -> HTMLResponse | RedirectResponse:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        values["require_coverage"] = "require_coverage" in form
        values["stable"] = "stable" in form
        errors: dict[str, str] = {}
        weights = {}
        for criterion in domain.CRITERIA:
            value = parse_number(values.get(f"weight_{criterion}"))
            if value is None:
                errors[f"weight_{criterion}"] = "Введите число, например 15 или 12,5"
            elif not 0 <= value <= WEIGHT_MAX:
                errors[f"weight_{criterion}"] = f"Вес — число от 0 до {WEIGHT_MAX}"
            else:
                weights[criterion] = value
        gap = values.get("min_experience_gap", "").strip()
        if not gap.isdigit() or int(gap) > 40:
            errors["min_experience_gap"] = "Целое число лет от 0 до 40"
        min_score = parse_number(values.get("min_score"))
        if min_score is None or not 0 <= min_score <= WEIGHT_MAX:
            errors["min_score"] = f"Введите число от 0 до {WEIGHT_MAX}, например 10 или 12,5"
        for name, allowed in (("form", FORMS), ("how", domain.HOW_FORMS), ("scope", domain.SCOPES), ("objective", domain.OBJECTIVES)):
            if values.get(name) not in allowed:
                errors[name] = "Выберите значение из списка"
        if not errors:
            try:
                await service.update_settings(programme_id, MatchingSettingsIn(
                    form=values["form"], how=values["how"], scope=values["scope"], objective=values["objective"],
                    weights=weights, min_experience_gap=int(gap), require_coverage=bool(values["require_coverage"]),
                    min_score=min_score, stable=bool(values["stable"]),
                ).command(), principal)
            except UseCaseError as exc:
                if exc.status_code != 422:
                    raise
                errors[exc.field or "form"] = exc.message
        if errors:
            return await programme_page(request, principal, programme_id, status_code=422, form=values, errors=errors)
        return RedirectResponse(f"/pairing/matching/{programme_id}?done=saved", status_code=303)


def _run_routes(
    router: APIRouter, service: PairingService, pages: Pages, views: PairingViews, curator: Any, acting_curator: Any
) -> None:
    """A run started, its result a page at a time, a page of proposals confirmed at once."""

    @router.post("/matching/{programme_id}/runs")
    async def run(programme_id: str, principal: Principal = acting_curator) -> RedirectResponse:
        result = await service.run_matcher(programme_id, RunIn().command(), principal)
        return RedirectResponse(f"/pairing/matching/{programme_id}/runs/{result.id}", status_code=303)

    @router.get("/matching/{programme_id}/runs/{run_id}")
    async def run_result(request: Request, programme_id: str, run_id: str, principal: Principal = curator) -> HTMLResponse:
        query = request.query_params
        page = await views.run_page(programme_id, run_id, principal, _page_number(query.get("page")), _page_number(query.get("upage")))
        return pages.render(
            request, "run.html", principal, title=f"Результат подбора — {page.programme_title}", result=page,
            programme_id=programme_id, labels=labels_for(page.run.rules.get("form")), criteria=domain.CRITERIA, statuses=PROPOSAL_STATUSES,
            reasons=domain.UNMATCHED_REASONS, forms=FORMS, hows=domain.HOW_FORMS, scopes=domain.SCOPES, objectives=domain.OBJECTIVES,
            notice=_bulk_notice(query) or NOTICES.get(query.get("done", "")), removed="участник удалён",
        )

    @router.post("/matching/{programme_id}/runs/{run_id}/confirm")
    async def confirm_page(request: Request, programme_id: str, run_id: str, principal: Principal = acting_curator) -> RedirectResponse:
        """Confirm every proposal still awaiting a decision on one page of the result (50 at a
        time keeps the request short); those the rules refuse now stay, each with its button."""
        form = await request.form()
        page = _page_number(str(form.get("page") or ""))
        result = await views.run_page(programme_id, run_id, principal, page, 1)
        confirmed = refused = 0
        for proposal in result.proposals:
            if proposal.status != "proposed":
                continue
            try:
                await service.confirm(programme_id, proposal.id, principal)
                confirmed += 1
            except UseCaseError as exc:
                if exc.status_code not in (409, 422):
                    raise
                refused += 1
        return RedirectResponse(
            f"/pairing/matching/{programme_id}/runs/{run_id}?page={page}&confirmed={confirmed}&refused={refused}#results", status_code=303
        )


def _proposal_routes(
    router: APIRouter, service: PairingService, pages: Pages, views: PairingViews, curator: Any, acting_curator: Any
) -> None:
    """One proposal confirmed, rejected or its mentor replaced by hand."""

    def back_to_run(programme_id: str, run_id: str, page: str | None, done: str) -> RedirectResponse:
        return RedirectResponse(f"/pairing/matching/{programme_id}/runs/{run_id}?page={_page_number(page)}&done={done}#results", status_code=303)

    @router.post("/matching/{programme_id}/proposals/{proposal_id}/confirm")
    async def confirm(request: Request, programme_id: str, proposal_id: str, principal: Principal = acting_curator) -> RedirectResponse:
        form = await request.form()
        proposal, _ = await views.proposal(programme_id, proposal_id, principal)
        await service.confirm(programme_id, proposal_id, principal)
        return back_to_run(programme_id, proposal.run_id, form.get("page"), "confirmed")  # type: ignore[arg-type]

    @router.post("/matching/{programme_id}/proposals/{proposal_id}/reject")
    async def reject(request: Request, programme_id: str, proposal_id: str, principal: Principal = acting_curator) -> RedirectResponse:
        form = await request.form()
        proposal, _ = await views.proposal(programme_id, proposal_id, principal)
        reason = str(form.get("reason") or "").strip()[:500] or None
        await service.reject(programme_id, proposal_id, RejectIn(reason=reason).command(), principal)
        return back_to_run(programme_id, proposal.run_id, form.get("page"), "rejected")  # type: ignore[arg-type]

    async def replace_page(
        request: Request, principal: Principal, programme_id: str, proposal_id: str, *, status_code: int = 200,
        errors: dict | None = None, values: dict | None = None,
    ) -> HTMLResponse:
        proposal, names = await views.proposal(programme_id, proposal_id, principal)
        candidates = await views.replacement_mentors(proposal, principal)
        return pages.render(
            request, "replace.html", principal, status_code=status_code, title="Заменить наставника", proposal=proposal,
            names=names, candidates=candidates, programme_id=programme_id, errors=errors or {}, values=values or {},
            labels=labels_for(proposal.form), statuses=PROPOSAL_STATUSES, page=request.query_params.get("page", "1"),
        )

    @router.get("/matching/{programme_id}/proposals/{proposal_id}")
    async def proposal(request: Request, programme_id: str, proposal_id: str, principal: Principal = curator) -> HTMLResponse:
        return await replace_page(request, principal, programme_id, proposal_id)

    @router.post("/matching/{programme_id}/proposals/{proposal_id}/replace", response_model=None)
    async def replace(
        request: Request, programme_id: str, proposal_id: str, principal: Principal = acting_curator
    ) -> HTMLResponse | RedirectResponse:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        mentor_id = values.get("mentor_id", "").strip()
        proposal, _ = await views.proposal(programme_id, proposal_id, principal)
        errors = {} if mentor_id else {"mentor_id": "Выберите наставника"}
        if not errors:
            try:
                await service.replace(programme_id, proposal_id, ReplaceIn(mentor_id=mentor_id, reason=values.get("reason", "").strip()[:500] or None).command(), principal)
            except UseCaseError as exc:
                if exc.status_code not in (404, 422):
                    raise
                errors["mentor_id"] = exc.message
        if errors:
            return await replace_page(request, principal, programme_id, proposal_id, status_code=422, errors=errors, values=values)
        return back_to_run(programme_id, proposal.run_id, values.get("page"), "replaced")


def _manual_pair_route(router: APIRouter, service: PairingService, acting_curator: Any, programme_page: _ProgrammePage) -> None:
    """A pair formed by hand on the programme's page."""

    @router.post("/matching/{programme_id}/pairs", response_model=None)
    async def manual_pair(request: Request, programme_id: str, principal: Principal = acting_curator) -> HTMLResponse | RedirectResponse:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        errors = {}
        if not values.get("mentor_id"):
            errors["mentor_id"] = "Выберите наставника"
        if not values.get("mentee_id"):
            errors["mentee_id"] = "Выберите наставляемого"
        if values.get("pair_form") not in FORMS:
            errors["pair_form"] = "Выберите форму наставничества"
        if not errors:
            try:
                await service.form_pair(programme_id, PairIn(
                    mentor_id=values["mentor_id"], mentee_ids=[values["mentee_id"]], form=values["pair_form"],
                ).command(), principal)
            except UseCaseError as exc:
                if exc.status_code not in (404, 422):
                    raise
                errors["mentee_id" if exc.field == "mentee_ids" else "mentor_id"] = exc.message
        if errors:
            return await programme_page(request, principal, programme_id, status_code=422, pair_form=values, pair_errors=errors)
        return RedirectResponse(f"/pairing/matching/{programme_id}?done=paired#manual", status_code=303)


def domain_number(value: float) -> str:
    """A weight as the form shows it: «12,5», «40»."""
    return f"{value:g}".replace(".", ",")
