"""`nastavnik reports …`: rebuild the indicators from the consumed events, export the report."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from shared import clock

from nastavnik.cli_migrate import schema_for_command

reports_cli = typer.Typer(help="Отчёты: пересчёт показателей и выгрузка отчёта мониторинга.", no_args_is_help=True)


def _service():  # noqa: ANN202
    from shared.settings import Settings

    from services.reports.main import create_service

    return create_service(Settings())


@reports_cli.command()
def rebuild() -> None:
    """Recompute every indicator from the stored consumed events (after a formula change)."""

    async def go() -> dict:
        reports = _service()
        await schema_for_command(reports.runtime.db, reports.runtime.settings)
        try:
            return await reports.service.rebuild(reports.runtime.uow)
        finally:
            await reports.runtime.db.dispose()

    summary = asyncio.run(go())
    typer.echo(f"Пересчитано: событий {summary['events']}, уровней {summary['scopes']}, за {summary['seconds']} с")


@reports_cli.command()
def export(
    level: Annotated[str, typer.Option(help="region | municipality | school")] = "region",
    scope_id: Annotated[str | None, typer.Option(help="Municipality or school id (region: from settings)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx | pdf | csv")] = "xlsx",
    academic_year: Annotated[str | None, typer.Option(help="e.g. 2026/2027 (default: the current one)")] = None,
    table: Annotated[str, typer.Option(help="CSV only: scope | municipalities | schools | groups | swot (SWOT per programme and form)")] = "schools",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: a name in the current folder)")] = None,
) -> None:
    """Export the monitoring report of the region, a municipality or a school."""
    from shared.auth import Principal
    from shared.clock import academic_year_of

    from services.reports import exports
    from services.reports.analysis_cases import Analyses

    if level not in ("region", "municipality", "school"):
        raise typer.BadParameter("region | municipality | school", param_hint="--level")
    if fmt not in exports.FORMATS:
        raise typer.BadParameter("xlsx | pdf | csv", param_hint="--format")
    if table not in exports.TABLES:
        raise typer.BadParameter(" | ".join(exports.TABLES), param_hint="--table")

    async def go() -> tuple[bytes, str]:
        reports = _service()
        await schema_for_command(reports.runtime.db, reports.runtime.settings)
        try:
            region_id = reports.service.region_id
            centre = Principal(sub="cli", role="region_admin", scope="region", scope_id=region_id)
            report = await reports.service.report(
                level, scope_id or region_id, academic_year or academic_year_of(clock.today()), centre
            )
            written = await Analyses(reports.service).for_export(report, centre) if fmt in ("pdf", "xlsx") else None
            return exports.render(report, fmt, table, written), exports.filename(report, fmt, table if fmt == "csv" else None)
        finally:
            await reports.runtime.db.dispose()

    content, name = asyncio.run(go())
    path = output or Path(name)
    path.write_bytes(content)
    typer.echo(f"Записан {path} ({len(content)} байт)")
