"""The instrument library of surveys: the built-in and custom instruments, who sees and
who saves them; and what every surveys use case shares (the roles allowed, the errors, the
personal link's path, the base class InstrumentLibrary of SurveysService)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.surveys import InstrumentSaved
from shared.db import Database
from shared.errors import Conflict, Forbidden, Unprocessable, UseCaseError
from shared.messaging.outbox import UnitOfWork

from services.surveys import domain
from services.surveys.commands import InstrumentResult
from services.surveys.ingest import GroupCommit
from services.surveys.models import CustomInstrument, School

STAFF = ("region_admin", "municipal_coordinator", "school_curator", "integration")
CAMPAIGN_OPENERS = ("region_admin", "municipal_coordinator", "school_curator")
OPENERS_ONLY = "{} могут куратор школы, муниципальный координатор и региональный центр"
INSTRUMENT_AUTHORS = ("region_admin", "school_curator")
FORM_PREFIX = "/surveys/form/"


class InvalidAnswers(UseCaseError):
    status_code = 422

    def __init__(self, problems: list[domain.AnswerProblem]) -> None:
        super().__init__("; ".join(f"{p.item}: {p.message}" for p in problems))
        self.problems = problems


class InvalidInstrument(UseCaseError):
    status_code = 422

    def __init__(self, problems: list[domain.DefinitionProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def link_path(token: str) -> str:
    return FORM_PREFIX + token


class InstrumentLibrary:
    """The base of SurveysService: its database, unit of work and region, and the instruments."""

    def __init__(self, db: Database, uow: UnitOfWork, region_id: str = "region") -> None:
        self.db = db
        self.uow = uow
        self.region_id = region_id
        self.group_commit = GroupCommit(uow)
        self._used_instruments: dict[tuple[str, int], domain.Instrument] = {}

    async def instrument(self, session: AsyncSession, code: str, version: int, school_id: str | None = None) -> domain.Instrument:
        """A built-in or custom instrument usable for `school_id` (None: any); 422 naming the field."""
        built_in = domain.BUILT_IN.get((code, version))
        if built_in is not None:
            return built_in
        row = await session.get(CustomInstrument, (code, version))
        if row is not None and (row.owner_scope == "region" or school_id is None or row.owner_id == school_id):
            return self._parsed(row)
        known = sorted({v for c, v in domain.BUILT_IN if c == code})
        if not known:
            rows = (await session.exec(select(CustomInstrument.version).where(CustomInstrument.code == code))).all()
            known = sorted(rows)
        if known:
            raise Unprocessable(f"Версии {version} анкеты {code} нет; есть версии: {', '.join(map(str, known))}", field="instrument.version")
        raise Unprocessable(f"Анкета {code} не найдена", field="instrument.code")

    def _parsed(self, row: CustomInstrument) -> domain.Instrument:
        """A custom instrument's definition, parsed once per process after it was first used
        (a used version never changes again; an unused one may still be edited)."""
        key = (row.code, row.version)
        cached = self._used_instruments.get(key)
        if cached is None:
            cached = domain.parse_instrument(row.definition)
            if row.used:
                self._used_instruments[key] = cached
        return cached

    async def instruments(self, principal: Principal | None = None) -> list[InstrumentResult]:
        out = [_instrument_out(i) for i in domain.BUILT_IN.values()]
        async with self.db.sessions() as session:
            rows = (await session.exec(select(CustomInstrument).order_by(col(CustomInstrument.code), col(CustomInstrument.version)))).all()
            municipal_schools: set[str] = set()
            if principal is not None and principal.scope == "municipality":
                municipal_schools = set(await _schools_of(session, principal.scope_id))
        for row in rows:
            if principal is None or _sees_instrument(principal, row, municipal_schools):
                out.append(_instrument_out(domain.parse_instrument(row.definition), row))
        return out

    async def save_instrument(self, definition: dict[str, Any], principal: Principal) -> tuple[InstrumentResult, bool]:
        """Save a custom instrument: a new code, a new version of an own code, or an edit of an
        unused version. A used version is never changed (409: save a new version)."""
        if principal.role not in INSTRUMENT_AUTHORS:
            raise Forbidden("Создавать анкеты могут региональный центр и куратор школы")
        definition = dict(definition)
        definition.setdefault("version", 1)
        problems = domain.definition_problems(definition)
        if problems:
            raise InvalidInstrument(problems)
        code, version = definition["code"], definition["version"]
        if any(c == code for c, _ in domain.BUILT_IN):
            raise InvalidInstrument([domain.DefinitionProblem("code", f"code: код «{code}» занят встроенной анкетой", ("code",))])
        owner_scope = "region" if principal.scope == "region" else "school"
        owner_id = self.region_id if owner_scope == "region" else principal.scope_id
        if principal.scope == "municipality":
            raise Forbidden("Анкеты сохраняют региональный центр или школа")
        async with self.uow() as work:
            versions = (await work.session.exec(select(CustomInstrument).where(CustomInstrument.code == code))).all()
            if versions and any((v.owner_scope, v.owner_id) != (owner_scope, owner_id) for v in versions):
                raise Conflict(f"Код анкеты «{code}» уже занят другим владельцем")
            existing = next((v for v in versions if v.version == version), None)
            if existing is not None:
                if existing.used:
                    latest = max(v.version for v in versions)
                    raise Conflict(
                        f"Версия {version} анкеты {code} уже использовалась и не меняется: сохраните версию {latest + 1}"
                    )
                existing.definition = definition
                existing.updated_at = utcnow()
                work.session.add(existing)
                row, created = existing, False
            else:
                latest = max((v.version for v in versions), default=0)
                if version != latest + 1:
                    raise InvalidInstrument(
                        [domain.DefinitionProblem("version", f"version: следующая версия анкеты {code} — {latest + 1}", ("version",))]
                    )
                row = CustomInstrument(
                    code=code, version=version, owner_scope=owner_scope, owner_id=owner_id,
                    definition=definition, created_by=principal.sub,
                )
                work.session.add(row)
                created = True
            parsed = domain.parse_instrument(definition)
            work.emit(InstrumentSaved(code=code, version=version, title=parsed.title, owner_scope=owner_scope,
                                      owner_id=owner_id, items=domain.item_labels(parsed)))
        return _instrument_out(domain.parse_instrument(definition), row), created


async def _schools_of(session: AsyncSession, municipality_id: str) -> list[str]:
    return list((await session.exec(select(School.school_id).where(School.municipality_id == municipality_id))).all())


def _sees_instrument(principal: Principal, row: CustomInstrument, municipal_schools: set[str]) -> bool:
    """The region's instruments: everyone; a school's own: that school, the region, and the
    coordinator of the school's municipality (`municipal_schools`), no one else."""
    if row.owner_scope == "region" or principal.scope == "region":
        return True
    if principal.scope == "municipality":
        return row.owner_id in municipal_schools
    return principal.scope_id == row.owner_id


def _instrument_out(instrument: domain.Instrument, row: CustomInstrument | None = None) -> InstrumentResult:
    return InstrumentResult(
        code=instrument.code,
        version=instrument.version,
        title=instrument.title,
        respondent_role=instrument.respondent_role,
        respondent_roles=list(instrument.respondent_roles),
        staged=instrument.staged,
        description=instrument.description,
        origin="built_in" if row is None else row.owner_scope,
        owner_id=None if row is None else row.owner_id,
        used=True if row is None else row.used,
        items=[{**asdict(item), "section": section.code} for section in instrument.sections for item in section.items],
        scales={k: list(v) for k, v in instrument.scales.items()},
        definition=dict(instrument.definition),
    )


