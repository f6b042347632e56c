"""HTTP routes of pairing."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from shared.auth import Authenticator, Principal
from shared.http import correlation_id

from services.pairing.schemas import PairIn, PairOut
from services.pairing.service import CURATORS, PairingService


def build_router(service: PairingService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["pairing"])

    @router.post(
        "/programmes/{programme_id}/pairs", status_code=status.HTTP_201_CREATED, summary="Сформировать пару вручную"
    )
    async def form_pair(
        programme_id: str, body: PairIn, request: Request, principal: Principal = Depends(auth.require(*CURATORS))
    ) -> PairOut:
        return await service.form_pair(programme_id, body, principal, correlation_id(request))

    @router.get("/programmes/{programme_id}/pairs", summary="Пары программы")
    async def list_pairs(programme_id: str, principal: Principal = Depends(auth.require(*CURATORS))) -> list[PairOut]:
        return await service.pairs(programme_id, principal)

    return router
