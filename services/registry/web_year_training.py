"""«Обучение и признание наставников» (issue 15): the school's mentors with their training this
academic year — who has none yet is highlighted — and their recognitions; forms to record one
course for several mentors at once and a recognition. The curator and the region administrator
write; the municipal coordinator reads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.errors import UseCaseError
from shared.web import Pages, not_found

from services.registry import domain_year
from services.registry.service import RegistryService
from services.registry.web import see_other
from services.registry.web_forms import integer, text, use_case_errors, validation_errors, values
from services.registry.web_people import STAFF, school_in_view, school_query
from services.registry.web_year import ids_of
from services.registry.year_api import WRITERS
from services.registry.year_listing import people_by_id, school_mentors
from services.registry.year_schemas import RecognitionIn, TrainingIn

LABELS = {"person_ids": "Наставники", "kind": "Вид обучения", "title": "Название курса или интенсива", "organiser": "Организатор",
          "completed_on": "Дата окончания", "hours": "Часов", "certificates": "Удостоверения", "person_id": "Наставник",
          "r_kind": "Вид признания", "level": "Уровень", "result": "Результат", "r_title": "Конкурс или награда",
          "awarded_on": "Дата", "form": "Запись"}
NOTICES = {"training": "Обучение внесено.", "recognition": "Признание внесено."}


def _back(principal: Principal, school_id: str, saved: str) -> str:
    at_school = "" if principal.scope == "school" else f"school={school_id}&"
    return f"/registry/training?{at_school}saved={saved}"


def build_training_pages_router(service: RegistryService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def _page(request: Request, principal: Principal, school_id: str | None, *, errors: dict[str, str] | None = None,
                    typed: dict | None = None, status_code: int = 200, notice: str | None = None) -> Response:
        place = await school_in_view(service, principal, school_id)
        if place is None:
            return pages.render(request, "choose_school.html", principal, title="Обучение и признание наставников")
        year = academic_year_of(clock.today())
        mentors = await school_mentors(service.db, place.id)
        training = await service.school_training(place.id, principal, year)
        recognitions = await service.school_recognitions(place.id, principal, year)
        names = {p.id: p.full_name for p in mentors}
        others = ({t.person_id for t in training} | {r.person_id for r in recognitions}) - set(names)
        names |= {pid: p.full_name for pid, p in (await people_by_id(service.db, others)).items()}
        by_person: dict[str, list[Any]] = {}
        for row in training:
            by_person.setdefault(row.person_id, []).append(row)
        untrained = set(domain_year.untrained([m.id for m in mentors], by_person))
        rows = [(m.id, m.full_name, by_person.get(m.id, []), m.id in untrained) for m in mentors]
        rows += [(pid, names[pid], by_person[pid], False) for pid in sorted(by_person, key=lambda i: names.get(i, ""))
                 if pid not in {m.id for m in mentors}]
        today_text = clock.today().isoformat()
        return pages.render(
            request, "training.html", principal, school=place, at_school=school_query(principal, place), year=year,
            rows=rows, untrained=len(untrained), mentors=mentors, recognitions=recognitions, names=names,
            training_kinds=domain_year.TRAINING_KINDS, recognition_kinds=domain_year.RECOGNITION_KINDS,
            levels=domain_year.RECOGNITION_LEVELS, results=domain_year.RECOGNITION_RESULTS, labels=LABELS,
            may_write=principal.role in WRITERS, errors=errors or {},
            typed=typed or {"completed_on": today_text, "awarded_on": today_text, "kind": "intensive"},
            title="Обучение и признание наставников", status_code=status_code, notice=notice)

    @router.get("/training", response_class=HTMLResponse)
    async def training_page(request: Request, school: str | None = None, saved: str = "",
                            principal: Principal = Depends(pages.viewer(*STAFF))) -> Response:
        return await _page(request, principal, school, notice=NOTICES.get(saved))

    @router.post("/training", response_class=HTMLResponse)
    async def record_training(request: Request, school: str | None = None,
                              principal: Principal = Depends(pages.actor(*WRITERS))) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            raise not_found()
        form = await request.form()
        errors: dict[str, str] = {}
        hours = integer(form, "hours", errors)
        people = ids_of(form, "person_ids")
        if not people:
            errors["person_ids"] = "Отметьте наставников, которые прошли обучение"
        if not errors:
            try:
                body = TrainingIn(person_ids=people, kind=text(form, "kind") or "", title=text(form, "title") or "",
                                  organiser=text(form, "organiser") or "", completed_on=text(form, "completed_on") or "",
                                  hours=hours)
                await service.record_training(place.id, body.command(), principal)
                return see_other(_back(principal, place.id, "training"))
            except ValidationError as exc:
                errors = validation_errors(exc)
            except UseCaseError as exc:
                errors = use_case_errors(exc, set(LABELS))
        typed = values(form)
        typed["person_ids"] = people
        return await _page(request, principal, school, errors=errors, typed=typed, status_code=422)

    @router.post("/training/recognitions", response_class=HTMLResponse)
    async def record_recognition(request: Request, school: str | None = None,
                                 principal: Principal = Depends(pages.actor(*WRITERS))) -> Response:
        place = await school_in_view(service, principal, school)
        if place is None:
            raise not_found()
        form = await request.form()
        errors: dict[str, str] = {}
        try:
            body = RecognitionIn(person_id=text(form, "person_id") or "", kind=text(form, "r_kind") or "",
                                 level=text(form, "level") or "", result=text(form, "result") or "",
                                 title=text(form, "r_title") or "", awarded_on=text(form, "awarded_on") or "")
            await service.record_recognition(place.id, body.command(), principal)
            return see_other(_back(principal, place.id, "recognition"))
        except ValidationError as exc:
            errors = {{"kind": "r_kind", "title": "r_title"}.get(k, k): v for k, v in validation_errors(exc).items()}
        except UseCaseError as exc:
            errors = use_case_errors(exc, set(LABELS))
        return await _page(request, principal, school, errors=errors, typed=values(form), status_code=422)

    @router.get("/my/training", response_class=HTMLResponse)
    async def my_training(request: Request, principal: Principal = Depends(pages.viewer("mentor", "mentee"))) -> Response:
        """A mentor's (or mentee's) own training and recognition, read-only."""
        record = await service.mentor_record(principal.sub, principal)
        return pages.render(request, "training_mine.html", principal, record=record, training_kinds=domain_year.TRAINING_KINDS,
                            recognition_kinds=domain_year.RECOGNITION_KINDS, levels=domain_year.RECOGNITION_LEVELS,
                            results=domain_year.RECOGNITION_RESULTS, title="Моё обучение и признание")

    return router
