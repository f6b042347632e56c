"""The entry of `nastavnik run`: `/` leads to the home page of the product (/registry/: sign-in
first), and in demo mode the demo people get accounts with a known password, so that the
sign-in page offers one-click sign-in as each demo role (services/registry/web_accounts.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from sqlmodel import select

from shared.auth import Principal
from shared.settings import Settings
from shared.web.navigation import HOME

from nastavnik.scenario import SCHOOLS

DEMO_STAFF = (  # (login, full name, role, municipality)
    ("admin@demo.nastavnik", "Орлова Вера Николаевна", "region_admin", None),
    ("coordinator@demo.nastavnik", "Белов Андрей Викторович", "municipal_coordinator", SCHOOLS[0][2]),
)
DEMO_PEOPLE = (  # (login, external id in the first demo school); the curator is appointed by the admin
    ("curator@demo.nastavnik", "t-04"),
    ("mentor@demo.nastavnik", "t-01"),
    ("mentee@demo.nastavnik", "t-02"),
)


def home_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def home() -> RedirectResponse:
        return RedirectResponse(HOME, status_code=307)

    return router


async def ensure_demo_accounts(registry: Any, settings: Settings) -> None:
    """Accounts of the demo people (idempotent: a restart of the demo keeps them)."""
    from services.registry.models import Account, Participant
    from services.registry.web_accounts import DEMO_PASSWORD

    accounts = registry.accounts
    admin = Principal(sub="demo", role="region_admin", scope="region", scope_id=settings.region_id, name="demo")
    async with registry.runtime.db.sessions() as session:
        existing = set((await session.exec(select(Account.login))).all())
        school_id = SCHOOLS[0][0]
        people = {p.external_id: p.id for p in (await session.exec(
            select(Participant).where(Participant.school_id == school_id))).all()}
    for login, name, role, municipality_id in DEMO_STAFF:
        if login not in existing:
            staff = await accounts.appoint_staff(name, login, role, municipality_id, None)
            issued = await accounts.invite_staff(staff.id, None)
            await accounts.set_password(issued.account.id, DEMO_PASSWORD)
    for login, external_id in DEMO_PEOPLE:
        if login in existing or external_id not in people:
            continue
        if login.startswith("curator"):
            await accounts.appoint_curator(people[external_id], admin)
        account = await accounts.person_account(people[external_id], login, admin)
        await accounts.set_password(account.id, DEMO_PASSWORD)
