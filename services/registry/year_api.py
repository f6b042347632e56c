"""HTTP routes of a programme's year (issue 15): a programme's activities and who came, the
training and the recognition of the school's mentors.

Who: the school's curator and the region administrator write (the region's own intensives are
recorded by the region administrator, per school); the municipal coordinator reads the schools of
the municipality; a mentor (or mentee) reads their own training and recognition."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from shared.auth import Authenticator, Principal
from shared.http import correlation_id
from shared.scopes import scope_rule

from services.registry.service import RegistryService
from services.registry.year_schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    HeldIn,
    MentorRecordOut,
    RecognitionIn,
    RecognitionOut,
    TrainingIn,
    TrainingOut,
)

WRITERS = ("region_admin", "school_curator")
READERS = ("region_admin", "municipal_coordinator", "school_curator")
YEAR = Annotated[str | None, Query(pattern=r"^\d{4}/\d{4}$", description="Only this academic year, e.g. 2026/2027")]


def build_year_router(service: RegistryService, auth: Authenticator) -> APIRouter:
    router = APIRouter()
    writer = auth.require(*WRITERS)
    reader = auth.require(*READERS)
    _activity_routes(router, service, writer, reader)
    _training_routes(router, service, auth, writer, reader)
    return router


def _activity_routes(router: APIRouter, service: RegistryService, writer, reader) -> None:  # noqa: ANN001
    @router.post("/programmes/{programme_id}/activities", status_code=status.HTTP_201_CREATED,
                 summary="Запланировать мероприятие программы (установочная встреча, обучение, открытый урок…)",
                 openapi_extra=scope_rule("school", *WRITERS))
    async def plan(programme_id: str, body: ActivityIn, request: Request, principal: Principal = Depends(writer)) -> ActivityOut:
        return ActivityOut.model_validate(await service.plan_activity(programme_id, body.command(), principal, correlation_id(request)))

    @router.get("/programmes/{programme_id}/activities", summary="Мероприятия программы: даты и посещаемость (без имён)",
                openapi_extra=scope_rule("school", *READERS))
    async def list_activities(programme_id: str, principal: Principal = Depends(reader)) -> list[ActivityOut]:
        return [ActivityOut.model_validate(a) for a in await service.activities(programme_id, principal)]

    @router.get("/activities/{activity_id}", summary="Мероприятие с участниками и отметками о присутствии",
                openapi_extra=scope_rule("school", *READERS))
    async def get_activity(activity_id: str, principal: Principal = Depends(reader)) -> ActivityOut:
        return ActivityOut.model_validate(await service.activity(activity_id, principal))

    @router.patch("/activities/{activity_id}", summary="Изменить мероприятие: вид, тему, дату, место, формат, участников",
                  openapi_extra=scope_rule("school", *WRITERS))
    async def change(activity_id: str, body: ActivityPatch, request: Request, principal: Principal = Depends(writer)) -> ActivityOut:
        return ActivityOut.model_validate(await service.change_activity(activity_id, body.changes(), principal, correlation_id(request)))

    @router.post("/activities/{activity_id}/held", summary="Отметить мероприятие проведённым: дата и кто пришёл",
                 openapi_extra=scope_rule("school", *WRITERS))
    async def held(activity_id: str, body: HeldIn, request: Request, principal: Principal = Depends(writer)) -> ActivityOut:
        return ActivityOut.model_validate(await service.mark_held(activity_id, body.command(), principal, correlation_id(request)))

    @router.post("/activities/{activity_id}/cancel", summary="Отменить мероприятие (объявляется registry.activity.cancelled.v1)",
                 openapi_extra=scope_rule("school", *WRITERS))
    async def cancel(activity_id: str, request: Request, principal: Principal = Depends(writer)) -> ActivityOut:
        return ActivityOut.model_validate(await service.cancel_activity(activity_id, principal, correlation_id(request)))


def _training_routes(router: APIRouter, service: RegistryService, auth: Authenticator, writer, reader) -> None:  # noqa: ANN001
    reader_or_self = auth.require(*READERS, "mentor", "mentee")

    @router.post("/schools/{school_id}/training", status_code=status.HTTP_201_CREATED,
                 summary="Внести обучение наставников: один курс или интенсив сразу для нескольких",
                 openapi_extra=scope_rule("school", *WRITERS))
    async def record_training(school_id: str, body: TrainingIn, request: Request,
                              principal: Principal = Depends(writer)) -> list[TrainingOut]:
        return await service.record_training(school_id, body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/schools/{school_id}/training", summary="Обучение наставников школы", openapi_extra=scope_rule("school", *READERS))
    async def list_training(school_id: str, academic_year: YEAR = None, principal: Principal = Depends(reader)) -> list[TrainingOut]:
        return await service.school_training(school_id, principal, academic_year)  # type: ignore[return-value]

    @router.delete("/training/{training_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Удалить запись об обучении",
                   openapi_extra=scope_rule("school", *WRITERS))
    async def remove_training(training_id: str, request: Request, principal: Principal = Depends(writer)) -> None:
        await service.remove_training(training_id, principal, correlation_id(request))

    @router.post("/schools/{school_id}/recognitions", status_code=status.HTTP_201_CREATED,
                 summary="Внести признание наставника: конкурс, награда, ИКУ, олимпиада",
                 openapi_extra=scope_rule("school", *WRITERS))
    async def record_recognition(school_id: str, body: RecognitionIn, request: Request,
                                 principal: Principal = Depends(writer)) -> RecognitionOut:
        return await service.record_recognition(school_id, body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/schools/{school_id}/recognitions", summary="Признание наставников школы", openapi_extra=scope_rule("school", *READERS))
    async def list_recognitions(school_id: str, academic_year: YEAR = None,
                                principal: Principal = Depends(reader)) -> list[RecognitionOut]:
        return await service.school_recognitions(school_id, principal, academic_year)  # type: ignore[return-value]

    @router.delete("/recognitions/{recognition_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Удалить запись о признании",
                   openapi_extra=scope_rule("school", *WRITERS))
    async def remove_recognition(recognition_id: str, request: Request, principal: Principal = Depends(writer)) -> None:
        await service.remove_recognition(recognition_id, principal, correlation_id(request))

    @router.get("/participants/{participant_id}/training-and-recognition",
                summary="Обучение и признание человека (наставник видит только свои)",
                openapi_extra=scope_rule("school", *READERS, "mentor", "mentee", note="a mentor or mentee: their own only"))
    async def mentor_record(participant_id: str, principal: Principal = Depends(reader_or_self)) -> MentorRecordOut:
        return MentorRecordOut.model_validate(await service.mentor_record(participant_id, principal))
