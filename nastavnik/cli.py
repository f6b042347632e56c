"""The `nastavnik` command."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
import uvicorn

from shared.auth import ROLES, SCOPE_OF_ROLE, issue_token, role_scope_problem
from shared.settings import DEV_JWT_SECRET, MIN_SECRET_LENGTH, SERVICES, Settings, serve_problems

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
    app = build_all_in_one(settings, hosts=(host,))
    settle_heap()
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
def serve(
    service: Annotated[str, typer.Argument(help="registry | pairing | surveys | reports | notifications | practices")],
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 in a container (docker-compose.yml)")] = "127.0.0.1",
    port: int = 8000,
) -> None:
    """One service as its own process: needs RABBITMQ_URL, its DATABASE_URL and NASTAVNIK_JWT_SECRET."""
    if service not in SERVICES:
        raise typer.BadParameter(f"one of {', '.join(SERVICES)}", param_hint="SERVICE")
    settings = serve_settings(service)
    from nastavnik.app import build_single, settle_heap
    from nastavnik.cli_migrate import refuse_if_behind

    refuse_if_behind(service, settings)

    database = settings.database_url_for(service)
    typer.echo(f"nastavnik serve {service}: http://{host}:{port}/ (broker {_without_password(settings.rabbitmq_url or '')}, "
               f"database {_without_password(database)})", err=True)

    app = build_single(service, settings)
    settle_heap()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def serve_settings(service: str) -> Settings:
    """The settings of `serve`, or exit 2 with every problem named (shared.settings.serve_problems)."""
    from pydantic import ValidationError

    try:
        settings = Settings()
    except ValidationError as error:
        weak_secret = (f"NASTAVNIK_JWT_SECRET слишком короткий: нужно не меньше {MIN_SECRET_LENGTH} случайных символов / "
                       f"NASTAVNIK_JWT_SECRET is too short: {MIN_SECRET_LENGTH}+ random characters (e.g. openssl rand -hex 32)")
        problems = [weak_secret if e["loc"] == ("jwt_secret",) else f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    else:
        problems = serve_problems(settings, service)
        if not problems:
            return settings
    typer.echo(f"nastavnik serve {service}: не запущен / not started:", err=True)
    for problem in problems:
        typer.echo(f"  - {problem}", err=True)
    typer.echo("Для пробы на одном компьютере: nastavnik run [--demo] / to try it on one machine: nastavnik run [--demo]", err=True)
    raise typer.Exit(2)


@cli.command()
def token(
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")],
    scope_id: Annotated[str | None, typer.Option(help="Region, municipality or school id (region: from settings)")] = None,
    scope: Annotated[str | None, typer.Option(help="region | municipality | school: the role's own level (the default)")] = None,
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
    level = scope or SCOPE_OF_ROLE[role]
    problem = role_scope_problem(role, level)
    if problem:
        raise typer.BadParameter(f"{problem} / role {role} acts at scope {SCOPE_OF_ROLE[role]} only", param_hint="--scope")
    if level != "region" and not scope_id:
        raise typer.BadParameter(f"a {level} token needs --scope-id", param_hint="--scope-id")
    if level == "region" and scope_id not in (None, settings.region_id):
        raise typer.BadParameter(f"a region token is for this region, {settings.region_id} (NASTAVNIK_REGION_ID)", param_hint="--scope-id")
    if settings.jwt_secret == DEV_JWT_SECRET:
        typer.echo("Внимание: токен подписан встроенным ключом разработки — годится только для nastavnik run / "
                   "warning: signed with the embedded development secret, good for nastavnik run only", err=True)
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


__import__("nastavnik.cli_migrate").cli_migrate.register(cli)  # migrate (issue 16)


cli.command("import")(__import__("nastavnik.cli_registry", fromlist=["import_command"]).import_command)


from nastavnik.cli_reports import reports_cli  # noqa: E402

cli.add_typer(reports_cli, name="reports")

from nastavnik.cli_users import users_cli  # noqa: E402

cli.add_typer(users_cli, name="users")


def main() -> None:
    cli()
