"""The page and API of a service's personal-data audit log (shared/audit.py), for the region's
data-protection officer only: `/<service>/audit` and `/<service>/api/v1/audit`.

One page per service, not one page in the registry that gathers the others: services never call
each other (they talk through events), each keeps its own log in its own database, and a page
read in one service is audited there. The officer's menu links the four pages."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from shared.audit import AuditLog
from shared.auth import Authenticator, Principal
from shared.scopes import scope_rule
from shared.web.pages import Pages

OFFICER = "data_protection_officer"
TITLES = {"registry": "реестр", "pairing": "пары и планы", "surveys": "анкеты и ответы", "notifications": "письма", "practices": "банк практик",
          "reports": "мониторинг"}
ACTIONS = {  # what the officer reads: every action a service records, in Russian
    "read": "чтение", "write": "изменение", "export": "выгрузка",
    "school.registered": "школа зарегистрирована", "school.updated": "школа изменена",
    "partner.registered": "партнёр зарегистрирован",
    "participant.registered": "участник зарегистрирован", "participant.updated": "данные участника изменены",
    "participant.erased": "данные участника удалены (отзыв согласия)",
    "programme.launched": "программа запущена", "programme.updated": "программа изменена",
    "enrolment.created": "зачисление", "enrolment.renewed": "зачисление возобновлено", "enrolment.ended": "зачисление завершено",
    "curator.appointed": "назначен куратор", "curator.revoked": "куратор снят", "staff.appointed": "назначен сотрудник",
    "account.invited": "приглашение", "account.letters": "письма-приглашения", "account.locked": "вход заблокирован",
    "account.password_changed": "пароль изменён", "sessions.revoked": "сеансы отозваны",
}


class AuditEntryOut(BaseModel):
    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    target: str
    detail: str
    origin: str


def audit_router(audit: AuditLog, pages: Pages, auth: Authenticator) -> APIRouter:
    router = APIRouter()
    retention = (f"{audit.retention.days} дн" if audit.retention else "бессрочно")  # the sentence ends with its own period

    @router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request, person: str = Query("", max_length=100), actor: str = Query("", max_length=100),
                   principal: Principal = Depends(pages.viewer(OFFICER))) -> HTMLResponse:
        entries = await audit.entries(person=person.strip(), actor=actor.strip())
        return pages.render(request, "audit.html", principal, title="Журнал обработки персональных данных",
                            service_title=TITLES.get(audit.service, audit.service), entries=entries, person=person, actor=actor,
                            limit=500, retention=retention, actions=ACTIONS)

    @router.get("/api/v1/audit", tags=["audit"], summary="Журнал обработки персональных данных (ответственный за обработку ПДн)",
                openapi_extra=scope_rule("region", OFFICER))
    async def api(person: str = Query("", max_length=100), actor: str = Query("", max_length=100),
                  limit: int = Query(500, ge=1, le=5000),
                  principal: Principal = Depends(auth.require(OFFICER))) -> list[AuditEntryOut]:
        return [AuditEntryOut.model_validate(e, from_attributes=True)
                for e in await audit.entries(person=person.strip(), actor=actor.strip(), limit=limit)]

    return router
