"""The import's report and the base of the importer: what a run is asked (ImportOptions) and
answers (ImportReport: per sheet, the rows created, updated, unchanged, withdrawn, rejected;
every rejected row with its line, column, cell and the reason in Russian and English), the
run's context, and the reading and checking of a row every kind of sheet shares."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.auth import Principal
from shared.db import Database
from shared.messaging.outbox import OutboxMessage, UnitOfWork, Work
from shared.settings import Settings

from services.registry import spreadsheet as sheets
from services.registry import spreadsheet_values as cells
from services.registry.models import Participant
from services.registry.service import RegistryService

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




class ImporterBase:
    """What every kind of sheet uses: the limits, the report's errors, the row's school."""

    def __init__(self, service: RegistryService, db: Database, uow: UnitOfWork, settings: Settings) -> None:
        self.service = service
        self.db = db
        self.uow = uow
        self.settings = settings
        self.limits = sheets.Limits.of(settings)

    @staticmethod
    def _file_error(report: ImportReport, source: str, ru: str, en: str) -> None:
        report.errors.append(RowError(source=source, sheet="", line=0, reason_ru=ru, reason_en=en))
        report.errors_total += 1

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
                                              cell=cell, value=cells.text(value)[:200], reason_ru=ru, reason_en=en))

    def _school_of_row(self, ctx: _Context, sheet: sheets.Sheet, line: int, row: _Row) -> str | None:
        """The row's school, checked against --school, the registry and the caller's scope."""
        school_id = cells.text(row.get("school_id")) or ctx.options.school_id
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


def _take(rows: Any, size: int) -> list[tuple[int, list[Any]]]:
    """The next rows of a sheet's stream (run in a worker thread); a file that breaks while
    being read is a file error, not a crash."""
    try:
        return list(islice(rows, size))
    except sheets.BadValue:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl, zipfile, XML: whatever a broken file raises
        raise sheets.BadValue(f"Файл не читается: {type(exc).__name__}", f"The file cannot be read: {exc}") from None




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

    def parse(self, importer: ImporterBase, ctx: _Context, line: int, parsers: dict[str, Callable[[Any], Any]],
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
    return cells.text(value) or None


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


