"""`nastavnik import`: load the spreadsheets schools send into the registry's own database
(from settings: REGISTRY_DATABASE_URL / DATABASE_URL, else data/registry.db), without the HTTP
server. The events go to the registry's outbox in the same transaction; the registry's relay
publishes them (at once if the registry is running, else when it starts)."""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shared import safe_export
from shared.settings import Settings

from nastavnik.cli_migrate import schema_for_command

if TYPE_CHECKING:
    from services.registry.importer import ImportReport


def import_command(
    files: Annotated[list[Path] | None, typer.Argument(help="CSV or XLSX files (one sheet per entity, or one roster)")] = None,
    school: Annotated[str | None, typer.Option("--school", help="The file is one school's: rows without a school column are its, rows of another school are rejected")] = None,
    all_or_nothing: Annotated[bool, typer.Option("--all-or-nothing", help="Write nothing if any row is rejected (default)")] = False,
    valid_only: Annotated[bool, typer.Option("--valid-only", help="Write the valid rows, list the rejected ones")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only: write nothing")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write the full report: .json, or .csv for the rejected rows")] = None,
    template: Annotated[Path | None, typer.Option("--template", help="Write an XLSX template with every sheet and example rows, and exit")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar (on a terminal)")] = True,
) -> None:
    """Импорт школ, партнёров, участников, программ и зачислений из CSV/XLSX (идемпотентно по внешнему id)."""
    if template is not None:
        from services.registry.templates import write_template

        write_template(template)
        typer.echo(f"Шаблон записан: {template}")
        return
    if not files:
        raise typer.BadParameter("укажите файл(ы) CSV или XLSX", param_hint="FILES")
    if all_or_nothing and valid_only:
        raise typer.BadParameter("выберите одно: --all-or-nothing или --valid-only")
    for path in files:
        if not path.exists():
            raise typer.BadParameter(f"нет файла {path}", param_hint="FILES")
    mode = "valid_only" if valid_only else "all_or_nothing"
    result = asyncio.run(run_import([str(p) for p in files], mode=mode, school=school, dry_run=dry_run, progress=progress))
    print_report(result)
    if report is not None:
        write_report(result, report)
        typer.echo(f"Отчёт: {report}")
    if result.errors_total and (mode == "all_or_nothing" or dry_run):
        raise typer.Exit(1)
    if result.errors_total:
        raise typer.Exit(2)


async def run_import(paths: list[str], *, mode: str, school: str | None, dry_run: bool, progress: bool,
                     settings: Settings | None = None) -> ImportReport:
    from services.registry.importer import ImportOptions
    from services.registry.main import create_service

    settings = settings or Settings()
    registry = create_service(settings)
    await schema_for_command(registry.runtime.db, settings)
    bar = None
    try:
        if progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=registry.importer.rows_hint(paths) or None, unit=" строк", desc="Импорт", file=sys.stderr)
        options = ImportOptions(mode=mode, school_id=school, dry_run=dry_run, actor="cli",  # type: ignore[arg-type]
                                progress=bar.update if bar else None)
        return await registry.importer.run_paths(paths, options)
    finally:
        if bar is not None:
            bar.close()
        await registry.runtime.db.dispose()


def print_report(result) -> None:  # noqa: ANN001
    typer.echo(result.summary_ru)
    typer.echo(result.summary_en)
    for sheet in result.sheets:
        typer.echo(f"  {Path(sheet.source).name} · {sheet.sheet} ({sheet.kind}): строк {sheet.rows}, создано {sheet.created}, "
                   f"изменено {sheet.updated}, без изменений {sheet.unchanged}, выбыло {sheet.withdrawn}, отклонено {sheet.rejected}")
        if sheet.ignored_columns:
            typer.echo(f"    пропущены неизвестные столбцы / ignored columns: {', '.join(sheet.ignored_columns)}")
    shown = result.errors[:50]
    for error in shown:
        where = f"{Path(error.source).name}" + (f" · {error.sheet}" if error.sheet else "") + f", строка {error.line}"
        if error.column:
            where += f", столбец «{error.column}»" + (f" ({error.cell})" if error.cell else "")
        typer.echo(f"  ✗ {where}: {error.reason_ru} / {error.reason_en}", err=True)
    if result.errors_total > len(shown):
        typer.echo(f"  … ещё {result.errors_total - len(shown)} (полный список: --report FILE.csv)", err=True)


def write_report(result, path: Path) -> None:  # noqa: ANN001
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["Файл", "Лист", "Строка", "Столбец", "Ячейка", "Значение", "Причина", "Reason"])
            for e in result.errors:
                writer.writerow(safe_export.row([e.source, e.sheet, e.line, e.column, e.cell, e.value, e.reason_ru, e.reason_en]))
    else:
        path.write_text(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8")
