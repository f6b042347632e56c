"""HTTP API for operators' scripts: the mails and their delivery state, without their bodies
(the links in them are personal capabilities)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from shared.auth import Authenticator, Principal
from shared.scopes import scope_rule

from services.notifications.service import NotificationsService


class MailOut(BaseModel):
    id: str
    kind: str
    event_type: str
    email: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class MailsOut(BaseModel):
    counts: dict[str, int]
    mails: list[MailOut]


def build_router(service: NotificationsService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["mail"])

    @router.get("/mail", response_model=MailsOut, summary="Письма: новые первыми, с состоянием доставки", openapi_extra=scope_rule("region", "region_admin"))
    async def mails(
        status: Literal["pending", "sent", "bounced"] | None = None, limit: int = 200,
        principal: Principal = Depends(auth.require("region_admin")),
    ) -> MailsOut:
        found = await service.mails(principal, status, min(max(limit, 1), 1000))
        return MailsOut(counts=found.counts, mails=[MailOut.model_validate(m, from_attributes=True) for m in found.mails])

    return router
