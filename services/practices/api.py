"""HTTP API of the bank of practices and the regional roadmap (issue 15)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status

from shared.auth import ROLES, Authenticator, Principal
from shared.http import correlation_id
from shared.safe_export import attachment
from shared.scopes import scope_rule
from shared.vocabulary import Form, PracticeStatus, SchoolLevel

from services.practices.commands import Search
from services.practices.schemas import (
    FileOut,
    PracticeIn,
    PracticeOut,
    PracticePage,
    RoadmapItemIn,
    RoadmapItemOut,
    TransitionIn,
)
from services.practices.service import PracticesService

CURATOR, ADMIN = "school_curator", "region_admin"
ROADMAP_READERS = (ADMIN, "municipal_coordinator", CURATOR)
FILES_PATH = "/api/v1/practice-files"  # its own prefix: the upload limit (NASTAVNIK_MAX_UPLOAD_BYTES) applies here only
Action = Literal["submit", "take", "publish", "return", "withdraw"]
PUBLISHED_NOTE = ("a published practice is the region's, for every role; one not published is seen only by its school's "
                  "curator and (once submitted) the region administrator: 404 for anyone else")


def download(content: bytes, name: str, media_type: str) -> Response:
    """A file only ever as a download: never rendered, never sniffed into something else."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": attachment(name), "X-Content-Type-Options": "nosniff"})


def build_router(service: PracticesService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["practices"])
    everyone = Depends(auth.require(*ROLES))

    @router.get("/practices", response_model=PracticePage, summary="Поиск в банке практик",
                openapi_extra=scope_rule("region", note=PUBLISHED_NOTE))
    async def search(
        form: Form | None = None, deficit_area: str | None = None, school_level: SchoolLevel | None = None,
        municipality_id: str | None = None, q: Annotated[str | None, Query(max_length=200)] = None,
        practice_status: Annotated[PracticeStatus | None, Query(alias="status")] = None,
        page: Annotated[int, Query(ge=1, le=10000)] = 1, per_page: Annotated[int, Query(ge=1, le=100)] = 20,
        principal: Principal = everyone,
    ) -> PracticePage:
        found = await service.search(principal, Search(form, deficit_area, school_level, municipality_id, q, practice_status,
                                                       page=page, per_page=per_page))
        return PracticePage.model_validate(found)

    @router.post("/practices", response_model=PracticeOut, status_code=status.HTTP_201_CREATED,
                 summary="Новая практика школы (черновик)", openapi_extra=scope_rule("own", CURATOR))
    async def create(body: PracticeIn, request: Request, principal: Principal = Depends(auth.require(CURATOR))) -> PracticeOut:
        practice_id = await service.create(body.command(), principal, correlation_id(request))
        return PracticeOut.model_validate(await service.practice(practice_id, principal))

    @router.get("/practices/{practice_id}", response_model=PracticeOut, summary="Практика: текст, авторы, файлы, история",
                openapi_extra=scope_rule("region", note=PUBLISHED_NOTE))
    async def read(practice_id: str, principal: Principal = everyone) -> PracticeOut:
        return PracticeOut.model_validate(await service.practice(practice_id, principal))

    @router.put("/practices/{practice_id}", response_model=PracticeOut, summary="Изменить черновик или возвращённую практику",
                openapi_extra=scope_rule("school", CURATOR))
    async def update(practice_id: str, body: PracticeIn, request: Request,
                     principal: Principal = Depends(auth.require(CURATOR))) -> PracticeOut:
        await service.update(practice_id, body.command(), principal, correlation_id(request))
        return PracticeOut.model_validate(await service.practice(practice_id, principal))

    @router.post("/practices/{practice_id}/{action}", response_model=PracticeOut,
                 summary="Сменить статус: submit (школа), take, publish, return, withdraw (регион)",
                 openapi_extra=scope_rule("school", CURATOR, ADMIN))
    async def change(practice_id: str, action: Action, request: Request, body: TransitionIn | None = None,
                     principal: Principal = Depends(auth.require(CURATOR, ADMIN))) -> PracticeOut:
        await service.change_status(practice_id, action, (body or TransitionIn()).command(), principal, correlation_id(request))
        return PracticeOut.model_validate(await service.practice(practice_id, principal))

    @router.post(FILES_PATH.removeprefix("/api/v1") + "/{practice_id}", response_model=FileOut,
                 status_code=status.HTTP_201_CREATED, summary="Приложить файл (PDF, DOCX, XLSX)",
                 openapi_extra=scope_rule("school", CURATOR))
    async def upload(practice_id: str, file: Annotated[UploadFile, File(description="PDF, DOCX или XLSX")],
                     request: Request, principal: Principal = Depends(auth.require(CURATOR))) -> FileOut:
        content = await file.read(service.settings.file_max_bytes + 1)  # one byte more tells "too large"
        stored = await service.attach(practice_id, file.filename or "", content, principal, correlation_id(request))
        return FileOut.model_validate(stored)

    @router.get(FILES_PATH.removeprefix("/api/v1") + "/{practice_id}/{file_id}", summary="Скачать файл практики",
                response_class=Response, openapi_extra=scope_rule("region", note=PUBLISHED_NOTE))
    async def get_file(practice_id: str, file_id: str, principal: Principal = everyone) -> Response:
        stored, content = await service.download(practice_id, file_id, principal)
        return download(content, stored.name, stored.media_type)

    @router.delete(FILES_PATH.removeprefix("/api/v1") + "/{practice_id}/{file_id}", status_code=status.HTTP_204_NO_CONTENT,
                   summary="Удалить файл черновика", openapi_extra=scope_rule("school", CURATOR))
    async def delete_file(practice_id: str, file_id: str, principal: Principal = Depends(auth.require(CURATOR))) -> Response:
        await service.remove_file(practice_id, file_id, principal)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get("/roadmap", response_model=list[RoadmapItemOut], summary="Региональная дорожная карта",
                openapi_extra=scope_rule("region", *ROADMAP_READERS))
    async def roadmap(_principal: Principal = Depends(auth.require(*ROADMAP_READERS))) -> list[RoadmapItemOut]:
        return [RoadmapItemOut.model_validate(item) for item in await service.roadmap()]

    @router.post("/roadmap", response_model=RoadmapItemOut, status_code=status.HTTP_201_CREATED,
                 summary="Добавить пункт дорожной карты", openapi_extra=scope_rule("region", ADMIN))
    async def add_item(body: RoadmapItemIn, request: Request, principal: Principal = Depends(auth.require(ADMIN))) -> RoadmapItemOut:
        return RoadmapItemOut.model_validate(await service.save_item(body.command(), principal, None, correlation_id(request)))

    @router.put("/roadmap/{item_id}", response_model=RoadmapItemOut, summary="Изменить пункт дорожной карты (статус, срок, примечание)",
                openapi_extra=scope_rule("region", ADMIN))
    async def save_item(item_id: str, body: RoadmapItemIn, request: Request,
                        principal: Principal = Depends(auth.require(ADMIN))) -> RoadmapItemOut:
        return RoadmapItemOut.model_validate(await service.save_item(body.command(), principal, item_id, correlation_id(request)))

    return router
