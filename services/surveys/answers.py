"""Reading answers (issue 12, «Reading answers»): the school's completed responses for the people
who run monitoring (school curator: their school; municipal coordinator: their municipality's
schools; region admin: any), one response with every answer, the XLSX export, and the audit of
these reads. Rules a school psychologist expects: mentors and mentees never read others' answers
(the pages let only staff in), a mentee's answers are never shown to their own mentor (a curator
who mentors too), per-item means only for groups of at least domain.MIN_GROUP, and every read of
personal answers leaves an audit record written in the same transaction: a row of
`surveys_answer_read` (what the answers' audit page shows) and one of the service's audit log
(shared/audit.py, what the data-protection officer reads). The list is paged
(PAGE_SIZE, newest first, ties by id). The municipality's and region's view: answers_scope.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.audit import READ, audit_entry
from shared.auth import Principal
from shared.errors import Forbidden, NotFound

from services.surveys import domain
from services.surveys.models import AnswerRead, Campaign, PairMembership, Respondent, School, SurveyResponse
from services.surveys.service import SurveysService

READERS = ("school_curator", "municipal_coordinator", "region_admin")
AUDIT_SHOWN = 500
LIST_SCALES = 4
PAGE_SIZE = 50
"""Responses per page of a school's list (and schools per page of the scope's overview)."""
HIDDEN = "Ответ не показывается: вы — наставник этого участника"


@dataclass
class AnswerRow:
    id: str
    name: str
    role: str
    completed_at: datetime
    stage: str | None
    scores: dict[str, float]
    answers: dict[str, Any]
    hidden: bool = False  # a mentee's response read by their own mentor: neither answers nor scores shown


@dataclass
class ItemSummary:
    text: str
    mean: float | None
    count: int


@dataclass
class AnswersPage:
    schools: list[tuple[str, str]]  # the schools the reader may choose (empty for a curator)
    school_id: str | None
    instruments: list[tuple[str, str]]  # ("code:version", title) answered in that school
    instrument: domain.Instrument | None
    campaigns: list[tuple[str, str]]
    campaign_id: str | None
    rows: list[AnswerRow] = field(default_factory=list)
    scales: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    summary: list[ItemSummary] | None = None  # None: fewer than MIN_GROUP responses
    free_texts: list[tuple[str, list[str]]] = field(default_factory=list)  # (question, answers)
    pager: Pager | None = None


@dataclass
class Pager:
    """A page of a list: Russian «Показаны 51–100 из 230», «Предыдущие» / «Следующие»."""

    page: int
    pages_total: int
    total: int
    first: int
    last: int

    @classmethod
    def of(cls, total: int, page: int, size: int) -> Pager:
        pages_total = max(1, -(-total // size))
        page = min(max(page, 1), pages_total)
        first = (page - 1) * size
        return cls(page, pages_total, total, first + 1 if total else 0, min(first + size, total))

    def slice(self, items: list) -> list:
        return items[max(self.first - 1, 0): self.last]


@dataclass
class ResponsePage:
    row: AnswerRow
    instrument: domain.Instrument
    school_id: str
    school: str
    campaign: str | None
    answers: list[tuple[str, str]]  # (question, answer as read)


def answer_text(item: domain.Item, value: Any) -> str:
    """An answer as a person reads it: option texts instead of codes, «—» when unanswered."""
    if value in (None, "", [], {}):
        return "—"
    if item.kind == "single":
        option = item.option(str(value))
        return option.text if option else str(value)
    if item.kind == "multiple" and isinstance(value, list):
        return "; ".join((item.option(str(v)).text if item.option(str(v)) else str(v)) for v in value)  # type: ignore[union-attr]
    if item.kind == "matrix" and isinstance(value, dict):
        rows = {r.code: r.text for r in item.rows}
        return "; ".join(f"{rows.get(k, k)}: {answer_text(domain.Item(code=k, text=k, kind='scale'), v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def numeric(item: domain.Item, value: Any) -> float | None:
    """The number an item's answer stands for (a scale or number; an option with a value)."""
    if item.kind in ("scale", "number") and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if item.kind == "single" and value is not None:
        option = item.option(str(value))
        return option.value if option else None
    return None


