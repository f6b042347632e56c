"""HTTP routes of a pair's meetings (журнал встреч) and the mentees' reflections."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from shared.auth import Authenticator, Principal
from shared.http import correlation_id
from shared.scopes import scope_rule

from services.pairing.meetings import LOG_KEEPERS, LOG_READERS
from services.pairing.meetings_schemas import MeetingIn, MeetingLogOut, MeetingOut, ReflectionIn, ReflectionOut
from services.pairing.service import PairingService

_NOTE = "the school's curator or the pair's own mentor; the municipality and the region see counts in reports only"


def meeting_routes(router: APIRouter, service: PairingService, auth: Authenticator) -> None:
    readers = Depends(auth.require(*LOG_READERS))
    keepers = Depends(auth.require(*LOG_KEEPERS))
    mentee = Depends(auth.require("mentee"))

    @router.get(
        "/pairs/{pair_id}/meetings", summary="Журнал встреч пары",
        openapi_extra=scope_rule("school", *LOG_READERS, note=f"{_NOTE}; a mentee of the pair (without the mentor's notes and others' reflections)"),
    )
    async def list_meetings(pair_id: str, principal: Principal = readers) -> MeetingLogOut:
        return MeetingLogOut.model_validate(await service.meeting_log(pair_id, principal))

    @router.post(
        "/pairs/{pair_id}/meetings", status_code=status.HTTP_201_CREATED, summary="Записать встречу пары",
        openapi_extra=scope_rule("school", *LOG_KEEPERS, note=_NOTE),
    )
    async def record_meeting(pair_id: str, body: MeetingIn, request: Request, principal: Principal = keepers) -> MeetingOut:
        return MeetingOut.model_validate(await service.record_meeting(pair_id, body.command(), principal, correlation_id(request)))

    @router.put(
        "/pairs/{pair_id}/meetings/{meeting_id}", summary="Изменить встречу пары",
        openapi_extra=scope_rule("school", *LOG_KEEPERS, note=_NOTE),
    )
    async def change_meeting(
        pair_id: str, meeting_id: str, body: MeetingIn, request: Request, principal: Principal = keepers
    ) -> MeetingOut:
        return MeetingOut.model_validate(await service.change_meeting(pair_id, meeting_id, body.command(), principal, correlation_id(request)))

    @router.delete(
        "/pairs/{pair_id}/meetings/{meeting_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Удалить встречу, записанную по ошибке",
        openapi_extra=scope_rule("school", *LOG_KEEPERS, note=_NOTE),
    )
    async def remove_meeting(pair_id: str, meeting_id: str, request: Request, principal: Principal = keepers) -> None:
        await service.remove_meeting(pair_id, meeting_id, principal, correlation_id(request))

    @router.put(
        "/pairs/{pair_id}/meetings/{meeting_id}/reflection", summary="Мой отзыв о встрече (наставляемый)",
        openapi_extra=scope_rule("school", "mentee", note="a mentee of the pair: their own reflection only"),
    )
    async def put_reflection(
        pair_id: str, meeting_id: str, body: ReflectionIn, request: Request,
        principal: Principal = mentee,
    ) -> ReflectionOut:
        return ReflectionOut.model_validate(await service.put_reflection(pair_id, meeting_id, body.command(), principal, correlation_id(request)))
