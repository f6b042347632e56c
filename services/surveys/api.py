"""HTTP routes of surveys: instruments, campaigns, responses, growth."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from shared.api_errors import problem
from shared.auth import ROLES, Authenticator, Principal
from shared.http import correlation_id
from shared.scopes import scope_rule
from shared.validation import INT32_MAX

from services.surveys.library import CAMPAIGN_OPENERS, INSTRUMENT_AUTHORS, InvalidAnswers, InvalidInstrument
from services.surveys.schemas import CampaignIn, CampaignOut, GrowthOut, InstrumentOut, ResponseIn, ResponseOut
from services.surveys.service import SurveysService

STAFF = ("region_admin", "municipal_coordinator", "school_curator", "integration")

# every role but the data-protection officer, who reads the audit, never answers or growth (404 for them)
OPERATIONAL = tuple(role for role in ROLES if role != "data_protection_officer")


def build_router(service: SurveysService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["surveys"])

    @router.get("/instruments", summary="Библиотека анкет (встроенные и свои)", openapi_extra=scope_rule("listed", note="built-in, the region's and the caller's schools' own"))
    async def instruments(principal: Principal = Depends(auth.require())) -> list[InstrumentOut]:
        return [InstrumentOut.model_validate(i) for i in await service.instruments(principal)]

    @router.post(
        "/instruments",
        status_code=status.HTTP_201_CREATED,
        summary="Сохранить свою анкету (новую, новую версию или правку ещё не использованной версии)",
        responses={200: {"description": "Версия ещё не использовалась и изменена"},
                   409: {"description": "Версия уже использовалась: сохраните следующую"}},
        openapi_extra=scope_rule("own", *INSTRUMENT_AUTHORS, note="saved for the caller's school (or the region)"),
    )
    async def save_instrument(
        response: Response,
        definition: dict[str, Any] = Body(...),
        principal: Principal = Depends(auth.require(*INSTRUMENT_AUTHORS)),
    ) -> InstrumentOut:
        try:
            saved, created = await service.save_instrument(definition, principal)
        except InvalidInstrument as exc:
            detail = [problem(["body", *p.loc], p.message) for p in exc.problems]
            return JSONResponse({"detail": detail}, status_code=422)  # type: ignore[return-value]
        if not created:
            response.status_code = status.HTTP_200_OK
        return InstrumentOut.model_validate(saved)

    @router.post(
        "/responses",
        status_code=status.HTTP_201_CREATED,
        summary="Отправить заполненную анкету",
        responses={200: {"description": "Повторная отправка: возвращён первый ответ"}},
        openapi_extra=scope_rule("school", *OPERATIONAL, note="a mentor or mentee: their own answers only"),
    )
    async def submit(body: ResponseIn, request: Request, principal: Principal = Depends(auth.require())) -> ResponseOut:
        try:
            result, created = await service.submit(body.command(), principal, correlation_id(request))
        except InvalidAnswers as exc:
            detail = [problem(["body", "answers", p.item], p.message) for p in exc.problems]
            return JSONResponse({"detail": detail}, status_code=422)  # type: ignore[return-value]
        # Serialized here, once: returning the model would have FastAPI validate it again.
        return Response(  # type: ignore[return-value]
            ResponseOut.model_validate(result).model_dump_json(), status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            media_type="application/json",
        )

    @router.get("/growth", summary="Рост между входной и итоговой диагностикой одного участника", openapi_extra=scope_rule("school", *OPERATIONAL, note="a mentor or mentee: their own growth only"))
    async def growth(
        respondent_id: str,
        instrument: str = Query("growth_measurement"),
        version: int = Query(1, ge=1, le=INT32_MAX),
        principal: Principal = Depends(auth.require()),
    ) -> GrowthOut:
        return GrowthOut.model_validate(await service.growth(respondent_id, instrument, version, principal))

    @router.post("/campaigns", status_code=status.HTTP_201_CREATED, summary="Открыть опрос (кампанию)", openapi_extra=scope_rule("school", *CAMPAIGN_OPENERS))
    async def open_campaign(
        body: CampaignIn, request: Request, principal: Principal = Depends(auth.require(*CAMPAIGN_OPENERS))
    ) -> CampaignOut:
        return CampaignOut.model_validate(await service.open_campaign(body.command(), principal, correlation_id(request)))

    @router.get("/campaigns", summary="Опросы, видимые вызывающему", openapi_extra=scope_rule("listed", *STAFF))
    async def campaigns(principal: Principal = Depends(auth.require(*STAFF))) -> list[CampaignOut]:
        return [CampaignOut.model_validate(c) for c in await service.campaigns(principal)]

    @router.get("/campaigns/{campaign_id}", summary="Опрос: кто ответил, доля ответивших, личные ссылки", openapi_extra=scope_rule("school", *STAFF))
    async def campaign(campaign_id: str, principal: Principal = Depends(auth.require(*STAFF))) -> CampaignOut:
        return CampaignOut.model_validate(await service.campaign(campaign_id, principal))

    @router.post("/campaigns/{campaign_id}/reminders", summary="Напомнить не ответившим (события для рассылки)", openapi_extra=scope_rule("school", *CAMPAIGN_OPENERS))
    async def remind(
        campaign_id: str, request: Request, principal: Principal = Depends(auth.require(*CAMPAIGN_OPENERS))
    ) -> dict[str, int]:
        return {"reminders": await service.remind(campaign_id, principal, correlation_id(request))}

    @router.post("/campaigns/{campaign_id}/close", summary="Закрыть опрос", openapi_extra=scope_rule("school", *CAMPAIGN_OPENERS))
    async def close(
        campaign_id: str, request: Request, principal: Principal = Depends(auth.require(*CAMPAIGN_OPENERS))
    ) -> CampaignOut:
        return CampaignOut.model_validate(await service.close_campaign(campaign_id, principal, correlation_id(request)))

    return router

