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
import time

from sqlalchemy import select

from shared.clock import utcnow
from shared.errors import UseCaseError
from shared.messaging.outbox import Work

from services.registry import spreadsheet as sheets
from services.registry.import_people import PeopleImport
from services.registry.import_report import (
    PARTICIPANT,
    ImportOptions,
    ImportReport,
    RowError,
    SheetReport,
    _Cancelled,
    _Context,
    _Rollback,
    _Row,
    _Stop,
)
from services.registry.import_rows import ReferenceRows
from services.registry.models import AuditRecord, Partner, School

__all__ = ["ImportOptions", "ImportReport", "Importer", "RowError", "SheetReport"]


class Importer(ReferenceRows, PeopleImport):
    """The import use case: ImporterBase's constructor (the registry service, db, unit of work, settings)."""

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

