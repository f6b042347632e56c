"""The `nastavnik` command."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
import uvicorn

from shared.auth import DEFAULT_SCOPE_LEVEL, ROLES, issue_token
from shared.settings import SERVICES, Settings

cli = typer.Typer(help="Nastavnik: наставничество в школах региона.", no_args_is_help=True)


@cli.command()
def run(
    demo: Annotated[bool, typer.Option("--demo", help="Load a small demo region")] = False,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """All four services in one process (SQLite files in the data folder, in-memory broker)."""
    from nastavnik.app import build_all_in_one, settle_heap

    settings = Settings(demo=demo) if demo else Settings()
    typer.echo(f"Nastavnik: http://{host}:{port}/  (data in {settings.data_dir.resolve()})")
    app = build_all_in_one(settings)
    settle_heap()
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
def serve(
    service: Annotated[str, typer.Argument(help="registry | pairing | surveys | reports | notifications")],
    host: str = "0.0.0.0",
    port: int = 8000,
) -> None:
    """One service as its own process (RABBITMQ_URL and its own DATABASE_URL)."""
    if service not in SERVICES:
        raise typer.BadParameter(f"one of {', '.join(SERVICES)}", param_hint="SERVICE")
    from nastavnik.app import build_single, settle_heap

    app = build_single(service, Settings())
    settle_heap()
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
def token(
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")],
    scope_id: Annotated[str | None, typer.Option(help="Region, municipality or school id (region: from settings)")] = None,
    scope: Annotated[str | None, typer.Option(help="region | municipality | school (default by role)")] = None,
    sub: Annotated[str, typer.Option(help="Who the token is for: an operator's name or a participant id")] = "operator",
    hours: Annotated[int, typer.Option(help="Validity in hours")] = 12,
) -> None:
    """Issue a bearer token for an operator (signed with NASTAVNIK_JWT_SECRET)."""
    if role not in ROLES:
        raise typer.BadParameter(f"one of {', '.join(ROLES)}", param_hint="--role")
    settings = Settings()
    if hours > settings.token_max_lifetime_hours:
        raise typer.BadParameter(
            f"at most {settings.token_max_lifetime_hours:g} hours (NASTAVNIK_TOKEN_MAX_LIFETIME_HOURS): a longer token is refused",
            param_hint="--hours")
    level = scope or DEFAULT_SCOPE_LEVEL[role]
    if level != "region" and not scope_id:
        raise typer.BadParameter(f"a {level} token needs --scope-id", param_hint="--scope-id")
    typer.echo(
        issue_token(
            settings.jwt_secret, sub=sub, role=role, scope=level, scope_id=scope_id or settings.region_id, ttl=timedelta(hours=hours)
        )
    )


@cli.command()
def contracts(check: Annotated[bool, typer.Option("--check", help="Fail if the committed files differ")] = False) -> None:
    """Generate the events' JSON Schemas and AsyncAPI document into shared/contracts/generated."""
    from nastavnik.contracts_doc import GENERATED_DIR, generated_files, write

    if check:
        stale = [n for n, c in generated_files().items() if not (GENERATED_DIR / n).exists() or (GENERATED_DIR / n).read_text(encoding="utf-8") != c]
        if stale:
            typer.echo("Out of date: " + ", ".join(stale) + " — run `nastavnik contracts`", err=True)
            raise typer.Exit(1)
        typer.echo("Contracts are up to date.")
        return
    for path in write():
        typer.echo(f"wrote {path}")


__import__("nastavnik.cli_operators").cli_operators.register(cli)  # status, dlq, broker (issue 7)


cli.command("import")(__import__("nastavnik.cli_registry", fromlist=["import_command"]).import_command)


from nastavnik.cli_reports import reports_cli  # noqa: E402

cli.add_typer(reports_cli, name="reports")

from nastavnik.cli_users import users_cli  # noqa: E402

cli.add_typer(users_cli, name="users")


def main() -> None:
    cli()
