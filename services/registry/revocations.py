"""Revoking a person's sessions and bearer tokens (issue 13; shared/revocation.py): on withdrawal,
on a role change (an appointment as curator made or ended, an enrolment ended), when an account
is disabled, and by the region administrator. The registry stores the revocation in its own
table in the use case's transaction and announces `registry.account.sessions_revoked.v1`, which
every other service keeps in its own table and checks on each request."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from shared.auth import Authenticator, Principal
from shared.clock import utcnow
from shared.contracts.registry import SessionsRevoked
from shared.messaging.outbox import Work
from shared.revocation import revocation_table, store
from shared.scopes import scope_rule

NAME = "registry"


async def revoke(work: Work, subject_id: str, reason: str) -> None:
    """Every token of `subject_id` issued before now stops working, in every service."""
    now = utcnow()
    await store(work.session, revocation_table(NAME), subject_id, now, reason)
    work.emit(SessionsRevoked(subject_id=subject_id, revoked_before=now, reason=reason))


class RevocationIn(BaseModel):
    subject_id: str = Field(min_length=1, max_length=200, description="An account's staff or participant id, or a token's `sub`.")


def build_revocation_router(accounts, auth: Authenticator) -> APIRouter:  # noqa: ANN001 - services.registry.accounts.Accounts
    router = APIRouter(prefix="/api/v1", tags=["registry"])

    @router.post("/revocations", status_code=204, summary="Отозвать все сеансы и токены человека (администратор региона)",
                 response_class=Response, openapi_extra=scope_rule("region", "region_admin"))
    async def revoke_all(body: RevocationIn, principal: Principal = Depends(auth.require("region_admin"))) -> Response:
        await accounts.revoke_sessions(body.subject_id, principal)
        return Response(status_code=204)

    return router
