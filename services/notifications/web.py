"""Pages: the mails (region administrator) and the home page's to-do fragment.

In the embedded mode (no mail server) the page is where a newcomer sees what would have been
sent, links included. With a real mail server it lists the mails without their bodies: the
links in them are personal sign-in capabilities, for their addressees only."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from shared.auth import Principal
from shared.web import Pages

from services.notifications.service import NotificationsService

PAGE_LIMIT = 200  # the newest; older ones are for the API and the retention to deal with
STATUS_NAMES = {"pending": "ждёт отправки", "sent": "отправлено", "bounced": "не доставлено"}
KIND_NAMES = {"invitation": "приглашение", "password_reset": "смена пароля", "questionnaire": "анкета", "reminder": "напоминание"}


def build_pages_router(service: NotificationsService, pages: Pages, *, folder: str | None, demo: bool = False) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/mail", response_class=HTMLResponse)
    async def mail(
        request: Request, status: Literal["pending", "sent", "bounced"] | None = None,
        principal: Principal = Depends(pages.viewer("region_admin")),
    ) -> HTMLResponse:
        found = await service.mails(principal, status, PAGE_LIMIT)
        return pages.render(
            request, "mail.html", principal, title="Письма", mails=found.mails, counts=found.counts, status=status, limit=PAGE_LIMIT,
            folder=folder, status_names=STATUS_NAMES, kind_names=KIND_NAMES,
        )

    @router.post("/mail/{mail_id}/retry")
    async def retry(mail_id: str, principal: Principal = Depends(pages.actor("region_admin"))) -> RedirectResponse:
        await service.retry(mail_id, principal)
        return RedirectResponse("/notifications/mail?status=pending", status_code=303)

    @router.get("/todo", response_class=HTMLResponse)
    async def todo(request: Request, principal: Principal = Depends(pages.viewer())) -> HTMLResponse:
        counts = await service.counts(principal)
        # the demo shows a newcomer what would have been sent (the mails are in the folder)
        written = sum(counts.values()) if demo and folder else 0
        return pages.render(request, "todo.html", principal, bounced=counts.get("bounced", 0), written=written)

    return router
