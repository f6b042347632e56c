"""Reading answers beyond one school: a municipal coordinator's municipality, the region's staff
the region (optionally one municipality). What they see of one instrument:

- per school: the number of responses and the means of the instrument's scores — only for a
  school with at least domain.MIN_GROUP responses (a smaller group is not broken down: «меньше 5
  ответов»), and the same for the whole scope; each school links to its own list (answers.py);
- the free-text answers of the scope, without names, with their school (curators read their
  own school's on its list);
- the XLSX export of every response of the scope (one row per response, the school named).

Schools are paged (answers.PAGE_SIZE, by name, then id). A mentee's answers are never shown to
their own mentor, here either. Reads of personal answers (the free texts, the export) are
audited like the school's list; the overview of means alone reads nobody's answers one by one
and is audited as «scope» with the free texts' responses only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select

from shared.audit import READ, audit_entry
from shared.auth import Principal
from shared.errors import Forbidden, NotFound

from services.surveys import domain
from services.surveys.answers import (
    PAGE_SIZE,
    AnswerRow,
    Pager,
    _audit,
    _list_scales,
    _names,
    _parse_key,
    _row,
    free_texts,
    mentees_of,
)
from services.surveys.models import School, SurveyResponse
from services.surveys.service import SurveysService

OVERSEERS = ("municipal_coordinator", "region_admin")


@dataclass
class SchoolAggregate:
    school_id: str
    name: str
    responses: int
    means: dict[str, float] | None  # None: fewer than MIN_GROUP responses


@dataclass
class ScopePage:
    title: str  # «Северный район», the region
    municipalities: list[tuple[str, str]]  # the region admin's choice (empty for a coordinator)
    municipality_id: str | None
    instruments: list[tuple[str, str]]
    instrument: domain.Instrument | None
    scales: list[tuple[str, str]] = field(default_factory=list)
    schools: list[SchoolAggregate] = field(default_factory=list)  # one page of them
    total: SchoolAggregate | None = None
    pager: Pager | None = None
    free_texts: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (question, [(school, text)])
    rows: list[AnswerRow] = field(default_factory=list)  # the export only
    school_names: dict[str, str] = field(default_factory=dict)


class ScopeReader:
    def __init__(self, service: SurveysService) -> None:
        self.service = service

    async def overview(self, principal: Principal, *, municipality_id: str | None, instrument: str | None, page: int = 1,
                       export: bool = False) -> ScopePage:
        if principal.role not in OVERSEERS:
            raise Forbidden("Ответы муниципалитета и региона читают муниципальный координатор и региональный центр")
        async with self.service.uow() as work:
            session = work.session
            all_schools = (await session.exec(select(School))).all()
            municipality_names = {s.municipality_id: s.municipality_name or s.municipality_id for s in all_schools}
            municipalities: list[tuple[str, str]] = []
            if principal.scope == "municipality":
                municipality_id = principal.scope_id
            else:
                municipalities = sorted(municipality_names.items(), key=lambda m: m[1])
                if municipality_id and municipality_id not in municipality_names:
                    raise NotFound("Такого муниципалитета нет")
            schools = sorted((s for s in all_schools if not municipality_id or s.municipality_id == municipality_id),
                             key=lambda s: ((s.name or s.school_id), s.school_id))
            school_names = {s.school_id: s.name or s.school_id for s in schools}
            title = municipality_names.get(municipality_id, municipality_id) if municipality_id else "Регион"
            ids = list(school_names)
            answered = (await session.exec(
                select(SurveyResponse.instrument_code, SurveyResponse.instrument_version)
                .where(col(SurveyResponse.school_id).in_(ids)).order_by(col(SurveyResponse.completed_at).desc()))).all() if ids else []
            keys: list[tuple[str, int]] = list(dict.fromkeys((c, v) for c, v in answered))
            titled = [(f"{c}:{v}", (await self.service.instrument(session, c, v)).title + f" · версия {v}") for c, v in keys]
            chosen = _parse_key(instrument) if instrument else (keys[0] if keys else None)
            result = ScopePage(title, municipalities, municipality_id, titled, None, school_names=school_names)
            if chosen is None or chosen not in keys:
                return result
            parsed = await self.service.instrument(session, *chosen)
            result.instrument, result.scales = parsed, _list_scales(parsed) or [(r.code, r.title) for r in parsed.scale_rules][:4]
            responses = list((await session.exec(
                select(SurveyResponse).where(col(SurveyResponse.school_id).in_(ids), SurveyResponse.instrument_code == chosen[0],
                                             SurveyResponse.instrument_version == chosen[1])
                .order_by(col(SurveyResponse.completed_at).desc(), col(SurveyResponse.id).desc()))).all())
            mentees = await mentees_of(session, principal.sub)
            rows_by_school: dict[str, list[AnswerRow]] = {}
            names = await _names(session, {r.respondent_id for r in responses}) if export else {}
            rows = [_row(r, names, mentees) for r in responses]
            for response, row in zip(responses, rows, strict=True):
                rows_by_school.setdefault(response.school_id, []).append(row)
            codes = [code for code, _ in result.scales]
            aggregates = [_aggregate(s, school_names[s], rows_by_school.get(s, []), codes) for s in ids]
            result.total = _aggregate("", title, rows, codes)
            result.pager = Pager.of(len(aggregates), page, PAGE_SIZE)
            result.schools = result.pager.slice(aggregates)
            school_of = {r.id: r.school_id for r in responses}
            texts, with_text = free_texts(parsed, rows)
            by_id = {row.id: row for row in rows}
            for question, _ in texts:
                item = next(i for i in parsed.items if i.text == question)
                result.free_texts.append((question, [(school_names[school_of[r]], str(by_id[r].answers[item.code]).strip())
                                                     for r in with_text if str(by_id[r].answers.get(item.code) or "").strip()]))
            if export:
                result.rows = [r for r in rows if not r.hidden]
                result.school_names = {r.id: school_names[school_of[r.id]] for r in result.rows}
                read = [r.id for r in result.rows]
            else:
                read = with_text
            work.session.add(_audit(principal, "export" if export else "scope", None, read,
                                    {"municipality_id": municipality_id, "instrument": f"{chosen[0]}:{chosen[1]}",
                                     "page": result.pager.page}))
            work.session.add(audit_entry("surveys", principal, "export" if export else READ, "responses",
                                         municipality_id or principal.scope_id,
                                         f"instrument={chosen[0]}:{chosen[1]},scope=municipality,responses={len(read)}"))
        return result


def _aggregate(school_id: str, name: str, rows: list[AnswerRow], codes: list[str]) -> SchoolAggregate:
    """The means of the scores, only for at least MIN_GROUP responses (hidden ones not counted)."""
    visible = [r for r in rows if not r.hidden]
    if len(visible) < domain.MIN_GROUP:
        return SchoolAggregate(school_id, name, len(rows), None)
    means: dict[str, float] = {}
    for code in codes:
        values = [r.scores[code] for r in visible if isinstance(r.scores.get(code), int | float)]
        if values:
            means[code] = sum(values) / len(values)
    return SchoolAggregate(school_id, name, len(rows), means)
