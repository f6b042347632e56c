"""Use cases of the written analysis of a report: the text generated from today's indicators
(services.reports.analysis), the analyst's draft, approval into a numbered version that keeps
the key figures it was written against, the earlier versions, and the text the exports open with.

Who may do what: everyone who may see the report's scope among the region's staff
(region_admin, municipal_coordinator, school_curator) reads its analysis; the region's
administrator edits and approves any report, a municipal coordinator their municipality's, a
school curator their school's. shared.auth has no separate analyst role: the region's
administrator is the region's analyst. Mentors, mentees and information systems see none of it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.db import lock_key
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.formatting import moment

from services.reports import analysis, attention, domain
from services.reports.models import WrittenAnalysis
from services.reports.queries import ReportData
from services.reports.service import ReportsService

READERS = ("region_admin", "municipal_coordinator", "school_curator")
MAX_SECTION = 20_000
"""Characters in one section of the text: a page of a report is far shorter."""
DRAFT = 0
NOT_APPROVED = "Проект, не утверждён"


def may_edit(principal: Principal, level: str, scope_id: str) -> bool:
    """The region's administrator: any report; a coordinator: their municipality's; a curator: their school's."""
    if principal.role == "region_admin" and principal.scope == "region":
        return True
    if principal.role == "municipal_coordinator":
        return level == "municipality" and principal.scope == "municipality" and principal.scope_id == scope_id
    if principal.role == "school_curator":
        return level == "school" and principal.scope == "school" and principal.scope_id == scope_id
    return False


@dataclass(frozen=True)
class Version:
    number: int
    author: str
    at: datetime

    @property
    def when(self) -> str:
        return moment(self.at)


@dataclass
class AnalysisView:
    """What the analysis page shows of a report."""

    level: str
    scope_id: str
    title: str
    academic_year: str
    shown: list[analysis.Section]  # the text read on the page: the chosen version, the latest approved, else the generated
    shown_version: Version | None  # None: the generated text (not approved)
    latest: Version | None  # the latest approved version
    editing: list[analysis.Section]  # what the editor starts from: the draft, else the latest approved, else the generated
    draft: Version | None
    generated: list[analysis.Section]
    changed: list[tuple[str, float | None, float | None]] = field(default_factory=list)  # since the shown version's approval
    versions: list[Version] = field(default_factory=list)  # newest first
    may_edit: bool = False


@dataclass(frozen=True)
class Document:
    """The analysis as the exports print it: a status line and the sections."""

    status: str
    sections: list[analysis.Section]
    approved: bool


def _version(row: WrittenAnalysis) -> Version:
    return Version(row.version, row.author, row.at)


