"""`nastavnik users`: accounts from the terminal, against the registry's own database (from
settings: REGISTRY_DATABASE_URL / DATABASE_URL, else data/registry.db) — the first region
administrator above all, who then does the rest in the browser. Links are printed with
NASTAVNIK_PUBLIC_URL in front; where an address is known the notifications service also mails
them (the events wait in the registry's outbox until the registry runs)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import typer

from shared.settings import Settings

from nastavnik.cli_migrate import schema_for_command

users_cli = typer.Typer(help="Учётные записи: первый администратор региона, приглашения, разблокировка.", no_args_is_help=True)


def _run(job: Callable[[Any, Settings], Awaitable[None]]) -> None:
    async def main() -> None:
        from shared.errors import UseCaseError

        from services.registry.main import create_service

        settings = Settings()
        registry = create_service(settings)
        await schema_for_command(registry.runtime.db, settings)
        try:
            await job(registry, settings)
        except UseCaseError as exc:
            typer.echo(f"Ошибка: {exc.message}", err=True)
            raise typer.Exit(1) from None
        finally:
            await registry.runtime.db.dispose()

    asyncio.run(main())


def _operator(settings: Settings):  # noqa: ANN202
    from shared.auth import Principal

    return Principal(sub="cli", role="region_admin", scope="region", scope_id=settings.region_id, name="nastavnik users")


def _print_link(settings: Settings, issued) -> None:  # noqa: ANN001
    from shared.formatting import day

    typer.echo(f"{issued.account.display_name} · логин {issued.account.login}")
    typer.echo(f"Ссылка (одноразовая, до {day(issued.expires_at)}): {settings.public_url.rstrip('/')}{issued.path}")
    if issued.emailed:
        typer.echo("Письмо с этой ссылкой отправит служба уведомлений.")


@users_cli.command("create-admin")
def create_admin(
    name: Annotated[str, typer.Option("--name", help="ФИО администратора")],
    email: Annotated[str, typer.Option("--email", help="Адрес электронной почты: он же логин")],
) -> None:
    """Create a region administrator and print their one-time invitation link."""

    async def job(registry, settings: Settings) -> None:  # noqa: ANN001
        _print_link(settings, await registry.accounts.create_admin(name, email))

    _run(job)


@users_cli.command()
def invite(login: Annotated[str, typer.Argument(help="Логин или адрес сотрудника, либо id участника")]) -> None:
    """A fresh invitation link for a person (earlier unused links stop working)."""

    async def job(registry, settings: Settings) -> None:  # noqa: ANN001
        from sqlalchemy import func, or_
        from sqlmodel import col, select

        from services.registry.models import Account, Participant, StaffAppointment

        wanted = login.strip().lower()
        async with registry.runtime.db.sessions() as session:
            account = (await session.exec(select(Account).where(or_(col(Account.login) == wanted, col(Account.participant_id) == login)))).first()
            staff = (await session.exec(select(StaffAppointment).where(func.lower(StaffAppointment.email) == wanted,
                                                                      StaffAppointment.active == True))).first()  # noqa: E712
            person = await session.get(Participant, login)
        operator = _operator(settings)
        if account is not None:
            issued = await registry.accounts.invite_account(account.id, operator)
        elif staff is not None:
            issued = await registry.accounts.invite_staff(staff.id, operator)
        elif person is not None:
            issued = await registry.accounts.invite_person(person.id, operator)
        else:
            typer.echo(f"Нет ни учётной записи, ни назначения, ни участника «{login}»", err=True)
            raise typer.Exit(1)
        _print_link(settings, issued)

    _run(job)


@users_cli.command()
def unlock(login: Annotated[str, typer.Argument(help="Логин")]) -> None:
    """Lift the lock after failed sign-ins."""

    async def job(registry, settings: Settings) -> None:  # noqa: ANN001
        from sqlmodel import select

        from services.registry.models import Account

        async with registry.runtime.db.sessions() as session:
            account = (await session.exec(select(Account).where(Account.login == login.strip().lower()))).first()
        if account is None:
            typer.echo(f"Нет учётной записи «{login}»", err=True)
            raise typer.Exit(1)
        await registry.accounts.set_state(account.id, "unlock", _operator(settings))
        typer.echo(f"Разблокирована: {account.login}")

    _run(job)


@users_cli.command("list")
def list_accounts(
    state: Annotated[str, typer.Option(help="invited | active | locked | disabled (пусто: все)")] = "",
    search: Annotated[str, typer.Option(help="Часть ФИО или логина")] = "",
) -> None:
    """Accounts with their state (the first 200)."""

    async def job(registry, settings: Settings) -> None:  # noqa: ANN001
        from services.registry.accounts_links import account_state
        from services.registry.web_accounts import STATE_NAMES

        for account in await registry.accounts.accounts(_operator(settings), query=search, state=state):
            typer.echo(f"{account.login}\t{STATE_NAMES[account_state(account)]}\t{account.display_name}")

    _run(job)
