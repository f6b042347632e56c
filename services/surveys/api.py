"""HTTP routes of surveys."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from shared.auth import Authenticator, Principal
from shared.http import correlation_id

from services.surveys.schemas import InstrumentOut, ResponseIn, ResponseOut
from services.surveys.service import InvalidAnswers, SurveysService


def build_router(service: SurveysService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["surveys"])

    @router.get("/instruments", summary="Библиотека анкет")
    async def instruments(_: Principal = Depends(auth.require())) -> list[InstrumentOut]:
        return service.instruments()

    @router.post(
        "/responses",
        status_code=status.HTTP_201_CREATED,
        summary="Отправить заполненную анкету",
        responses={200: {"description": "Повторная отправка: возвращён первый ответ"}},
    )
    async def submit(
        body: ResponseIn, request: Request, response: Response, principal: Principal = Depends(auth.require())
    ) -> ResponseOut:
        try:
            result, created = await service.submit(body, principal, correlation_id(request))
        except InvalidAnswers as exc:
            detail = [{"loc": ["body", "answers", p.item], "msg": p.message} for p in exc.problems]
            return JSONResponse({"detail": detail}, status_code=422)  # type: ignore[return-value]
        if not created:
            response.status_code = status.HTTP_200_OK
        return result

    return router
