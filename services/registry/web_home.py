"""The home page of the product (`/registry/`): a greeting and "what to do now" — the registry's
own tasks and those of pairing, surveys and reports, whose `/<svc>/todo` fragments the browser
loads with htmx (a plain link without JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from shared.auth import Principal
from shared.db import Database
from shared.web import Pages

from services.registry.accounts import Accounts
from services.registry.tasks import registry_tasks

FRAGMENTS = (("pairing", "Пары и планы"), ("surveys", "Анкеты"), ("reports", "Мониторинг"), ("notifications", "Письма"),
             ("practices", "Банк практик"))
REGION_ADMIN_ONLY = {"notifications"}  # bounced mails (and the demo's mails) concern the region administrator only


def build_home_router(db: Database, accounts: Accounts, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def home(request: Request, principal: Principal = Depends(pages.viewer())) -> HTMLResponse:
        grants = await accounts.roles_of(principal) if principal.sid else []
        return pages.render(request, "accounts/home.html", principal, title="Главная", tasks=await registry_tasks(db, principal),
                            fragments=[f for f in FRAGMENTS if f[0] not in REGION_ADMIN_ONLY or principal.role == "region_admin"],
                            other_roles=[g for g in grants if g.role != principal.role])

    @router.get("/todo")
    async def todo(request: Request, principal: Principal = Depends(pages.viewer())) -> HTMLResponse:
        return pages.render(request, "accounts/todo.html", principal, tasks=await registry_tasks(db, principal))

    return router
