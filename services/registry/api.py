"""HTTP routes of the registry, scoped by the caller's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from shared.auth import Authenticator, Principal
from shared.http import correlation_id

from services.registry.models import Enrolment, Participant, Programme, School
from services.registry.schemas import EnrolmentIn, ParticipantIn, ProgrammeIn, SchoolIn
from services.registry.service import RegistryService

EDITORS = ("region_admin", "municipal_coordinator", "school_curator", "integration")


def build_router(service: RegistryService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["registry"])
    anyone = auth.require()
    editor = auth.require(*EDITORS)

    @router.post("/schools", status_code=status.HTTP_201_CREATED, summary="Зарегистрировать школу")
    async def register_school(
        body: SchoolIn, request: Request, _: Principal = Depends(auth.require("region_admin"))
    ) -> School:
        return await service.register_school(body, correlation_id(request))

    @router.get("/schools", summary="Школы, видимые вызывающему")
    async def list_schools(principal: Principal = Depends(anyone)) -> list[School]:
        return await service.schools(principal)

    @router.get("/schools/{school_id}", summary="Школа")
    async def get_school(school_id: str, principal: Principal = Depends(anyone)) -> School:
        return await service.school(school_id, principal)

    @router.post("/schools/{school_id}/participants", status_code=status.HTTP_201_CREATED, summary="Зарегистрировать участника")
    async def register_participant(
        school_id: str, body: ParticipantIn, request: Request, principal: Principal = Depends(editor)
    ) -> Participant:
        return await service.register_participant(school_id, body, principal, correlation_id(request))

    @router.get("/schools/{school_id}/participants", summary="Участники школы")
    async def list_participants(
        school_id: str, principal: Principal = Depends(auth.require(*EDITORS))
    ) -> list[Participant]:
        return await service.participants(school_id, principal)

    @router.post("/schools/{school_id}/programmes", status_code=status.HTTP_201_CREATED, summary="Запустить программу наставничества")
    async def create_programme(
        school_id: str, body: ProgrammeIn, request: Request, principal: Principal = Depends(editor)
    ) -> Programme:
        return await service.create_programme(school_id, body, principal, correlation_id(request))

    @router.post("/programmes/{programme_id}/enrolments", status_code=status.HTTP_201_CREATED, summary="Зачислить в программу")
    async def enrol(
        programme_id: str, body: EnrolmentIn, request: Request, principal: Principal = Depends(editor)
    ) -> Enrolment:
        return await service.enrol(programme_id, body, principal, correlation_id(request))

    return router