class AnswerReader:
    def __init__(self, service: SurveysService) -> None:
        self.service = service

    async def _schools(self, session: AsyncSession, principal: Principal) -> list[tuple[str, str]]:
        query = select(School).order_by(School.name)
        if principal.scope == "municipality":
            query = query.where(School.municipality_id == principal.scope_id)
        return [(s.school_id, s.name or s.school_id) for s in (await session.exec(query)).all()]

    async def _school_in_scope(self, session: AsyncSession, principal: Principal, school_id: str) -> bool:
        if principal.role not in READERS:
            return False
        if principal.scope == "region":
            return True
        if principal.scope == "school":
            return principal.scope_id == school_id
        school = await session.get(School, school_id)
        return school is not None and school.municipality_id == principal.scope_id

    async def answers(self, principal: Principal, *, school_id: str | None, instrument: str | None, campaign_id: str | None,
                      what: str = "list", page: int = 1) -> AnswersPage:
        """The completed responses of one school and one instrument (the newest answered one by
        default), with their summary; records the read. `what`: «list» (one page of PAGE_SIZE) or
        «export» (all). The audit names the responses whose answers were shown: the page's rows and
        those whose free text is listed; never a hidden one (the reader mentors its respondent)."""
        if principal.role not in READERS:
            raise Forbidden("Ответы читают куратор школы, муниципальный координатор и региональный центр")
        async with self.service.uow() as work:
            session = work.session
            schools = [] if principal.scope == "school" else await self._schools(session, principal)
            if principal.scope == "school":
                school_id = principal.scope_id
            if not school_id:
                return AnswersPage(schools, None, [], None, [], None)
            if not await self._school_in_scope(session, principal, school_id):
                raise NotFound("Такой школы нет, или она вам недоступна")
            answered = (await session.exec(
                select(SurveyResponse.instrument_code, SurveyResponse.instrument_version, SurveyResponse.completed_at)
                .where(SurveyResponse.school_id == school_id).order_by(col(SurveyResponse.completed_at).desc()))).all()
            keys: list[tuple[str, int]] = list(dict.fromkeys((c, v) for c, v, _ in answered))
            titled = [(f"{c}:{v}", (await self.service.instrument(session, c, v)).title + f" · версия {v}") for c, v in keys]
            chosen = _parse_key(instrument) if instrument else (keys[0] if keys else None)
            if chosen is None or chosen not in keys:
                return AnswersPage(schools, school_id, titled, None, [], None)
            parsed = await self.service.instrument(session, *chosen)
            campaigns = [(c.id, c.title) for c in (await session.exec(
                select(Campaign).where(Campaign.instrument_code == chosen[0], Campaign.instrument_version == chosen[1],
                                       (col(Campaign.school_id) == school_id) | col(Campaign.school_id).is_(None))
                .order_by(col(Campaign.opened_at).desc()))).all()]
            if campaign_id not in dict(campaigns):
                campaign_id = None
            query = select(SurveyResponse).where(SurveyResponse.school_id == school_id, SurveyResponse.instrument_code == chosen[0],
                                                 SurveyResponse.instrument_version == chosen[1])
            if campaign_id:
                query = query.where(SurveyResponse.campaign_id == campaign_id)
            responses = list((await session.exec(query.order_by(col(SurveyResponse.completed_at).desc(),
                                                                 col(SurveyResponse.id).desc()))).all())
            names = await _names(session, {r.respondent_id for r in responses})
            mentees = await mentees_of(session, principal.sub)
            rows = [_row(r, names, mentees) for r in responses]
            pager = Pager.of(len(rows), page if what == "list" else 1, PAGE_SIZE if what == "list" else max(len(rows), 1))
            shown = pager.slice(rows)
            result = AnswersPage(schools, school_id, titled, parsed, campaigns, campaign_id, shown, _list_scales(parsed), pager=pager)
            visible = [r for r in rows if not r.hidden]
            if len(visible) >= domain.MIN_GROUP:
                result.summary = []
                for item in parsed.items:
                    values = [v for v in (numeric(item, r.answers.get(item.code)) for r in visible) if v is not None]
                    if values:
                        result.summary.append(ItemSummary(item.text, sum(values) / len(values), len(values)))
            result.free_texts, with_text = free_texts(parsed, rows)
            read = list(dict.fromkeys([r.id for r in shown if not r.hidden] + with_text))
            work.session.add(_audit(principal, what, school_id, read,
                                    {"school_id": school_id, "instrument": f"{chosen[0]}:{chosen[1]}", "campaign_id": campaign_id,
                                     "page": pager.page}))
            work.session.add(audit_entry("surveys", principal, "export" if what == "export" else READ, "responses", school_id,
                                         f"instrument={chosen[0]}:{chosen[1]},campaign={campaign_id or ''},responses={len(read)}"))
        return result

    async def response(self, principal: Principal, response_id: str) -> ResponsePage:
        """One response with every question and answer; records the read. 404 outside the scope."""
        if principal.role not in READERS:
            raise Forbidden("Ответы читают куратор школы, муниципальный координатор и региональный центр")
        async with self.service.uow() as work:
            session = work.session
            response = await session.get(SurveyResponse, response_id)
            if response is None or not await self._school_in_scope(session, principal, response.school_id):
                raise NotFound("Такого ответа нет, или он вам недоступен")
            if is_hidden(response, await mentees_of(session, principal.sub)):
                raise Forbidden(HIDDEN)
            instrument = await self.service.instrument(session, response.instrument_code, response.instrument_version)
            names = await _names(session, {response.respondent_id})
            school = await session.get(School, response.school_id)
            campaign = await session.get(Campaign, response.campaign_id) if response.campaign_id else None
            row = _row(response, names)
            page = ResponsePage(row, instrument, response.school_id, (school.name if school else None) or response.school_id,
                                campaign.title if campaign else None,
                                [(item.text, answer_text(item, row.answers.get(item.code))) for item in instrument.items])
            work.session.add(_audit(principal, "response", response.school_id, [response.id], {}))
            work.session.add(audit_entry("surveys", principal, READ, "response", response.id,
                                         f"respondent={response.respondent_id},school={response.school_id}"))
        return page

    async def audit(self, principal: Principal) -> tuple[list[AnswerRead], dict[str, str]]:
        """The latest reads of personal answers, and the schools' names: for the region admin only."""
        if principal.role != "region_admin":
            raise Forbidden("Журнал чтения ответов видит только региональный центр")
        async with self.service.db.sessions() as session:
            reads = list((await session.exec(
                select(AnswerRead).order_by(col(AnswerRead.read_at).desc()).limit(AUDIT_SHOWN))).all())
            ids = {r.school_id for r in reads if r.school_id}
            schools = {s.school_id: s.name or s.school_id for s in (await session.exec(
                select(School).where(col(School.school_id).in_(ids)))).all()} if ids else {}
        return reads, schools


