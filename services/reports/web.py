"""The pages of reports: the monitoring dashboard (region → municipality → school), the
schools with their state (lagging ones first), the exports, and the home page's to-do fragment.

Every page reads reports' own use cases (service.py, attention.py); scope rules are theirs:
a scope the person may not see is a 404 page."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from shared import clock, formatting
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.errors import NotFound
from shared.web import Pages

from services.reports import attention, charts, domain, domain_year, exports, overview
from services.reports.analysis_cases import Analyses, may_edit
from services.reports.queries import IndicatorValue
from services.reports.service import ReportsService

Level = Literal["region", "municipality", "school"]
YEAR = Query(default=None, pattern=r"^\d{4}/\d{4}$", description="Учебный год, по умолчанию текущий")
STAFF = ("region_admin", "municipal_coordinator", "school_curator")
OVERSEERS = ("region_admin", "municipal_coordinator")
SCHOOLS_PAGE = 100
"""Schools per page of the list (a region has a thousand; the lagging ones come first)."""
CHILDREN_TITLE = {"region": "Муниципалитеты", "municipality": "Школы"}
EXPORT_TABLES = {
    "scope": "Одна строка: показатели выбранного уровня",
    "municipalities": "По строке на муниципалитет (только для региона)",
    "schools": "По строке на школу: все показатели, признаки ШНОР",
    "groups": "Школы с низкими результатами, в сложных условиях и остальные — отдельно",
    "swot": "SWOT-анализ по программам и формам наставничества",
}


def current_year(academic_year: str | None) -> str:
    return academic_year or academic_year_of(clock.today())


def home_scope(service: ReportsService, principal: Principal) -> tuple[str, str]:
    """Where a person's monitoring starts: the region, their municipality or their school."""
    if principal.scope == "region":
        return "region", service.region_id
    return principal.scope, principal.scope_id


VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
NOT_AFTER_BREAK = set("ьъйЬЪЙ")


def soft_hyphens(text: str, longer_than: int = 8) -> str:
    """Soft hyphens in long Russian words (after a vowel, where a vowel still follows and not
    before ь, ъ, й), so that the headings of a 15-column table wrap inside their column:
    browsers honour U+00AD without a hyphenation dictionary. Only used where a word would not
    fit, so an imperfect syllable split is rare."""
    words = []
    for word in text.split(" "):
        if len(word) <= longer_than:
            words.append(word)
            continue
        out, since = [], 0
        for k, char in enumerate(word):
            out.append(char)
            since += 1
            rest = word[k + 1:]
            if (char in VOWELS and since >= 2 and len(rest) >= 3 and rest[0].isalpha() and rest[0] not in NOT_AFTER_BREAK
                    and any(c in VOWELS for c in rest)):
                out.append("\u00ad")
                since = 0
        words.append("".join(out))
    return " ".join(words)


