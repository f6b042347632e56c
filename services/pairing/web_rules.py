"""Pages for the rules people state around the matcher: the region's subject vocabulary (the
region's administrator edits it, curators read it) and a mentor's own limits in a programme
(mentees they refuse, the grades they take): set by the curator on the mentor's behalf on the
programme's page, and by the mentor on their own page (grades and a note; a mentor is not shown
the programme's list of mentees, so refusing a named mentee goes through the curator or the API)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import col, select

from shared.auth import Principal
from shared.errors import UseCaseError
from shared.web import Pages

from services.pairing.models import Candidate, Programme, ProgrammeEnrolment
from services.pairing.preferences import limits_of
from services.pairing.schemas import MentorLimitsIn, SubjectTermIn, SubjectVocabularyIn
from services.pairing.service import CURATORS, PairingService
from services.pairing.vocabulary import SubjectVocabulary

NEW_ROWS = 3
"""Empty rows the vocabulary form offers for new terms (saving brings three more)."""
GRADES = [(str(g), f"{g} класс") for g in range(1, 12)]


def vocabulary_rows(form: dict[str, str]) -> list[dict[str, str]]:
    """The vocabulary form's rows as typed: name_N, subject_N, drop_N."""
    rows = []
    indexes = sorted({int(k.split("_", 1)[1]) for k in form if k.startswith("name_") and k.split("_", 1)[1].isdigit()})
    for i in indexes:
        rows.append({"name": form.get(f"name_{i}", "").strip(), "subject": form.get(f"subject_{i}", "").strip(),
                     "drop": "1" if form.get(f"drop_{i}") else ""})
    return rows


