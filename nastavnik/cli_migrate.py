"""`nastavnik migrate`: each service's database to its head revision (shared.migrations), for
operators before `serve` starts a new release; and `--revision` for developers adding one."""

from __future__ import annotations

import asyncio
import importlib
from typing import Annotated

import typer
from sqlalchemy import Table

from shared.db import Database
from shared.migrations import SchemaBehind, SchemaState
from shared.settings import SERVICES, Settings


def service_tables(service: str) -> list[Table]:
    """The tables of `service`'s database, as its runtime has them (without building it)."""
    from shared.runtime import service_tables as tables_of

    models = importlib.import_module(f"services.{service}.models")
    return [model.__table__ for model in tables_of(service, models.TABLES)]  # type: ignore[attr-defined]


def service_database(service: str, url: str) -> Database:
    database = Database(url, [], service=service)
    database.tables = service_tables(service)
    return database


async def _each(services: list[str], settings: Settings, check: bool, revision: str) -> list[SchemaState]:
    states = []
    for service in services:
        database = service_database(service, settings.database_url_for(service))
        try:
            states.append(await (database.schema_state() if check else database.upgrade(revision)))
        finally:
            await database.dispose()
    return states


def migrate(
    service: Annotated[list[str] | None, typer.Option("--service", help="Only this service (repeatable); default: all")] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 when a database is behind")] = False,
    to: Annotated[str, typer.Option("--to", help="Target revision (default head)")] = "head",
    new_revision: Annotated[str | None, typer.Option("--revision", metavar="MESSAGE",
                                                     help="Developers: autogenerate the next revision of --service")] = None,
) -> None:
    """Upgrade the services' databases to the code's schema (DATABASE_URL / <SERVICE>_DATABASE_URL,
    else the SQLite files in the data folder). Run it before `serve` starts a new release."""
    services = service or list(SERVICES)
    unknown = sorted(set(services) - set(SERVICES))
    if unknown:
        raise typer.BadParameter(f"one of {', '.join(SERVICES)}", param_hint="--service")
    settings = Settings()
    urls = [settings.database_url_for(name) for name in services]
    if len(set(urls)) < len(urls):  # e.g. one DATABASE_URL for all: each service has its own database
        raise typer.BadParameter("several services would share one database: name one with --service, or set "
                                 "<SERVICE>_DATABASE_URL for each", param_hint="--service")
    if new_revision is not None:
        if len(services) != 1:
            raise typer.BadParameter("--revision needs exactly one --service", param_hint="--service")
        typer.echo(f"wrote {asyncio.run(_revision(services[0], new_revision))}")
        return
    try:
        states = asyncio.run(_each(services, settings, check, to))
    except SchemaBehind as error:
        typer.echo(f"nastavnik migrate: {error}", err=True)
        raise typer.Exit(1) from None
    behind = [state for state in states if not state.at_head]
    for state in states:
        mark = "в порядке / at head" if state.at_head else "отстаёт / behind"
        typer.echo(f"{state.describe()}: {mark}")
    if check and behind:
        typer.echo("Выполните nastavnik migrate / run nastavnik migrate", err=True)
        raise typer.Exit(1)


async def _revision(service: str, message: str) -> str:
    """Replay the revisions into a scratch SQLite database and autogenerate the models' changes."""
    import tempfile

    from shared import migrations

    with tempfile.TemporaryDirectory() as folder:
        database = service_database(service, f"sqlite:///{folder}/{service}.db")
        try:
            async with database.engine.begin() as conn:
                await conn.run_sync(migrations.upgrade, service, database.tables, "head", True)
                return await conn.run_sync(migrations.new_revision, service, database.tables, message)
        finally:
            await database.dispose()


async def schema_for_command(database: Database, settings: Settings) -> None:
    """An operator command (import, users, reports) on a configured database needs it at head, as
    `serve` does (exit 2 naming `nastavnik migrate`); the SQLite files of `run` it upgrades itself."""
    if not settings.database_configured(database.service or ""):
        await database.upgrade()
        return
    try:
        await database.require_head()
    except SchemaBehind as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def refuse_if_behind(service: str, settings: Settings) -> None:
    """`serve` starts only on a database at head: exit 2 naming `nastavnik migrate` otherwise; exit 1
    when the database cannot be read (unreachable, refused)."""
    try:
        state = asyncio.run(_each([service], settings, True, "head"))[0]
    except Exception as error:  # noqa: BLE001 - any failure to read it: the operator needs its reason, not a trace
        typer.echo(f"nastavnik serve {service}: база данных недоступна / the database cannot be read: {error!r}"[:500], err=True)
        raise typer.Exit(1) from None
    if state.at_head:
        return
    typer.echo(f"nastavnik serve {service}: не запущен / not started:", err=True)
    typer.echo(f"  - {state.behind_message()}", err=True)
    raise typer.Exit(2)


def register(cli: typer.Typer) -> None:
    cli.command("migrate")(migrate)
