"""Bulk import of the spreadsheets schools send (CSV, XLSX): schools, partners, people,
programmes, enrolments — idempotent by the school system's external id.

How it behaves (docs/registry.md has the template and the examples):

- The whole import is one transaction: with `all_or_nothing` a single rejected row means
  nothing is written; with `valid_only` the valid rows are written and the rejected ones listed.
  Either way the report lists every rejected row: sheet, line, column (and cell), the reason in
  Russian and in English.
- Sheets are applied in dependency order (schools, partners, people, programmes, enrolments),
  whatever their order in the file.
- A row whose values equal what the registry holds changes nothing and emits nothing; a
  changed row updates the person and emits `registry.participant.updated.v1` (if they were
  announced); consent recorded for the first time emits `registry.participant.registered.v1`.
- People — the volume: 300,000 pupils in a region — go through a bulk path: rows are read as a
  stream, looked up and written in chunks with multi-row INSERT / UPDATE statements, and their
  events are written to the outbox the same way, in the same transaction. Schools, partners,
  programmes and enrolments (thousands) go through the same use cases as the HTTP API.
- Limits (issue 13; spreadsheet.Limits from the NASTAVNIK_IMPORT_* settings): an XLSX is checked
  against its unpacked size and compression ratio before it is opened, a cell over the length
  limit rejects its row, more rows than the limit stop the import (nothing written). Reading,
  parsing and validating run in a worker thread, a batch at a time; `ImportOptions.checkpoint`
  is awaited after every batch (a job's progress, heartbeat and cancel: import_jobs.py).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import ARRAY, String, and_, any_, bindparam, func, insert, select, tuple_, update
from sqlmodel import col

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.envelope import new_envelope
from shared.contracts.registry import (
    ParticipantRegistered,
    ParticipantUpdated,
    PartnerRegistered,
    PartnerUpdated,
    SchoolUpdated,
)
from shared.db import Database
from shared.errors import UseCaseError
from shared.messaging.outbox import OutboxMessage, UnitOfWork, Work
from shared.settings import Settings

from services.registry import domain
from services.registry import spreadsheet as sheets
from services.registry.models import AuditRecord, Enrolment, Municipality, Participant, Partner, Programme, School
from services.registry.schemas import EnrolmentIn, ProgrammeIn, SchoolIn
from services.registry.service import PERSON_FIELDS, RegistryService, school_event, snapshot

SERVICE = "registry"
MAX_LISTED_ERRORS = 10_000
PARTICIPANT = Participant.__table__  # type: ignore[attr-defined]
OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]


class RowError(BaseModel):
    source: str = Field(description="File name")
    sheet: str
    line: int = Field(description="Line of the file (CSV) or row of the sheet (XLSX); 0: the file itself")
    column: str = Field(default="", description="The column's header as in the file")
    cell: str = Field(default="", description="XLSX: the cell, e.g. D17")
    value: str = ""
    reason_ru: str
    reason_en: str


class SheetReport(BaseModel):
    source: str
    sheet: str
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    ignored_columns: list[str] = Field(default_factory=list)


class ImportReport(BaseModel):
    mode: Literal["all_or_nothing", "valid_only"]
    dry_run: bool = False
    applied: bool = Field(default=False, description="Whether anything was written (the transaction committed)")
    sheets: list[SheetReport] = Field(default_factory=list)
    errors: list[RowError] = Field(default_factory=list, description=f"Rejected rows, the first {MAX_LISTED_ERRORS}")
    errors_total: int = Field(default=0, description="Every problem found (a row may have several)")
    rows_rejected: int = 0
    events: int = Field(default=0, description="Events written to the outbox")
    seconds: float = 0.0
    cancelled: bool = Field(default=False, description="Cancelled while it ran: nothing was written")
    summary_ru: str = ""
    summary_en: str = ""

    @property
    def ok(self) -> bool:
        return self.errors_total == 0


@dataclass
class ImportOptions:
    mode: Literal["all_or_nothing", "valid_only"] = "all_or_nothing"
    school_id: str | None = None
    dry_run: bool = False
    principal: Principal | None = None  # None: an operator on the command line, region-wide
    actor: str = "cli"
    correlation_id: str | None = None
    progress: Callable[[int], None] | None = None
    # Awaited after every batch of rows (a job's progress and heartbeat); True: cancel the import.
    checkpoint: Callable[[], Awaitable[bool]] | None = None
    chunk_size: int = 2_000


class _Rollback(Exception):
    pass


class _Stop(Exception):
    """An unexpected failure inside a use case, or a file over the limits: the transaction cannot go on."""


class _Cancelled(Exception):
    pass


@dataclass
class _Context:
    work: Work
    options: ImportOptions
    report: ImportReport
    schools: dict[str, str]  # school id → municipality id
    partners: set[str]
    any_tombstones: bool
    seen_people: dict[str, int] = field(default_factory=dict)
    created_at: Any = None
    sequence: int = 0
    rows_seen: int = 0

    def next_time(self) -> datetime:
        """Increasing timestamps, so the relay publishes in the order of the file."""
        self.sequence += 1
        return self.created_at + timedelta(microseconds=self.sequence)


class Importer:
    def __init__(self, service: RegistryService, db: Database, uow: UnitOfWork, settings: Settings) -> None:
        self.service = service
        self.db = db
        self.uow = uow
        self.settings = settings
        self.limits = sheets.Limits.of(settings)

    # -- entry points ---------------------------------------------------------------------

    async def run_paths(self, paths: list[str], options: ImportOptions) -> ImportReport:
        report = ImportReport(mode=options.mode, dry_run=options.dry_run)
        found: list[sheets.Sheet] = []
        for path in paths:
            try:
                found.extend(await asyncio.to_thread(sheets.read_sheets, path, None, self.limits))
            except (sheets.BadValue, OSError) as exc:
                ru, en = (exc.ru, exc.en) if isinstance(exc, sheets.BadValue) else (f"Файл не читается: {exc}", f"Cannot read the file: {exc}")
                self._file_error(report, path, ru, en)
        return await self._run(found, options, report)

    async def run_bytes(self, name: str, data: bytes, options: ImportOptions, *, too_large: bool = False) -> ImportReport:
        report = ImportReport(mode=options.mode, dry_run=options.dry_run)
        if too_large:
            self._file_error(report, name, "Файл слишком велик для загрузки через HTTP: используйте nastavnik import",
                             "The file is too large for an HTTP upload: use nastavnik import")
            return self._finish(report, time.perf_counter())
        try:
            found = await asyncio.to_thread(sheets.read_sheets, name, data, self.limits)
        except sheets.BadValue as exc:
            self._file_error(report, name, exc.ru, exc.en)
            found = []
        return await self._run(found, options, report)

    async def run_file(self, name: str, path: str, options: ImportOptions) -> ImportReport:
        """Import an uploaded file kept on disk (`name`: as the user called it): read as a stream,
        every blocking step (unpacking, parsing, validating) in a worker thread."""
        report = ImportReport(mode=options.mode, dry_run=options.dry_run)
        try:
            found = await asyncio.to_thread(sheets.read_sheets, path, None, self.limits)
        except (sheets.BadValue, OSError) as exc:
            ru, en = (exc.ru, exc.en) if isinstance(exc, sheets.BadValue) else ("Файл не читается", "Cannot read the file")
            self._file_error(report, name, ru, en)
            found = []
        for sheet in found:
            sheet.source = name
        return await self._run(found, options, report)

    @staticmethod
    def _file_error(report: ImportReport, source: str, ru: str, en: str) -> None:
        report.errors.append(RowError(source=source, sheet="", line=0, reason_ru=ru, reason_en=en))
        report.errors_total += 1

    def rows_hint(self, paths: list[str]) -> int:
        total = 0
        for path in paths:
            try:
                total += sum(sheet.rows_hint or 0 for sheet in sheets.read_sheets(path))
            except (sheets.BadValue, OSError):
                pass
        return total

    # -- the run --------------------------------------------------------------------------

    async def _run(self, found: list[sheets.Sheet], options: ImportOptions, report: ImportReport) -> ImportReport:
        started = time.perf_counter()
        if not found and report.errors_total == 0:
            self._file_error(report, "", "В файле нет ни одной таблицы с данными", "The file holds no table with data")
        ordered = sorted(found, key=lambda s: sheets.KIND_ORDER.index(s.kind) if s.kind in sheets.KIND_ORDER else -1)
        try:
            async with self.uow(options.correlation_id) as work:
                context = await self._context(work, options, report)
                for sheet in ordered:
                    await self._sheet(context, sheet)
                if options.dry_run or report.errors_total and options.mode == "all_or_nothing":
                    raise _Rollback()
                work.session.add(AuditRecord(actor=options.actor, action="import", target=",".join(sorted({s.source for s in found})),
                                             detail=self._counts(report)[:500]))
                report.applied = True
        except _Rollback:
            report.applied = False
        except _Stop:
            report.applied = False
        except _Cancelled:
            report.applied = False
            report.cancelled = True
        if not report.applied:
            report.events = 0
        return self._finish(report, started)

    def _finish(self, report: ImportReport, started: float) -> ImportReport:
        report.rows_rejected = sum(s.rejected for s in report.sheets) or (1 if report.errors_total else 0)
        report.seconds = round(time.perf_counter() - started, 3)
        counts = self._counts(report)
        if report.cancelled:
            report.summary_ru = f"Загрузка отменена: ничего не записано (просмотрено строк: {sum(s.rows for s in report.sheets)})"
            report.summary_en = "Cancelled: nothing was written"
        elif report.applied:
            report.summary_ru = f"Импорт выполнен: {counts}; отклонено строк: {report.rows_rejected}"
            report.summary_en = f"Imported: {self._counts(report, 'en')}; rejected rows: {report.rows_rejected}"
        elif report.dry_run:
            report.summary_ru = f"Проверка без записи: {counts}; отклонено строк: {report.rows_rejected}"
            report.summary_en = f"Checked, nothing written: {self._counts(report, 'en')}; rejected rows: {report.rows_rejected}"
        else:
            report.summary_ru = f"Ничего не записано: отклонено строк — {report.rows_rejected}, ошибок — {report.errors_total} (режим «всё или ничего»)"
            report.summary_en = f"Nothing was written: {report.rows_rejected} rejected rows, {report.errors_total} errors (all-or-nothing mode)"
        return report

    @staticmethod
    def _counts(report: ImportReport, language: str = "ru") -> str:
        created = sum(s.created for s in report.sheets)
        updated = sum(s.updated for s in report.sheets)
        unchanged = sum(s.unchanged for s in report.sheets)
        withdrawn = sum(s.withdrawn for s in report.sheets)
        if language == "en":
            return f"{created} created, {updated} updated, {unchanged} unchanged, {withdrawn} withdrawn, {report.events} events"
        return f"создано {created}, изменено {updated}, без изменений {unchanged}, выбыло {withdrawn}, событий {report.events}"

    async def _context(self, work: Work, options: ImportOptions, report: ImportReport) -> _Context:
        conn = await work.session.connection()
        schools = {row[0]: row[1] for row in (await conn.execute(select(School.__table__.c.id, School.__table__.c.municipality_id)))}  # type: ignore[attr-defined]
        partners = {row[0] for row in await conn.execute(select(Partner.__table__.c.id))}  # type: ignore[attr-defined]
        tombstone = (await conn.execute(select(PARTICIPANT.c.id).where(PARTICIPANT.c.external_id_hash.is_not(None)).limit(1))).first()
        return _Context(work, options, report, schools, partners, tombstone is not None, created_at=utcnow())

    async def _sheet(self, ctx: _Context, sheet: sheets.Sheet) -> None:
        sheet_report = SheetReport(source=sheet.source, sheet=sheet.name, kind=sheet.kind or "unknown",
                                   ignored_columns=[h for h in sheet.unknown if h])
        ctx.report.sheets.append(sheet_report)
        if not sheet.kind:
            self._error(ctx, sheet, sheet.header_line, "", "",
                        "Не понятно, что в таблице: нет узнаваемых заголовков (см. шаблон)",
                        "Cannot tell what the table holds: no known headers (see the template)")
            return
        missing = [name for name in sheets.REQUIRED[sheet.kind] if name not in sheet.fields]
        if sheet.kind == "people" and "full_name" not in sheet.fields and "last_name" not in sheet.fields:
            missing.append("full_name")
        if sheet.kind == "people" and "category" not in sheet.fields and sheet.category is None:
            missing.append("category")
        if missing:
            for name in missing:
                header = sheets.COLUMNS[sheet.kind][name][0].capitalize() if name in sheets.COLUMNS[sheet.kind] else "ФИО"
                self._error(ctx, sheet, sheet.header_line, header, "",
                            f"Нет обязательного столбца «{header}»", f"Required column '{header}' is missing")
            return
        if sheet.kind == "people":
            await self._people(ctx, sheet, sheet_report)
        else:
            handler = {"schools": self._school_row, "partners": self._partner_row,
                       "programmes": self._programme_row, "enrolments": self._enrolment_row}[sheet.kind]
            await ctx.work.session.flush()
            async for batch in self._batches(ctx, sheet, 200):
                for line, values in batch:
                    sheet_report.rows += 1
                    before = ctx.report.errors_total
                    if self._long_cells(ctx, sheet, line, values):
                        sheet_report.rejected += 1
                        continue
                    try:
                        outcome = await handler(ctx, sheet, line, _Row(sheet, values))
                    except UseCaseError as exc:  # a rule the pre-checks missed: the session may hold half a change
                        self._error(ctx, sheet, line, "", "", exc.message, f"Rejected by the registry's rules: {exc.message}")
                        raise _Stop() from exc
                    if ctx.report.errors_total > before:
                        sheet_report.rejected += 1
                    elif outcome:
                        setattr(sheet_report, outcome, getattr(sheet_report, outcome) + 1)
                self._progress(ctx, len(batch))
                await self._checkpoint(ctx)

    def _progress(self, ctx: _Context, count: int) -> None:
        if ctx.options.progress:
            ctx.options.progress(count)

    async def _checkpoint(self, ctx: _Context) -> None:
        if ctx.options.checkpoint is not None and await ctx.options.checkpoint():
            raise _Cancelled()

    async def _batches(self, ctx: _Context, sheet: sheets.Sheet, size: int) -> AsyncIterator[list[tuple[int, list[Any]]]]:
        """The sheet's rows, `size` at a time, read in a worker thread (parsing a large file must
        not stop the event loop); the import's rows limit is enforced as they come."""
        rows = sheet.rows()
        while True:
            try:
                batch = await asyncio.to_thread(_take, rows, size)
            except sheets.BadValue as exc:
                self._error(ctx, sheet, 0, "", "", exc.ru, exc.en)
                raise _Stop() from None
            if not batch:
                return
            ctx.rows_seen += len(batch)
            if ctx.rows_seen > self.limits.max_rows:
                problem = sheets.too_many_rows(self.limits)
                self._error(ctx, sheet, 0, "", "", problem.ru, problem.en)
                raise _Stop()
            yield batch

    def _long_cells(self, ctx: _Context, sheet: sheets.Sheet, line: int, values: list[Any]) -> bool:
        """Reject a row with a cell over NASTAVNIK_IMPORT_MAX_CELL_CHARS (the report shows its start)."""
        limit = self.limits.max_cell_chars
        found = sheets.long_cells(values, limit)
        for index, length in found:
            column = sheet.headers[index] if index < len(sheet.headers) and sheet.headers[index] else f"столбец {index + 1}"
            cell = f"{sheets.get_column_letter(index + 1)}{line}" if sheets.is_xlsx(sheet.source) else ""
            self._error(ctx, sheet, line, column, values[index],
                        f"«{column}»: в ячейке {length} символов — больше допустимых {limit} (NASTAVNIK_IMPORT_MAX_CELL_CHARS)",
                        f"'{column}': the cell holds {length} characters, over the limit of {limit} (NASTAVNIK_IMPORT_MAX_CELL_CHARS)",
                        cell)
        return bool(found)

    def _error(self, ctx: _Context, sheet: sheets.Sheet, line: int, column: str, value: Any, ru: str, en: str, cell: str = "") -> None:
        ctx.report.errors_total += 1
        if len(ctx.report.errors) < MAX_LISTED_ERRORS:
            ctx.report.errors.append(RowError(source=sheet.source, sheet=sheet.name, line=line, column=column,
                                              cell=cell, value=sheets.text(value)[:200], reason_ru=ru, reason_en=en))

    def _school_of_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        """The row's school, checked against --school, the registry and the caller's scope."""
        school_id = sheets.text(row.get("school_id")) or ctx.options.school_id
        column = sheet.column("school_id") if "school_id" in sheet.fields else "Код школы"
        if not school_id:
            self._error(ctx, sheet, line, column, "", "Не указана школа (столбец «Код школы» или параметр --school)",
                        "No school given (column 'Код школы' or the --school option)", sheet.cell("school_id", line))
            return None
        if ctx.options.school_id and school_id != ctx.options.school_id:
            self._error(ctx, sheet, line, column, school_id,
                        f"Строка другой школы ({school_id}): импорт выполняется для школы {ctx.options.school_id}",
                        f"Row for another school ({school_id}): this import is for school {ctx.options.school_id}",
                        sheet.cell("school_id", line))
            return None
        municipality = ctx.schools.get(school_id)
        principal = ctx.options.principal
        if municipality is None or (principal is not None and not principal.sees_school(school_id, municipality)):
            self._error(ctx, sheet, line, column, school_id,
                        f"Школа {school_id} не зарегистрирована или недоступна вам",
                        f"School {school_id} is not registered or not in your scope", sheet.cell("school_id", line))
            return None
        return school_id

    # -- schools and partners (thousands: the use cases) -----------------------------------

    async def _school_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        principal = ctx.options.principal
        if principal is not None and principal.role != "region_admin":
            self._error(ctx, sheet, line, "", "", "Школы регистрирует только региональный администратор",
                        "Only the region's administrator registers schools")
            return None
        values = row.parse(self, ctx, line, {
            "school_id": sheets.text, "name": sheets.text, "municipality_id": sheets.text, "municipality_name": sheets.text,
            "low_results": sheets.boolean, "difficult_conditions": sheets.boolean,
        })
        if values is None:
            return None
        for name in ("school_id", "name", "municipality_id", "municipality_name"):
            if not values.get(name):
                self._error(ctx, sheet, line, sheet.column(name), "", f"Пустое обязательное поле «{sheet.column(name)}»",
                            f"Required field '{sheet.column(name)}' is empty", sheet.cell(name, line))
                return None
        if ctx.options.school_id and values["school_id"] != ctx.options.school_id:
            self._error(ctx, sheet, line, sheet.column("school_id"), values["school_id"],
                        f"Строка другой школы ({values['school_id']}): импорт выполняется для школы {ctx.options.school_id}",
                        f"Row for another school ({values['school_id']}): this import is for school {ctx.options.school_id}")
            return None
        key = f"school\x1f{values['school_id']}"
        if key in ctx.seen_people:
            self._error(ctx, sheet, line, sheet.column("school_id"), values["school_id"],
                        f"Код школы повторяется (см. строку {ctx.seen_people[key]})",
                        f"Duplicate school code (see line {ctx.seen_people[key]})")
            return None
        ctx.seen_people[key] = line
        session = ctx.work.session
        school = await session.get(School, values["school_id"])
        low = bool(values.get("low_results"))
        difficult = bool(values.get("difficult_conditions"))
        if school is None:
            await self.service.register_school_in(ctx.work, SchoolIn(
                school_id=values["school_id"], name=values["name"], municipality_id=values["municipality_id"],
                municipality_name=values["municipality_name"], low_results=low, difficult_conditions=difficult,
            ), ctx.options.actor)
            ctx.schools[values["school_id"]] = values["municipality_id"]
            ctx.report.events += 1
            return "created"
        municipality = await session.get(Municipality, values["municipality_id"])
        changed = False
        if municipality is None:
            municipality = Municipality(id=values["municipality_id"], name=values["municipality_name"])
            session.add(municipality)
            changed = True
        elif municipality.name != values["municipality_name"]:
            municipality.name = values["municipality_name"]
            session.add(municipality)
            changed = True
        if "low_results" not in sheet.fields:
            low = school.low_results
        if "difficult_conditions" not in sheet.fields:
            difficult = school.difficult_conditions
        for name, value in (("name", values["name"]), ("municipality_id", municipality.id), ("low_results", low),
                            ("difficult_conditions", difficult)):
            if getattr(school, name) != value:
                setattr(school, name, value)
                changed = True
        if not changed:
            return "unchanged"
        school.updated_at = utcnow()
        session.add(school)
        ctx.schools[school.id] = municipality.id
        ctx.work.emit(school_event(SchoolUpdated, school, municipality, self.settings.region_id))
        ctx.report.events += 1
        return "updated"

    async def _partner_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        principal = ctx.options.principal
        if principal is not None and principal.role not in ("region_admin", "municipal_coordinator"):
            self._error(ctx, sheet, line, "", "", "Партнёров регистрирует регион или муниципалитет",
                        "Partners are registered by the region or a municipality")
            return None
        values = row.parse(self, ctx, line, {"partner_id": sheets.text, "name": sheets.text, "kind": sheets.partner_kind,
                                            "municipality_id": sheets.text})
        if values is None:
            return None
        for name in ("partner_id", "name", "kind"):
            if not values.get(name):
                self._error(ctx, sheet, line, sheet.column(name), "", f"Пустое обязательное поле «{sheet.column(name)}»",
                            f"Required field '{sheet.column(name)}' is empty", sheet.cell(name, line))
                return None
        session = ctx.work.session
        municipality_id = values.get("municipality_id") or None
        if municipality_id and await session.get(Municipality, municipality_id) is None:
            self._error(ctx, sheet, line, sheet.column("municipality_id"), municipality_id,
                        f"Муниципалитет {municipality_id} не найден", f"Municipality {municipality_id} not found")
            return None
        if principal is not None and principal.scope != "region" and not (municipality_id and principal.sees_municipality(municipality_id)):
            self._error(ctx, sheet, line, sheet.column("municipality_id"), municipality_id or "",
                        "Партнёр вне вашего муниципалитета", "The partner is outside your municipality")
            return None
        partner = await session.get(Partner, values["partner_id"])
        fields = {"partner_id": values["partner_id"], "name": values["name"], "kind": values["kind"],
                  "region_id": self.settings.region_id, "municipality_id": municipality_id}
        if partner is None:
            session.add(Partner(id=values["partner_id"], name=values["name"], kind=values["kind"], municipality_id=municipality_id))
            ctx.partners.add(values["partner_id"])
            ctx.work.emit(PartnerRegistered(**fields))
            ctx.report.events += 1
            return "created"
        if (partner.name, partner.kind, partner.municipality_id) == (values["name"], values["kind"], municipality_id):
            return "unchanged"
        partner.name, partner.kind, partner.municipality_id = values["name"], values["kind"], municipality_id
        session.add(partner)
        ctx.work.emit(PartnerUpdated(**fields))
        ctx.report.events += 1
        return "updated"

    # -- people: the bulk path -------------------------------------------------------------

    async def _people(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport) -> None:
        await ctx.work.session.flush()
        async for batch in self._batches(ctx, sheet, ctx.options.chunk_size):
            # Validating is pure Python: a worker thread, so that the event loop keeps serving.
            chunk = await asyncio.to_thread(self._people_records, ctx, sheet, sheet_report, batch)
            if chunk:
                await self._apply_people(ctx, sheet, sheet_report, chunk)
            self._progress(ctx, len(batch))
            await self._checkpoint(ctx)

    def _people_records(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport,
                        batch: list[tuple[int, list[Any]]]) -> list[dict[str, Any]]:
        records = []
        for line, values in batch:
            sheet_report.rows += 1
            record = None if self._long_cells(ctx, sheet, line, values) else self._person(ctx, sheet, line, _Row(sheet, values))
            if record is None:
                sheet_report.rejected += 1
            else:
                records.append(record)
        return records

    def _person(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> dict[str, Any] | None:
        before = ctx.report.errors_total
        school_id = self._school_of_row(ctx, sheet, line, row)
        external_id = sheets.text(row.get("external_id"))
        if not external_id:
            self._error(ctx, sheet, line, sheet.column("external_id"), "", "Не указан внешний id участника",
                        "The person's external id is empty", sheet.cell("external_id", line))
        elif school_id:
            key = f"{school_id}\x1f{external_id}"
            first = ctx.seen_people.get(key)
            if first is not None:
                self._error(ctx, sheet, line, sheet.column("external_id"), external_id,
                            f"Внешний id {external_id} повторяется в этой школе (см. строку {first})",
                            f"External id {external_id} is repeated for this school (see line {first})",
                            sheet.cell("external_id", line))
            else:
                ctx.seen_people[key] = line
        parsers: dict[str, Callable[[Any], Any]] = {
            "category": sheets.category, "subjects": sheets.listing, "position": _optional_text,
            "experience_years": lambda v: sheets.integer(v, 0, 70), "birth_year": lambda v: sheets.integer(v, 1930, 2030),
            "birth_date": sheets.a_date, "age_band": sheets.age_band, "qualification": _optional_text,
            "newly_arrived": sheets.boolean, "grade": sheets.grade, "partner_id": _optional_text,
            "self_determination": sheets.self_determination, "class_direction": _optional_text, "consent": sheets.consent_state, "consent_by": sheets.consent_by, "representative": _optional_text,
            "consent_document": _optional_text, "consent_date": sheets.a_date, "status": sheets.status,
            "full_name": sheets.text, "last_name": sheets.text, "first_name": sheets.text, "middle_name": sheets.text,
        }
        values = row.parse(self, ctx, line, parsers, keep_going=True)
        category = values.get("category") or sheet.category
        if not category and "category" not in values.get("_bad", ()):
            self._error(ctx, sheet, line, sheet.column("category"), row.get("category"), "Не указана категория участника",
                        "The person's category is empty", sheet.cell("category", line))
        full_name = values.get("full_name") or " ".join(
            part for part in (values.get("last_name"), values.get("first_name"), values.get("middle_name")) if part
        )
        if not full_name:
            column = "full_name" if "full_name" in sheet.fields else "last_name"
            self._error(ctx, sheet, line, sheet.column(column), "", "Не указаны фамилия, имя, отчество",
                        "The person's name is empty", sheet.cell(column, line))
        fields: dict[str, Any] = {"category": category, "full_name": full_name}
        for name in ("subjects", "position", "experience_years", "age_band", "qualification", "newly_arrived", "grade", "partner_id",
                     "self_determination", "class_direction"):
            if name in sheet.fields:
                fields[name] = values.get(name)
        if "subjects" in fields and fields["subjects"] is None:
            fields["subjects"] = []
        if "newly_arrived" in fields:
            fields["newly_arrived"] = bool(fields["newly_arrived"])
        if "birth_year" in sheet.fields:
            fields["birth_year"] = values.get("birth_year")
        elif "birth_date" in sheet.fields:
            fields["birth_year"] = values["birth_date"].year if values.get("birth_date") else None
        if category:
            grade = fields.get("grade")
            if category == "pupil" and "grade" not in sheet.fields:
                self._error(ctx, sheet, line, "Класс", "", "Для обучающегося укажите класс (нет столбца «Класс»)",
                            "A pupil needs a grade (no column 'Класс')")
            elif category == "pupil" and grade is None and "grade" not in values.get("_bad", ()):
                self._error(ctx, sheet, line, sheet.column("grade"), "", "Для обучающегося укажите класс",
                            "A pupil needs a grade", sheet.cell("grade", line))
            elif category != "pupil" and grade is not None:
                self._error(ctx, sheet, line, sheet.column("grade"), grade, "Класс указывается только для обучающегося",
                            "Only pupils have a grade", sheet.cell("grade", line))
            if fields.get("self_determination") and category != "pupil":
                self._error(ctx, sheet, line, sheet.column("self_determination"), row.get("self_determination"),
                            "Профессиональное самоопределение указывается только для обучающегося",
                            "Only pupils have a professional self-determination", sheet.cell("self_determination", line))
            if fields.get("class_direction") and category != "pupil":
                self._error(ctx, sheet, line, sheet.column("class_direction"), row.get("class_direction"),
                            "Направление класса указывается только для обучающегося",
                            "Only pupils have a class direction", sheet.cell("class_direction", line))
            partner_id = fields.get("partner_id")
            if partner_id and category not in ("student", "employer"):
                self._error(ctx, sheet, line, sheet.column("partner_id"), partner_id,
                            "Организация-партнёр указывается только для студента или работодателя",
                            "Only students and employer representatives have a partner organisation", sheet.cell("partner_id", line))
            elif partner_id and partner_id not in ctx.partners:
                self._error(ctx, sheet, line, sheet.column("partner_id"), partner_id,
                            f"Организация-партнёр {partner_id} не зарегистрирована", f"Partner {partner_id} is not registered",
                            sheet.cell("partner_id", line))
        state = values.get("consent")
        consent = None
        if state == "yes":
            given_by = values.get("consent_by") or ("legal_representative" if category == "pupil" else "self")
            problem = domain.consent_problem(category or "", given_by, values.get("representative"))
            if problem:
                column = "consent_by" if "consent_by" in sheet.fields else "consent"
                self._error(ctx, sheet, line, sheet.column(column), row.get(column),
                            problem[1] + " (для обучающегося — «законный представитель»)",
                            "A pupil's consent is given by the legal representative", sheet.cell(column, line))
            consent = {"consent_by": given_by, "consent_representative": values.get("representative"),
                       "consent_document": values.get("consent_document"), "consent_date": values.get("consent_date")}
        withdraw = None
        if state == "withdrawn":
            withdraw = "consent_withdrawn"
        elif values.get("status") == "left":
            withdraw = "left_school"
        if ctx.report.errors_total > before:
            return None
        return {"line": line, "school_id": school_id, "external_id": external_id, "fields": fields,
                "consent": consent, "withdraw": withdraw}

    async def _apply_people(self, ctx: _Context, sheet: sheets.Sheet, sheet_report: SheetReport, chunk: list[dict[str, Any]]) -> None:
        conn = await ctx.work.session.connection()
        keys = [(r["school_id"], r["external_id"]) for r in chunk]
        existing = {(row["school_id"], row["external_id"]): row for row in await _existing(conn, keys)}
        tombstones: dict[str, Any] = {}
        if ctx.any_tombstones:
            hashes = {domain.external_id_hash(self.settings.jwt_secret, s, e): (s, e) for s, e in keys if (s, e) not in existing}
            if hashes:
                if conn.dialect.name == "postgresql":  # one array parameter, the index on the hash
                    matches = PARTICIPANT.c.external_id_hash == any_(bindparam("hashes", list(hashes), type_=ARRAY(String)))
                else:
                    matches = PARTICIPANT.c.external_id_hash.in_(list(hashes))
                result = await conn.execute(select(PARTICIPANT.c.external_id_hash, PARTICIPANT.c.withdrawn_at).where(matches))
                for hashed, withdrawn_at in result:
                    key = hashes[hashed]
                    if key not in tombstones or withdrawn_at > tombstones[key]:
                        tombstones[key] = withdrawn_at
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        withdrawals: list[tuple[str, str]] = []
        now = utcnow()
        today = now.date()
        correlation_id = ctx.work.correlation_id
        for record in chunk:
            key = (record["school_id"], record["external_id"])
            current = existing.get(key)
            fields = record["fields"]
            consent = record["consent"]
            if current is None:
                if record["withdraw"]:
                    sheet_report.unchanged += 1  # not in the registry: nothing to withdraw
                    continue
                if key in tombstones:
                    consent_day = consent["consent_date"] if consent else None
                    problem = domain.reappearance_problem(_as_date(tombstones[key]), consent_day)
                    if problem:
                        column = "consent_date" if "consent_date" in sheet.fields else "external_id"
                        self._error(ctx, sheet, record["line"], sheet.column(column), record["external_id"], problem,
                                    "The person withdrew consent or left; they may come back only with a newer consent",
                                    sheet.cell(column, record["line"]))
                        sheet_report.rejected += 1
                        continue
                row = _new_participant(record["school_id"], record["external_id"], fields, now)
                row["young_specialist"] = domain.is_young_specialist(
                    row["category"], row["birth_year"], row["experience_years"], today, row["age_band"])
                if consent:
                    row.update(consent)
                    row["consent_date"] = consent["consent_date"] or today
                    row["announced"] = True
                    events.append(self._event_row(ctx, ParticipantRegistered(**_snapshot_of(row)), correlation_id))
                inserts.append(row)
                sheet_report.created += 1
                continue
            if record["withdraw"]:
                withdrawals.append((current["id"], record["withdraw"]))
                continue
            after = dict(current)
            for name, value in fields.items():
                after[name] = value
            after["young_specialist"] = domain.is_young_specialist(
                after["category"], after["birth_year"], after["experience_years"], today, after["age_band"])
            newly_consented = False
            if consent:
                if current["consent_date"] is None:
                    after.update(consent)
                    after["consent_date"] = consent["consent_date"] or today
                    newly_consented = True
                else:
                    for name in ("consent_by", "consent_representative", "consent_document", "consent_date"):
                        if consent.get(name) is not None:
                            after[name] = consent[name]
            changed_columns = [name for name in (*PERSON_FIELDS, "category", "young_specialist", "consent_by",
                                                 "consent_representative", "consent_document", "consent_date")
                               if after.get(name) != current.get(name)]
            if not changed_columns:
                sheet_report.unchanged += 1
                continue
            before_view = _snapshot_of(current)
            after_view = _snapshot_of(after)
            changed = [name for name in after_view if after_view[name] != before_view[name]]
            if newly_consented:
                after["announced"] = True
                events.append(self._event_row(ctx, ParticipantRegistered(**after_view), correlation_id))
            elif current["announced"] and changed:
                events.append(self._event_row(ctx, ParticipantUpdated(**after_view, changed=changed), correlation_id))
            after["updated_at"] = now
            updates.append({f"b_{name}": after[name] for name in _UPDATED_COLUMNS} | {"b_id": current["id"]})
            sheet_report.updated += 1
        if inserts:
            await _insert_many(conn, PARTICIPANT, inserts)
        if updates:
            await conn.execute(_UPDATE_PARTICIPANT, updates)
        if events:
            await _insert_many(conn, OUTBOX, events)
            ctx.work.emitted.append(events[-1]["id"])  # the relay is woken after the commit
            ctx.report.events += len(events)
        for participant_id, reason in withdrawals:
            person = await ctx.work.session.get(Participant, participant_id)
            if person is not None:
                emitted = len(ctx.work.emitted)
                await self.service.withdraw_in(ctx.work, person, reason, ctx.options.actor)
                ctx.report.events += len(ctx.work.emitted) - emitted
                sheet_report.withdrawn += 1
        if withdrawals:
            await ctx.work.session.flush()

    def _event_row(self, ctx: _Context, event: Any, correlation_id: str | None) -> dict[str, Any]:
        envelope = new_envelope(SERVICE, event, correlation_id)
        return {"id": envelope.id, "event_type": envelope.type, "body": envelope.model_dump_json(),
                "correlation_id": correlation_id, "created_at": ctx.next_time(), "sent_at": None}

    # -- programmes and enrolments (the use cases) -----------------------------------------

    async def _person_by_external_id(self, ctx: _Context, school_id: str, external_id: str) -> Participant | None:
        result = await ctx.work.session.exec(
            select(Participant).where(col(Participant.school_id) == school_id, col(Participant.external_id) == external_id)
        )
        return result.scalars().first()

    async def _programme_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        school_id = self._school_of_row(ctx, sheet, line, row)
        values = row.parse(self, ctx, line, {
            "code": sheets.text, "title": sheets.text, "academic_year": sheets.academic_year,
            "forms": lambda v: sheets.forms(v, domain.FORMS), "curator": sheets.text,
            "stage": lambda v: sheets.stage(v, domain.STAGES),
        })
        if values is None or school_id is None:
            return None
        for name in ("code", "title"):
            if not values.get(name):
                self._error(ctx, sheet, line, sheet.column(name), "", f"Пустое обязательное поле «{sheet.column(name)}»",
                            f"Required field '{sheet.column(name)}' is empty", sheet.cell(name, line))
                return None
        key = f"programme\x1f{school_id}\x1f{values['code']}"
        if key in ctx.seen_people:
            self._error(ctx, sheet, line, sheet.column("code"), values["code"],
                        f"Код программы повторяется (см. строку {ctx.seen_people[key]})",
                        f"Duplicate programme code (see line {ctx.seen_people[key]})")
            return None
        ctx.seen_people[key] = line
        curator = None
        if values.get("curator"):
            curator = await self._person_by_external_id(ctx, school_id, values["curator"])
            problem = None
            if curator is None:
                problem = (f"Куратор с внешним id {values['curator']} не найден в школе", f"Curator {values['curator']} not found in the school")
            elif curator.category != "teacher":
                problem = ("Куратором может быть только педагог", "Only a teacher can be a curator")
            elif curator.consent_date is None:
                problem = (domain.no_consent_message("teacher"), "No consent to personal-data processing is recorded for the curator")
            if problem:
                self._error(ctx, sheet, line, sheet.column("curator"), values["curator"], *problem, sheet.cell("curator", line))
                return None
        session = ctx.work.session
        result = await session.exec(select(Programme).where(col(Programme.school_id) == school_id, col(Programme.code) == values["code"]))
        programme = result.scalars().first()
        emitted = len(ctx.work.emitted)
        if programme is None:
            await self.service.create_programme_in(ctx.work, school_id, ProgrammeIn(
                title=values["title"], academic_year=values["academic_year"], forms=values.get("forms") or ["teacher_teacher"],
                code=values["code"], curator_id=curator.id if curator else None, stage=values.get("stage") or "preparing",
            ), ctx.options.actor)
            ctx.report.events += len(ctx.work.emitted) - emitted
            return "created"
        if programme.academic_year != values["academic_year"]:
            self._error(ctx, sheet, line, sheet.column("academic_year"), values["academic_year"],
                        f"Программа {values['code']} относится к {programme.academic_year} учебному году; для нового года заведите новую программу",
                        f"Programme {values['code']} belongs to {programme.academic_year}; create a new programme for a new year")
            return None
        if programme.stage == "closed":
            return "unchanged"
        changes: dict[str, Any] = {"title": values["title"]}
        if "forms" in sheet.fields and values.get("forms"):
            changes["forms"] = values["forms"]
        if "curator" in sheet.fields:
            changes["curator_id"] = curator.id if curator else None
        if "stage" in sheet.fields and values.get("stage"):
            changes["stage"] = values["stage"]
        changed = await self.service.update_programme_in(ctx.work, programme, changes, ctx.options.actor)
        ctx.report.events += len(ctx.work.emitted) - emitted
        return "updated" if changed else "unchanged"

    async def _enrolment_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        school_id = self._school_of_row(ctx, sheet, line, row)
        values = row.parse(self, ctx, line, {"programme": sheets.text, "external_id": sheets.text, "role": sheets.role,
                                            "capacity": lambda v: sheets.integer(v, 1, 30)})
        if values is None or school_id is None:
            return None
        session = ctx.work.session
        result = await session.exec(select(Programme).where(col(Programme.school_id) == school_id, col(Programme.code) == values.get("programme")))
        programme = result.scalars().first()
        if programme is None:
            self._error(ctx, sheet, line, sheet.column("programme"), values.get("programme"),
                        f"Программа с кодом {values.get('programme')} не найдена в школе {school_id}",
                        f"No programme with code {values.get('programme')} in school {school_id}", sheet.cell("programme", line))
            return None
        person = await self._person_by_external_id(ctx, school_id, values.get("external_id") or "")
        if person is None:
            self._error(ctx, sheet, line, sheet.column("external_id"), values.get("external_id"),
                        f"Участник с внешним id {values.get('external_id')} не найден в школе {school_id}",
                        f"No person with external id {values.get('external_id')} in school {school_id}", sheet.cell("external_id", line))
            return None
        if not values.get("role"):
            self._error(ctx, sheet, line, sheet.column("role"), "", "Не указана роль", "The role is empty", sheet.cell("role", line))
            return None
        problem = None
        if programme.stage == "closed":
            problem = ("Программа завершена: зачислить нельзя", "The programme is closed")
        elif person.consent_date is None:
            problem = (domain.no_consent_message(person.category),
                       "No consent to personal-data processing is recorded" + (" by the pupil's legal representative" if person.category == "pupil" else ""))
        elif message := domain.enrolment_problem(values["role"], person.category, values.get("capacity")):
            problem = (message, _ENGLISH.get(message, "The enrolment breaks the registry's rules"))
        if problem:
            column = "capacity" if problem[0].startswith(("Для наставника", "Вместимость")) else "external_id"
            self._error(ctx, sheet, line, sheet.column(column), row.get(column), *problem, sheet.cell(column, line))
            return None
        result = await session.exec(select(Enrolment).where(
            col(Enrolment.participant_id) == person.id, col(Enrolment.programme_id) == programme.id, col(Enrolment.role) == values["role"]))
        enrolment = result.scalars().first()
        emitted = len(ctx.work.emitted)
        if enrolment is None:
            await self.service.enrol_in(ctx.work, programme, person, EnrolmentIn(
                participant_id=person.id, role=values["role"], capacity=values.get("capacity")))
            ctx.report.events += len(ctx.work.emitted) - emitted
            return "created"
        if enrolment.active and enrolment.capacity == values.get("capacity"):
            return "unchanged"
        enrolment.capacity = values.get("capacity")
        enrolment.active = True
        enrolment.ended_at = None
        session.add(enrolment)
        from shared.contracts.registry import ParticipantEnrolled

        ctx.work.emit(ParticipantEnrolled(participant_id=person.id, programme_id=programme.id, school_id=school_id,
                                          role=enrolment.role, academic_year=programme.academic_year, capacity=enrolment.capacity))
        ctx.report.events += 1
        return "updated"


_ENGLISH = {
    "Для наставника укажите вместимость (capacity): сколько наставляемых одновременно": "A mentor needs a capacity: how many mentees at once",
    "Вместимость (capacity) указывается только для наставника": "Only a mentor has a capacity",
    "Куратором может быть только педагог": "Only a teacher can be a curator",
}

_UPDATED_COLUMNS = (*PERSON_FIELDS, "category", "young_specialist", "consent_by", "consent_representative",
                    "consent_document", "consent_date", "announced", "updated_at")
_UPDATE_PARTICIPANT = (
    update(PARTICIPANT)
    .where(PARTICIPANT.c.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in _UPDATED_COLUMNS})
)