def _list_scales(instrument: domain.Instrument) -> list[tuple[str, str]]:
    """The scores the list shows: scales over several items (a one-item scale repeats an answer
    the response page shows), at most LIST_SCALES so that the table fits a screen."""
    return [(rule.code, rule.title) for rule in instrument.scale_rules if len(rule.sources) > 1][:LIST_SCALES]


def _parse_key(text: str) -> tuple[str, int] | None:
    code, _, version = text.partition(":")
    return (code, int(version)) if code and version.isdigit() else None


async def _names(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {pid: name for pid, name in (await session.exec(
        select(Respondent.participant_id, Respondent.display_name).where(col(Respondent.participant_id).in_(ids)))).all() if name}


async def mentees_of(session: AsyncSession, reader_id: str) -> set[str]:
    """Everyone the reader has mentored (any pair, ended ones too): their answers given as mentees
    are about the reader, and a mentor never reads them one by one."""
    pairs = select(PairMembership.pair_id).where(PairMembership.participant_id == reader_id, PairMembership.role == "mentor")
    return set((await session.exec(select(PairMembership.participant_id).where(
        col(PairMembership.pair_id).in_(pairs), PairMembership.role == "mentee"))).all())


def is_hidden(response: SurveyResponse, mentees: set[str]) -> bool:
    return response.respondent_role == "mentee" and response.respondent_id in mentees


def free_texts(instrument: domain.Instrument, rows: list[AnswerRow]) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """The free-text answers of the rows, per question, without names (never a hidden row's), and
    the ids of the responses they come from (for the audit)."""
    out, ids = [], []
    for item in instrument.items:
        if item.kind != "text":
            continue
        texts = []
        for r in rows:
            text = str(r.answers.get(item.code) or "").strip()
            if text and not r.hidden:
                texts.append(text)
                ids.append(r.id)
        if texts:
            out.append((item.text, texts))
    return out, list(dict.fromkeys(ids))


def _row(response: SurveyResponse, names: dict[str, str], mentees: set[str] = frozenset()) -> AnswerRow:  # type: ignore[assignment]
    name = "данные удалены по отзыву согласия" if response.anonymised else names.get(response.respondent_id, "имя неизвестно")
    if is_hidden(response, mentees):
        return AnswerRow(response.id, name, domain.ROLES.get(response.respondent_role, response.respondent_role),
                         response.completed_at, response.stage, {}, {}, hidden=True)
    return AnswerRow(response.id, name, domain.ROLES.get(response.respondent_role, response.respondent_role),
                     response.completed_at, response.stage, dict(response.scores or {}), dict(response.answers or {}))


def _audit(principal: Principal, what: str, school_id: str | None, response_ids: list[str], filter_: dict) -> AnswerRead:
    return AnswerRead(id=str(uuid.uuid4()), reader_id=principal.sub, reader_role=principal.role, what=what,
                      school_id=school_id, response_ids=response_ids, filter=filter_)