def grade(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 11 else None


def build_rule_pages(service: PairingService, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    words = SubjectVocabulary(service.db, service.uow)
    reader = Depends(pages.viewer(*CURATORS))
    editor = Depends(pages.actor("region_admin"))

    async def vocabulary_page(
        request: Request, principal: Principal, *, status_code: int = 200, rows: list[dict[str, str]] | None = None,
        error: str | None = None,
    ) -> HTMLResponse:
        current = (await words.get()).terms
        if rows is None:
            rows = [{"name": t.name, "subject": t.subject, "drop": ""} for t in current]
        rows = [r for r in rows if r["name"] or r["subject"]] + [{"name": "", "subject": "", "drop": ""} for _ in range(NEW_ROWS)]
        groups: dict[str, list[str]] = {}
        for term in current:
            groups.setdefault(term.subject, []).append(term.name)
        return pages.render(
            request, "subjects.html", principal, status_code=status_code, title="Словарь предметов региона",
            rows=rows, groups=sorted(groups.items()), editable=principal.role == "region_admin", error=error,
            notice="Словарь предметов сохранён." if request.query_params.get("done") == "saved" else None,
        )

    @router.get("/subjects")
    async def subjects(request: Request, principal: Principal = reader) -> HTMLResponse:
        return await vocabulary_page(request, principal)

    @router.post("/subjects", response_model=None)
    async def save_subjects(request: Request, principal: Principal = editor) -> HTMLResponse | RedirectResponse:
        form = await request.form()
        rows = vocabulary_rows({k: v for k, v in form.items() if isinstance(v, str)})
        kept = [r for r in rows if not r["drop"] and (r["name"] or r["subject"])]
        half = next((r for r in kept if not (r["name"] and r["subject"])), None)
        if half is not None:
            return await vocabulary_page(request, principal, status_code=422, rows=rows,
                                         error=f"Заполните оба поля: «{half['name'] or half['subject']}» — название и предмет, к которому оно относится")
        if any(len(r["name"]) > 200 or len(r["subject"]) > 200 for r in kept):
            return await vocabulary_page(request, principal, status_code=422, rows=rows, error="Название предмета — не длиннее 200 знаков")
        try:
            await words.replace(SubjectVocabularyIn(terms=[SubjectTermIn(name=r["name"], subject=r["subject"]) for r in kept]).command(), principal)
        except UseCaseError as exc:
            if exc.status_code != 422:
                raise
            return await vocabulary_page(request, principal, status_code=422, rows=rows, error=exc.message)
        return RedirectResponse("/pairing/subjects?done=saved", status_code=303)

    @router.post("/matching/{programme_id}/limits", response_model=None)
    async def save_limits(request: Request, programme_id: str, principal: Principal = Depends(pages.actor(*CURATORS))) -> RedirectResponse:
        form = await request.form()
        mentor_id = str(form.get("limit_mentor_id") or "").strip()
        refused = [str(v) for v in form.getlist("refused_ids") if str(v).strip()]
        body = MentorLimitsIn(
            refused_ids=refused, grade_from=grade(str(form.get("grade_from") or "")), grade_to=grade(str(form.get("grade_to") or "")),
            reason=str(form.get("limit_reason") or "").strip()[:500] or None,
        )
        await service.set_mentor_limits(programme_id, mentor_id, body.command(), principal)  # errors: the Russian error page
        return RedirectResponse(f"/pairing/matching/{programme_id}?done=limits#limits", status_code=303)

    mentor_only = Depends(pages.viewer("mentor"))

    @router.get("/my/limits")
    async def my_limits(request: Request, principal: Principal = mentor_only) -> HTMLResponse:
        """The mentor's own limits in each programme they mentor in: the grades of pupils they
        take and a note; the mentees they refused are listed (the curator records those)."""
        rows = []
        for programme_id, title in await mentor_programmes(service, principal.sub):
            limits = await service.mentor_limits(programme_id, principal.sub, principal)
            names = await _names(service, limits.refused_ids)
            rows.append({"programme_id": programme_id, "title": title, "limits": limits,
                         "refused": [names.get(m, "участник удалён") for m in limits.refused_ids],
                         "grades": _grades(limits.grade_from, limits.grade_to)})
        return pages.render(request, "my_limits.html", principal, title="Мои ограничения для подбора", rows=rows, grades=GRADES,
                            notice="Ограничения сохранены: подбор их не нарушит." if request.query_params.get("done") == "saved" else None)

    @router.post("/my/limits/{programme_id}")
    async def save_my_limits(request: Request, programme_id: str, principal: Principal = Depends(pages.actor("mentor"))) -> RedirectResponse:
        form = await request.form()
        current = await service.mentor_limits(programme_id, principal.sub, principal)  # 404 unless enrolled as a mentor
        body = MentorLimitsIn(
            refused_ids=current.refused_ids, grade_from=grade(str(form.get("grade_from") or "")),
            grade_to=grade(str(form.get("grade_to") or "")), reason=str(form.get("reason") or "").strip()[:500] or None,
        )
        await service.set_mentor_limits(programme_id, principal.sub, body.command(), principal)
        return RedirectResponse(f"/pairing/my/limits?done=saved#p-{programme_id}", status_code=303)

    return router


async def mentor_programmes(service: PairingService, mentor_id: str) -> list[tuple[str, str]]:
    """(programme id, title) of the programmes the person mentors in."""
    async with service.db.sessions() as session:
        enrolments = (await session.exec(
            select(ProgrammeEnrolment).where(ProgrammeEnrolment.participant_id == mentor_id, ProgrammeEnrolment.role == "mentor")
        )).all()
        titles = {p.programme_id: p.title for p in (await session.exec(select(Programme))).all()}
    return sorted(((e.programme_id, titles.get(e.programme_id, "Программа")) for e in enrolments), key=lambda x: x[1])


async def _names(service: PairingService, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    async with service.db.sessions() as session:
        rows = (await session.exec(select(Candidate).where(col(Candidate.participant_id).in_(ids)))).all()
    return {c.participant_id: c.display_name for c in rows}


async def limits_table(service: PairingService, programme_id: str, visible: set[str]) -> list[dict]:
    """The programme's mentor limits for the page: names, refused names, grades, reason."""
    async with service.db.sessions() as session:
        limits = [x for x in await limits_of(session, programme_id) if x.mentor_id in visible]
        ids = {x.mentor_id for x in limits} | {m for x in limits for m in x.refused}
        names = {c.participant_id: c.display_name for c in (await session.exec(select(Candidate))).all() if c.participant_id in ids}
    return [
        {
            "mentor": names.get(x.mentor_id, "участник удалён"),
            "refused": [names.get(m, "участник удалён") for m in x.refused],
            "grades": _grades(x.grade_from, x.grade_to),
            "reason": x.reason,
        }
        for x in sorted(limits, key=lambda x: names.get(x.mentor_id, ""))
    ]


def _grades(low: int | None, high: int | None) -> str:
    if low and high:
        return f"с {low} по {high} класс"
    if low:
        return f"с {low} класса"
    if high:
        return f"до {high} класса"
    return "без ограничений"