class Analyses:
    def __init__(self, service: ReportsService) -> None:
        self.service = service

    # -- reading --------------------------------------------------------------------------

    async def inputs(self, level: str, scope_id: str, year: str, principal: Principal, values: dict | None = None) -> analysis.Inputs:
        """What the text is generated from. NotFound outside the person's scope."""
        if principal.role not in READERS:
            raise NotFound(f"Нет данных для {level} {scope_id}")
        service = self.service
        async with service.db.sessions() as session:
            await service._check_visible(session, level, scope_id, principal)  # noqa: SLF001 - the one scope rule of reports
            if values is None:
                values = domain.compute(await service._counters(session, level, scope_id, year))  # noqa: SLF001
            parents: list[tuple[str, dict]] = []
            if level == "school":
                municipality = await service.municipality_of(scope_id)
                for parent_level, parent_id in (("municipality", municipality), ("region", service.region_id)):
                    parent_values = domain.compute(await service._counters(session, parent_level, parent_id, year))  # noqa: SLF001
                    parents.append((await service.scope_name(parent_level, parent_id), parent_values))
        states = await attention.school_states(service.db, service.region_id, level, scope_id, year, principal)
        lagging = [analysis.AttentionSchool(s.name, s.municipality_name, tuple(s.badges)) for s in states if s.lagging]
        return analysis.Inputs(
            level=level, title=await service.scope_name(level, scope_id), academic_year=year, values=values,
            schools_total=len(states) if level != "school" else 0, attention=lagging if level != "school" else (),
            parents=parents, school_reasons=lagging[0].reasons if level == "school" and lagging else (),
            reason_order=tuple(attention.REASONS.values()),
        )

    async def _rows(self, level: str, scope_id: str, year: str) -> list[WrittenAnalysis]:
        async with self.service.db.sessions() as session:
            return list((await session.exec(
                select(WrittenAnalysis).where(WrittenAnalysis.scope == level, WrittenAnalysis.scope_id == scope_id,
                                              WrittenAnalysis.academic_year == year).order_by(col(WrittenAnalysis.version).desc())
            )).all())

    async def view(self, level: str, scope_id: str, year: str, principal: Principal, version: int | None = None) -> AnalysisView:
        inputs = await self.inputs(level, scope_id, year, principal)
        generated = analysis.generate(inputs)
        rows = await self._rows(level, scope_id, year)
        draft = next((r for r in rows if r.version == DRAFT), None)
        approved = [r for r in rows if r.version > DRAFT]
        latest = approved[0] if approved else None
        if version is not None:
            chosen = next((r for r in approved if r.version == version), None)
            if chosen is None:
                raise NotFound(f"Версии {version} анализа нет")
        else:
            chosen = latest
        shown = analysis.from_json(chosen.sections) if chosen else generated
        changed = analysis.changed_figures(json.loads(chosen.figures), inputs.values) if chosen else []
        editing = analysis.from_json(draft.sections) if draft else analysis.from_json(latest.sections) if latest else generated
        return AnalysisView(
            level=level, scope_id=scope_id, title=inputs.title, academic_year=year, shown=shown,
            shown_version=_version(chosen) if chosen else None, latest=_version(latest) if latest else None, editing=editing,
            draft=_version(draft) if draft else None, generated=generated, changed=changed,
            versions=[_version(r) for r in approved], may_edit=may_edit(principal, level, scope_id),
        )

    async def for_export(self, report: ReportData, principal: Principal) -> Document | None:
        """The latest approved text, else the generated one marked «проект, не утверждён»; None
        for those who may not read the analysis (the export itself is theirs to have)."""
        return await self.document(report.level, report.scope_id, report.academic_year, principal, report.scope.values)

    async def document(self, level: str, scope_id: str, year: str, principal: Principal, values: dict | None = None) -> Document | None:
        """What a report opens with (the exports, the dashboard): see for_export."""
        if principal.role not in READERS:
            return None
        approved = await self.approved(level, scope_id, year)
        if approved is not None:
            return approved
        inputs = await self.inputs(level, scope_id, year, principal, values)
        return Document(f"{NOT_APPROVED}: текст составлен автоматически по показателям", analysis.generate(inputs), False)

    async def approved(self, level: str, scope_id: str, year: str) -> Document | None:
        """The latest approved text, if any: one small query (the dashboard shows it; generating
        the text reads every school's state, which the dashboard of 1,000 schools cannot afford).
        The caller checks that the person may see the scope."""
        async with self.service.db.sessions() as session:
            latest = (await session.exec(
                select(WrittenAnalysis).where(WrittenAnalysis.scope == level, WrittenAnalysis.scope_id == scope_id,
                                              WrittenAnalysis.academic_year == year, WrittenAnalysis.version > DRAFT)
                .order_by(col(WrittenAnalysis.version).desc()).limit(1)
            )).first()
        if latest is None:
            return None
        status = f"Утверждено: версия {latest.version}, {moment(latest.at)}, {latest.author}"
        return Document(status, analysis.from_json(latest.sections), True)

    # -- writing --------------------------------------------------------------------------

    def _check_editor(self, principal: Principal, level: str, scope_id: str) -> None:
        if not may_edit(principal, level, scope_id):
            raise Forbidden("Редактировать и утверждать анализ этого отчёта может администратор региона, "
                            "координатор своего муниципалитета или куратор своей школы.")

    @staticmethod
    def _sections(titles: list[str], texts: list[str]) -> list[analysis.Section]:
        if not texts or len(titles) != len(texts):
            raise Unprocessable("Текст анализа не получен: обновите страницу и попробуйте ещё раз.", field="text")
        sections = []
        for k, (title, text) in enumerate(zip(titles, texts, strict=True)):
            text = text.replace("\r\n", "\n").strip()
            title = title.strip()
            if not title:
                raise Unprocessable(f"Раздел {k + 1}: нет заголовка.", field=f"text_{k}")
            if not text:
                raise Unprocessable(f"Раздел «{title}»: текст пуст.", field=f"text_{k}")
            if len(text) > MAX_SECTION:
                raise Unprocessable(f"Раздел «{title}»: не больше {MAX_SECTION} знаков (сейчас {len(text)}).", field=f"text_{k}")
            sections.append(analysis.Section(title, text))
        return sections

    async def save_draft(self, level: str, scope_id: str, year: str, principal: Principal, titles: list[str], texts: list[str],
                         base_version: int) -> Version:
        """Keep the analyst's text as the report's draft (one per report and year)."""
        return await self._write(level, scope_id, year, principal, titles, texts, base_version, approve=False)

    async def approve(self, level: str, scope_id: str, year: str, principal: Principal, titles: list[str], texts: list[str],
                      base_version: int) -> Version:
        """The text becomes the next version, with today's key figures; the draft is gone."""
        return await self._write(level, scope_id, year, principal, titles, texts, base_version, approve=True)

    async def _write(self, level: str, scope_id: str, year: str, principal: Principal, titles: list[str], texts: list[str],
                     base_version: int, *, approve: bool) -> Version:
        inputs = await self.inputs(level, scope_id, year, principal)  # NotFound outside the scope, before anything else
        self._check_editor(principal, level, scope_id)
        sections = self._sections(titles, texts)
        author = principal.name or principal.sub
        now = utcnow()
        where = (WrittenAnalysis.scope == level, WrittenAnalysis.scope_id == scope_id, WrittenAnalysis.academic_year == year)
        try:
            async with self.service.db.sessions() as session:
                await lock_key(session, f"reports-analysis:{level}:{scope_id}:{year}")
                versions = (await session.exec(select(WrittenAnalysis.version).where(*where))).all()
                latest = max((v for v in versions if v > DRAFT), default=0)
                if latest != base_version:
                    raise Conflict(f"Пока вы редактировали, анализ утвердили ещё раз (версия {latest}). "
                                   "Откройте страницу заново: ваш текст не сохранён.")
                await session.exec(delete(WrittenAnalysis).where(*where, WrittenAnalysis.version == DRAFT))
                number = latest + 1 if approve else DRAFT
                figures = analysis.snapshot(inputs.values) if approve else {}
                session.add(WrittenAnalysis(scope=level, scope_id=scope_id, academic_year=year, version=number,
                                            sections=analysis.to_json(sections), figures=json.dumps(figures), author=author, at=now))
                await session.commit()
        except IntegrityError as exc:  # another approval took the number at the same moment
            raise Conflict("Анализ только что утвердил другой сотрудник. Откройте страницу заново: ваш текст не сохранён.") from exc
        return Version(number, author, now)

    async def discard_draft(self, level: str, scope_id: str, year: str, principal: Principal) -> None:
        await self.inputs(level, scope_id, year, principal)
        self._check_editor(principal, level, scope_id)
        async with self.service.db.sessions() as session:
            await session.exec(delete(WrittenAnalysis).where(
                WrittenAnalysis.scope == level, WrittenAnalysis.scope_id == scope_id, WrittenAnalysis.academic_year == year,
                WrittenAnalysis.version == DRAFT))
            await session.commit()