def build_pages(service: ReportsService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    pages.env.filters["hyphenate"] = soft_hyphens
    staff = pages.viewer(*STAFF)
    overseer = pages.viewer(*OVERSEERS)

    async def years(year: str) -> list[str]:
        known = await service.academic_years()
        return sorted({*known, year, current_year(None)}, reverse=True)

    @router.get("/dashboard", response_class=HTMLResponse)
    async def dashboard(
        request: Request, scope: Level | None = None, scope_id: str | None = None, academic_year: str | None = YEAR,
        principal: Principal = Depends(staff),
    ) -> HTMLResponse:
        if scope is None or (scope == "region" and principal.scope != "region"):
            scope, scope_id = home_scope(service, principal)  # a curator's or coordinator's own level
        scope_id = scope_id or (service.region_id if scope == "region" else principal.scope_id)
        year = current_year(academic_year)
        report = await overview.dashboard_data(service, scope, scope_id, year, principal)  # 404 outside the person's scope
        values = [IndicatorValue(i.code, i.name, i.unit, i.formula, report.scope.values.get(i.code)) for i in domain.INDICATORS
                  if domain_year.shown_at(i.section, scope)]
        points = await service.history(scope, scope_id, year, principal, limit=200)
        kids = report.municipalities if scope == "region" else report.schools if scope == "municipality" else []
        kids = [k for k in kids if k.level != "municipality" or principal.sees_municipality(k.scope_id)]
        title = report.title
        crumbs = []
        if principal.scope == "region" and scope != "region":
            crumbs.append({"href": f"?scope=region&academic_year={year}", "name": service.region_name})
        if scope == "school" and principal.scope in ("region", "municipality"):
            mid = await service.municipality_of(scope_id)
            crumbs.append({"href": f"?scope=municipality&scope_id={mid}&academic_year={year}",
                           "name": await service.scope_name("municipality", mid)})
        by_code = {v.code: v.value for v in values}
        written = await Analyses(service).approved(scope, scope_id, year)  # the scope was checked by dashboard_data
        return pages.render(
            request, "dashboard.html", principal,
            title=title, year=year, years=await years(year), scope=scope, scope_id=scope_id, indicators=values,
            key_codes=domain.KEY_CODES, short=domain.KEY_SHORT_NAMES, by_code=domain.BY_CODE, values=by_code, children=kids,
            groups=report.groups if scope != "school" else [], swot=report.swot, swot_scales=domain.SWOT_SCALES,
            breakdowns=report.breakdowns, small_group=domain.SMALL_GROUP,
            figures=_figures(title, by_code, kids, points), children_title=CHILDREN_TITLE.get(scope, ""), crumbs=crumbs,
            target=domain.PUPILS_TARGET, written=written, may_edit_analysis=may_edit(principal, scope, scope_id),
        )

    @router.get("/schools", response_class=HTMLResponse)
    async def schools(
        request: Request, municipality: str | None = None, academic_year: str | None = YEAR, only_lagging: bool = False,
        page: int = Query(default=1, ge=1), principal: Principal = Depends(overseer),
    ) -> HTMLResponse:
        year = current_year(academic_year)
        municipalities = await attention.municipalities_of(service.db, service.region_id) if principal.scope == "region" else []
        if principal.scope == "region":
            level, scope_id = ("municipality", municipality) if municipality else ("region", service.region_id)
        else:
            level, scope_id = "municipality", principal.scope_id
        states = await attention.school_states(service.db, service.region_id, level, scope_id, year, principal)
        lagging = sum(1 for s in states if s.lagging)
        listed = [s for s in states if s.lagging] if only_lagging else states
        pages_total = max(1, -(-len(listed) // SCHOOLS_PAGE))
        page = min(page, pages_total)
        shown = listed[(page - 1) * SCHOOLS_PAGE: page * SCHOOLS_PAGE]  # the most lagging come first
        keep = {"municipality": municipality or "", "academic_year": year, "only_lagging": "true" if only_lagging else ""}
        query = "&".join(f"{k}={quote(v)}" for k, v in keep.items() if v)
        return pages.render(
            request, "schools.html", principal,
            title="Школы и их состояние", year=year, years=await years(year), states=shown, total=len(states), lagging=lagging,
            municipalities=municipalities, municipality=municipality or "", only_lagging=only_lagging,
            page=page, pages_total=pages_total, listed=len(listed), first=(page - 1) * SCHOOLS_PAGE + 1, query=query,
            scope_name=await service.scope_name(level, scope_id), reasons=attention.REASONS,
            low_response=attention.LOW_RESPONSE, few_plans=attention.FEW_PLANS,
        )

    @router.get("/exports", response_class=HTMLResponse)
    async def exports_page(
        request: Request, municipality: str | None = None, academic_year: str | None = YEAR, principal: Principal = Depends(overseer),
    ) -> HTMLResponse:
        year = current_year(academic_year)
        if principal.scope == "region":
            scopes = [("region", service.region_id, service.region_name)]
            scopes += [("municipality", mid, name) for mid, name in await attention.municipalities_of(service.db, service.region_id)]
        else:
            scopes = [("municipality", principal.scope_id, await service.scope_name("municipality", principal.scope_id))]
        chosen = next((s for s in scopes if s[1] == municipality), scopes[0])
        return pages.render(
            request, "exports.html", principal,
            title="Выгрузки", year=year, years=await years(year), scopes=scopes, chosen=chosen, tables=exports.TABLES,
            table_notes=EXPORT_TABLES,
        )

    @router.get("/todo", response_class=HTMLResponse)
    async def todo(request: Request) -> HTMLResponse:
        principal = pages.principal_of(request)  # anyone signed in: mentors and mentees get an empty list
        year = current_year(None)
        tasks: list[dict[str, str]] = []
        if principal is not None and principal.role in OVERSEERS:
            level, scope_id = home_scope(service, principal)
            states = await attention.school_states(service.db, service.region_id, level, scope_id, year, principal)
            lagging = [s for s in states if s.lagging]
            if lagging:
                tasks.append({"href": "/reports/schools?only_lagging=true",
                              "text": f"Школ, требующих внимания: {len(lagging)} из {len(states)}",
                              "hint": ", ".join(sorted({b for s in lagging for b in s.badges}, key=list(attention.REASONS.values()).index))})
        elif principal is not None and principal.role == "school_curator":
            tasks = await _curator_tasks(service, principal, year)
        return pages.render(request, "todo.html", principal, tasks=tasks)

    return router


async def _curator_tasks(service: ReportsService, principal: Principal, year: str) -> list[dict[str, str]]:
    """The school's indicators behind their targets, each with the page where to act."""
    try:
        states = await attention.school_states(service.db, service.region_id, "school", principal.scope_id, year, principal)
    except NotFound:  # a school reports has not heard of yet has nothing to show
        return []
    if not states:
        return []
    state = states[0]
    tasks = []
    if "no_programme" in state.reasons:
        tasks.append({"href": "/registry/programmes", "text": "В школе нет программы наставничества в этом учебном году",
                      "hint": "запустите программу и зачислите участников"})
    if "no_pairs" in state.reasons and "no_programme" not in state.reasons:
        tasks.append({"href": "/pairing/matching", "text": "Пары наставничества ещё не сформированы", "hint": "подбор пар"})
    if state.pupils_share is not None and state.pupils_share < domain.PUPILS_TARGET:
        tasks.append({"href": "/reports/dashboard",
                      "text": f"Охват обучающихся {_pct(state.pupils_share)} — ниже цели {_pct(domain.PUPILS_TARGET)}",
                      "hint": "мониторинг школы"})
    if "few_plans" in state.reasons:
        tasks.append({"href": "/pairing/pairs", "text": f"План развития есть у {_pct(state.plan_share)} пар",
                      "hint": "пары и планы"})
    if "low_response" in state.reasons:
        tasks.append({"href": "/surveys/campaigns", "text": f"На опросы ответили {_pct(state.response_rate)} приглашённых",
                      "hint": "напомните участникам"})
    return tasks


def _pct(value: float | None) -> str:
    return formatting.percent(value)


def _figures(title: str, by_code: dict[str, float | None], kids: list, points: list[dict]) -> dict[str, str]:
    def series(*codes: str) -> dict[str, list[float | None]]:
        return {domain.BY_CODE[c].name: [p["values"].get(c) for p in points] for c in codes}

    coverage_rows = [(k.name, [k.values.get("pupils_in_mentoring_share"), k.values.get("young_specialists_in_mentoring_share")]) for k in kids]
    coverage_rows.insert(0, (f"Итого: {title}", [by_code.get("pupils_in_mentoring_share"), by_code.get("young_specialists_in_mentoring_share")]))
    bands = list(domain.SATISFACTION_BANDS)
    return {
        "coverage_target": charts.bar_chart(
            coverage_rows[:41], ["обучающиеся, %", "молодые специалисты, %"], title="Охват против цели", y_max=100, target=domain.PUPILS_TARGET
        ),
        "coverage_history": charts.line_chart(
            series("pupils_in_mentoring_share", "young_specialists_in_mentoring_share"),
            title="Охват наставничеством во времени, %", y_max=100, target=domain.PUPILS_TARGET,
        ),
        "satisfaction": charts.bar_chart(
            [(domain.SATISFACTION_BANDS[b][0], [by_code.get(f"mentee_satisfaction_{b}_share"), by_code.get(f"mentor_satisfaction_{b}_share")]) for b in bands],
            ["наставляемые", "наставники"], title="Распределение оценок удовлетворённости, % анкет", y_max=100,
        ),
        "satisfaction_history": charts.line_chart(
            series("mentee_satisfaction_mean", "mentor_satisfaction_mean"), title="Удовлетворённость во времени, балл из 10", y_max=10
        ),
        "growth": charts.bar_chart(
            [(label, [by_code.get(f"deficit_start_{a}"), by_code.get(f"deficit_end_{a}")]) for a, label in domain.DEFICIT_AREAS.items()],
            ["в начале", "в конце"], title="Дефициты в начале и в конце, средний балл",
        ),
        "pairs_history": charts.line_chart(series("pairs_active", "mentors_total", "mentees_total"), title="Пары и участники во времени"),
        "swot": charts.bar_chart(
            [(label, [by_code.get(f"swot_{q}_mean_{form}") for q in domain.SWOT_SCALES]) for form, label in domain.FORMS.items()
             if by_code.get(f"swot_responses_{form}")] or [("нет анкет", [None] * len(domain.SWOT_SCALES))],
            list(domain.SWOT_SCALES.values()), title="SWOT по формам наставничества, отмечено факторов (среднее)",
        ),
    }