async def _insert_many(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row insert in the import's transaction: PostgreSQL's COPY (binary, through asyncpg)
    where available — several times faster than INSERT for 300,000 rows — else executemany."""
    if conn.dialect.name == "postgresql":
        driver = (await conn.get_raw_connection()).driver_connection
        if hasattr(driver, "copy_records_to_table"):
            columns = [column.name for column in table.columns]
            # COPY hands values to asyncpg's codecs as they are: JSON columns need their text.
            as_json = [c.name for c in table.columns if c.type.__class__.__name__ == "JSON"]
            for row in rows:
                for name in as_json:
                    row[name] = json.dumps(row[name], ensure_ascii=False)
            # A column the importer does not set (one added to the model later) gets its
            # scalar default, as INSERT would give it, rather than breaking COPY.
            defaults = {c.name: c.default.arg for c in table.columns if c.default is not None and not callable(c.default.arg)}
            records = [tuple(row[c] if c in row else defaults.get(c) for c in columns) for row in rows]
            await driver.copy_records_to_table(table.name, records=records, columns=columns)
            return
    await conn.execute(insert(table), rows)


async def _existing(conn: Any, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The participants with these (school, external id) keys: on PostgreSQL one query joining
    two arrays, elsewhere (school_id, external_id) IN (…) by the thousand."""
    found: list[dict[str, Any]] = []
    if conn.dialect.name == "postgresql":
        query = (
            select(PARTICIPANT)
            .join(_KEYS, and_(PARTICIPANT.c.school_id == _KEYS.c.s, PARTICIPANT.c.external_id == _KEYS.c.e))
        )
        result = await conn.execute(query, {"schools": [k[0] for k in keys], "externals": [k[1] for k in keys]})
        return [dict(mapping) for mapping in result.mappings()]
    for part in range(0, len(keys), 1000):
        result = await conn.execute(
            select(PARTICIPANT).where(tuple_(PARTICIPANT.c.school_id, PARTICIPANT.c.external_id).in_(keys[part:part + 1000]))
        )
        found.extend(dict(mapping) for mapping in result.mappings())
    return found


def _take(rows: Any, size: int) -> list[tuple[int, list[Any]]]:
    """The next rows of a sheet's stream (run in a worker thread); a file that breaks while
    being read is a file error, not a crash."""
    try:
        return list(islice(rows, size))
    except sheets.BadValue:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl, zipfile, XML: whatever a broken file raises
        raise sheets.BadValue(f"Файл не читается: {type(exc).__name__}", f"The file cannot be read: {exc}") from None


_KEYS = (
    func.unnest(bindparam("schools", type_=ARRAY(String)), bindparam("externals", type_=ARRAY(String)))
    .table_valued("s", "e")
    .render_derived(name="keys")
)


class _Row:
    """One row's raw values by field name."""

    __slots__ = ("sheet", "values")

    def __init__(self, sheet: sheets.Sheet, values: list[Any]) -> None:
        self.sheet = sheet
        self.values = values

    def get(self, name: str) -> Any:
        index = self.sheet.fields.get(name)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def parse(self, importer: Importer, ctx: _Context, line: int, parsers: dict[str, Callable[[Any], Any]],
              *, keep_going: bool = False) -> dict[str, Any] | None:
        """Typed values of the fields the sheet has; every bad cell is reported. None if any was bad
        (with keep_going, the good values and `_bad`: the names of the bad ones)."""
        result: dict[str, Any] = {}
        bad = []
        for name, parser in parsers.items():
            if name not in self.sheet.fields:
                continue
            raw = self.get(name)
            try:
                result[name] = parser(raw)
            except sheets.BadValue as exc:
                bad.append(name)
                column = self.sheet.column(name)
                importer._error(  # noqa: SLF001 - the importer that owns this sheet reader
                    ctx, self.sheet, line, column, raw, f"«{column}»: {exc.ru}", f"'{column}': {exc.en}",
                    self.sheet.cell(name, line))
        if bad and not keep_going:
            return None
        result["_bad"] = tuple(bad)
        return result


def _optional_text(value: Any) -> str | None:
    return sheets.text(value) or None


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


def _new_participant(school_id: str, external_id: str, fields: dict[str, Any], now: Any) -> dict[str, Any]:
    row = {
        "id": str(uuid.uuid4()), "school_id": school_id, "external_id": external_id, "category": fields["category"],
        "full_name": fields["full_name"], "subjects": fields.get("subjects") or [], "position": fields.get("position"),
        "experience_years": fields.get("experience_years"), "birth_year": fields.get("birth_year"),
        "age_band": fields.get("age_band"), "qualification": fields.get("qualification"),
        "newly_arrived": bool(fields.get("newly_arrived")), "grade": fields.get("grade"), "partner_id": fields.get("partner_id"),
        "self_determination": fields.get("self_determination"), "class_direction": fields.get("class_direction"), "young_specialist": False, "status": "active", "consent_by": None, "consent_representative": None,
        "consent_document": None, "consent_date": None, "announced": False, "withdrawn_at": None,
        "withdrawal_reason": None, "external_id_hash": None, "registered_at": now, "updated_at": None,
    }
    return row


def _snapshot_of(row: dict[str, Any]) -> dict[str, Any]:
    return snapshot(_View(row))  # type: ignore[arg-type]


class _View:
    """Attribute access over a row dict, for service.snapshot."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return self._row[name]
