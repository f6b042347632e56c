"""The pair's «Журнал встреч» page (`/pairing/pairs/{id}/meetings`): the month's summary, the log,
a meeting added, changed or removed by the mentor or the curator, and each mentee's own
reflection. Reached from the mentor's and the mentee's «/pairing/my» and the curator's pair page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared import clock
from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages

from services.pairing import domain_meetings as rules
from services.pairing.meetings import LOG_KEEPERS, LOG_READERS
from services.pairing.meetings_schemas import MeetingIn, ReflectionIn
from services.pairing.service import PairingService
from services.pairing.views import PairingViews
from services.pairing.web_plans import STATES, parse_day

NOTICES = {
    "recorded": "Встреча записана в журнал.",
    "changed": "Встреча изменена.",
    "removed": "Встреча удалена из журнала.",
    "reflection": "Ваш отзыв о встрече сохранён.",
}
FIELD_LABELS = {
    "held_on": "Дата", "minutes": "Длительность", "format": "Формат", "topic": "Тема", "measure_ids": "Мероприятия плана",
    "note": "Заметка наставника", "text": "Отзыв", "usefulness": "Оценка пользы",
}
USEFULNESS = {str(n): f"{n} из 5" for n in range(rules.USEFULNESS[0], rules.USEFULNESS[1] + 1)}


def build_meeting_pages(service: PairingService, pages: Pages, views: PairingViews) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    reader = Depends(pages.viewer(*LOG_READERS))
    keeper = Depends(pages.actor(*LOG_KEEPERS))
    mentee = Depends(pages.actor("mentee"))
    log_page = _LogPage(service, pages, views)

    @router.get("/pairs/{pair_id}/meetings")
    async def log(request: Request, pair_id: str, principal: Principal = reader) -> HTMLResponse:
        return await log_page(request, principal, pair_id)

    @router.post("/pairs/{pair_id}/meetings", response_model=None)
    async def add(request: Request, pair_id: str, principal: Principal = keeper) -> Response:
        values, errors = await _form(request)
        meeting = _meeting_fields(values, errors)
        if meeting is not None:
            await _attempt(errors, "", service.record_meeting(pair_id, meeting.command(), principal))
        if errors:
            return await log_page(request, principal, pair_id, status_code=422, errors=errors, values=values)
        return _done(pair_id, "recorded")

    @router.post("/pairs/{pair_id}/meetings/{meeting_id}/edit", response_model=None)
    async def edit(request: Request, pair_id: str, meeting_id: str, principal: Principal = keeper) -> Response:
        values, errors = await _form(request)
        suffix = f"-{meeting_id}"
        meeting = _meeting_fields(values, errors, suffix)
        if meeting is not None:
            await _attempt(errors, suffix, service.change_meeting(pair_id, meeting_id, meeting.command(), principal))
        if errors:
            return await log_page(request, principal, pair_id, status_code=422, errors=errors, values=values)
        return _done(pair_id, "changed", f"#meeting-{meeting_id}")

    @router.post("/pairs/{pair_id}/meetings/{meeting_id}/remove")
    async def remove(pair_id: str, meeting_id: str, principal: Principal = keeper) -> RedirectResponse:
        await service.remove_meeting(pair_id, meeting_id, principal)
        return _done(pair_id, "removed")

    @router.post("/pairs/{pair_id}/meetings/{meeting_id}/reflection", response_model=None)
    async def reflect(request: Request, pair_id: str, meeting_id: str, principal: Principal = mentee) -> Response:
        values, errors = await _form(request)
        suffix = f"-{meeting_id}"
        text = values.get(f"text{suffix}", "").strip()
        mark = values.get(f"usefulness{suffix}", "")
        if not text:
            errors[f"text{suffix}"] = "Напишите несколько слов: что получилось, что было полезно, что дальше"
        elif len(text) > rules.REFLECTION_MAX:
            errors[f"text{suffix}"] = f"Отзыв — не длиннее {rules.REFLECTION_MAX} символов (сейчас {len(text)})"
        if mark and mark not in USEFULNESS:
            errors[f"usefulness{suffix}"] = "Выберите оценку от 1 до 5"
        if not errors:
            reflection = ReflectionIn(text=text, usefulness=int(mark) if mark else None)
            await _attempt(errors, suffix, service.put_reflection(pair_id, meeting_id, reflection.command(), principal))
        if errors:
            return await log_page(request, principal, pair_id, status_code=422, errors=errors, values=values)
        return _done(pair_id, "reflection", f"#meeting-{meeting_id}")

    return router


class _LogPage:
    """The log for the curator, the mentor or a mentee; shown again with the errors when a form on it is refused."""

    def __init__(self, service: PairingService, pages: Pages, views: PairingViews) -> None:
        self.service, self.pages, self.views = service, pages, views

    async def __call__(
        self, request: Request, principal: Principal, pair_id: str, *, status_code: int = 200,
        errors: dict | None = None, values: dict | None = None,
    ) -> HTMLResponse:
        log = await self.service.meeting_log(pair_id, principal)  # 403/404 unless the pair's people or its curator
        pair = await self.service.pair(pair_id, principal)
        row = await self.views.pair_row(pair)
        plan = await self.service.plan(pair_id, principal)
        total = rules.summary(((m.held_on, m.minutes) for m in log.meetings), clock.today())
        keeper = principal.role in LOG_KEEPERS
        return self.pages.render(
            request, "meetings.html", principal, status_code=status_code, title=f"Журнал встреч: {row.mentor_name} и {row.mentee_names}",
            row=row, log=log, summary=total, formats=rules.MEETING_FORMATS, measures={m.id: m.title for m in plan.measures},
            names=dict(row.mentees), states=STATES, keeper=keeper, open=keeper and log.status == "formed",
            status_of=rules.reflection_status, usefulness=USEFULNESS, today=clock.today(),
            back=f"/pairing/pairs/{pair_id}" if principal.role == "school_curator" else "/pairing/my",
            errors=errors or {}, values=values or {}, error_labels={k: FIELD_LABELS.get(k.split("-")[0], "Поле") for k in errors or {}},
            notice=NOTICES.get(request.query_params.get("done", "")),
        )


async def _form(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    for key in form:
        if key.startswith("measure_ids"):
            values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
    return values, {}


async def _attempt(errors: dict[str, str], suffix: str, call: Any) -> None:
    """Run a use case; its 409/422 becomes an error on the field it names."""
    try:
        await call
    except UseCaseError as exc:
        if exc.status_code not in (409, 422):
            raise
        errors[f"{exc.field or 'topic'}{suffix}"] = exc.message


def _meeting_fields(values: dict[str, Any], errors: dict[str, str], suffix: str = "") -> MeetingIn | None:
    """A meeting as the form gives it (suffix: the meeting being changed); None, the errors noted, if refused."""
    held_on = parse_day(values.get(f"held_on{suffix}"))
    if held_on is None:
        errors[f"held_on{suffix}"] = "Укажите дату встречи: ДД.ММ.ГГГГ"
    raw = str(values.get(f"minutes{suffix}", "")).strip()
    low, high = rules.MINUTES
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[f"minutes{suffix}"] = f"Длительность — целое число минут от {low} до {high}"
    fmt = values.get(f"format{suffix}")
    if fmt not in rules.MEETING_FORMATS:
        errors[f"format{suffix}"] = "Выберите формат: очно или онлайн"
    topic = str(values.get(f"topic{suffix}", "")).strip()
    if not topic:
        errors[f"topic{suffix}"] = "Укажите тему встречи"
    elif len(topic) > rules.TOPIC_MAX:
        errors[f"topic{suffix}"] = f"Тема — не длиннее {rules.TOPIC_MAX} символов"
    note = str(values.get(f"note{suffix}", "")).strip()
    if len(note) > rules.NOTE_MAX:
        errors[f"note{suffix}"] = f"Заметка — не длиннее {rules.NOTE_MAX} символов"
    if errors or held_on is None:
        return None
    return MeetingIn(held_on=held_on, minutes=int(raw), format=fmt, topic=topic, note=note or None,
                     measure_ids=list(values.get(f"measure_ids{suffix}", []))[: rules.MEASURES_MAX])


def _done(pair_id: str, what: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/pairing/pairs/{pair_id}/meetings?done={what}{anchor}", status_code=303)
