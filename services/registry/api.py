"""HTTP routes of the registry, scoped by the caller's token.

Region administrators see and change the whole region; municipal coordinators the schools of
their municipality; school curators and school systems (`integration`) their own school;
mentors and mentees only their own record."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile, status

from shared.auth import Authenticator, Principal
from shared.contracts.registry import Consent
from shared.http import correlation_id
from shared.scopes import scope_rule

from services.registry.api_imports import build_import_jobs_router
from services.registry.import_jobs import safe_name
from services.registry.importer import Importer, ImportOptions, ImportReport
from services.registry.schemas import (
    EnrolmentIn,
    EnrolmentOut,
    ParticipantIn,
    ParticipantOut,
    ParticipantPatch,
    PartnerIn,
    PartnerOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePatch,
    RegionOut,
    SchoolIn,
    SchoolOut,
    SchoolPatch,
    WithdrawalIn,
    WithdrawalOut,
)
from services.registry.service import RegistryService
from services.registry.year_api import build_year_router

EDITORS = ("region_admin", "municipal_coordinator", "school_curator", "integration")


def build_router(service: RegistryService, importer: Importer, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["registry"])
    anyone = auth.require()
    editor = auth.require(*EDITORS)
    admin = auth.require("region_admin")

    @router.get("/region", summary="Регион и его муниципалитеты (видимые вызывающему)", openapi_extra=scope_rule("listed"))
    async def region(principal: Principal = Depends(anyone)) -> RegionOut:
        return RegionOut.model_validate(await service.region(principal))

    # -- schools and partners -----------------------------------------------------------

    @router.post("/schools", status_code=status.HTTP_201_CREATED, summary="Зарегистрировать школу", openapi_extra=scope_rule("region", "region_admin"))
    async def register_school(body: SchoolIn, request: Request, principal: Principal = Depends(admin)) -> SchoolOut:
        return await service.register_school(body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/schools", summary="Школы, видимые вызывающему", openapi_extra=scope_rule("listed"))
    async def list_schools(principal: Principal = Depends(anyone)) -> list[SchoolOut]:
        return await service.schools(principal)  # type: ignore[return-value]

    @router.get("/schools/{school_id}", summary="Школа", openapi_extra=scope_rule("school"))
    async def get_school(school_id: str, principal: Principal = Depends(anyone)) -> SchoolOut:
        return await service.school(school_id, principal)  # type: ignore[return-value]

    @router.patch("/schools/{school_id}", summary="Изменить школу (название, муниципалитет, признаки ШНОР и низких результатов)", openapi_extra=scope_rule("school", "region_admin"))
    async def update_school(school_id: str, body: SchoolPatch, request: Request, principal: Principal = Depends(admin)) -> SchoolOut:
        return await service.update_school(school_id, body.changes(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.post("/partners", status_code=status.HTTP_201_CREATED, summary="Зарегистрировать сетевого партнёра (вуз, колледж, работодатель)", openapi_extra=scope_rule("school", "region_admin", "municipal_coordinator", note="the body's municipality"))
    async def register_partner(
        body: PartnerIn, request: Request, principal: Principal = Depends(auth.require("region_admin", "municipal_coordinator"))
    ) -> PartnerOut:
        return await service.register_partner(body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/partners", summary="Сетевые партнёры региона", openapi_extra=scope_rule("region", *EDITORS, note="people who register students and employers need them"))
    async def list_partners(_: Principal = Depends(editor)) -> list[PartnerOut]:
        return await service.partners()  # type: ignore[return-value]

    # -- participants -------------------------------------------------------------------

    @router.post("/schools/{school_id}/participants", status_code=status.HTTP_201_CREATED, summary="Зарегистрировать участника", openapi_extra=scope_rule("school", *EDITORS))
    async def register_participant(
        school_id: str, body: ParticipantIn, request: Request, principal: Principal = Depends(editor)
    ) -> ParticipantOut:
        return await service.register_participant(school_id, body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/schools/{school_id}/participants", summary="Участники школы", openapi_extra=scope_rule("school", *EDITORS))
    async def list_participants(
        school_id: str,
        principal: Principal = Depends(editor),
        include_withdrawn: Annotated[bool, Query(description="Also the withdrawn and those who left (data erased)")] = False,
    ) -> list[ParticipantOut]:
        return await service.participants(school_id, principal, include_withdrawn=include_withdrawn)  # type: ignore[return-value]

    @router.get("/participants/{participant_id}", summary="Участник (наставник и наставляемый видят только себя)", openapi_extra=scope_rule("school", note="a mentor or mentee: their own record only"))
    async def get_participant(participant_id: str, principal: Principal = Depends(anyone)) -> ParticipantOut:
        return await service.participant(participant_id, principal)  # type: ignore[return-value]

    @router.patch("/participants/{participant_id}", summary="Изменить данные участника (объявляется registry.participant.updated.v1)", openapi_extra=scope_rule("school", *EDITORS))
    async def update_participant(
        participant_id: str, body: ParticipantPatch, request: Request, principal: Principal = Depends(editor)
    ) -> ParticipantOut:
        return await service.update_participant(participant_id, body.changes(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.post("/participants/{participant_id}/consent", summary="Внести согласие на обработку персональных данных (152-ФЗ)", openapi_extra=scope_rule("school", *EDITORS))
    async def record_consent(
        participant_id: str, body: Consent, request: Request, principal: Principal = Depends(editor)
    ) -> ParticipantOut:
        return await service.record_consent(participant_id, body, principal, correlation_id(request))  # type: ignore[return-value]

    @router.post("/participants/{participant_id}/withdrawal",
                 summary="Отзыв согласия или выбытие из школы: зачисления завершаются, данные удаляются",
                 openapi_extra=scope_rule("school", *EDITORS),
             )
    async def withdraw(
        participant_id: str, body: WithdrawalIn, request: Request, principal: Principal = Depends(editor)
    ) -> WithdrawalOut:
        row, ended = await service.withdraw(participant_id, body.reason, principal, correlation_id(request))
        return WithdrawalOut(participant_id=row.id, status=row.status, ended_programme_ids=ended)

    # -- programmes and enrolments ------------------------------------------------------

    _programme_routes(router, service, anyone, editor)

    # -- bulk import ----------------------------------------------------------------------

    @router.post(
        "/imports",
        summary="Загрузить файл CSV или XLSX (школы, партнёры, участники, программы, зачисления)",
        description="Returns the import report: counts per sheet and every rejected row with its line, column and "
        "reason (Russian and English). `mode=all_or_nothing` (default) writes nothing if any row is rejected; "
        "`mode=valid_only` writes the valid rows. A curator's file may only hold their own school's rows. "
        "The request waits for the report: for a large file use `POST /import-jobs` (progress, cancel). Limits "
        "(413 / a file error naming the setting): NASTAVNIK_MAX_UPLOAD_BYTES, NASTAVNIK_IMPORT_MAX_ROWS, "
        "NASTAVNIK_IMPORT_MAX_UNPACKED_BYTES, NASTAVNIK_IMPORT_MAX_CELL_CHARS (docs/operators.md).",
        openapi_extra=scope_rule("school", *EDITORS, note="the schools of the file's rows"),
    )
    async def upload(
        request: Request,
        file: Annotated[UploadFile, File(description="CSV (UTF-8 or Windows-1251, `;` or `,`) or XLSX")],
        principal: Principal = Depends(editor),
        mode: Annotated[Literal["all_or_nothing", "valid_only"], Query()] = "all_or_nothing",
        school: Annotated[str | None, Query(max_length=100, description="Rows without a school column belong to this school")] = None,
        dry_run: Annotated[bool, Query(description="Check only, write nothing")] = False,
    ) -> ImportReport:
        options = ImportOptions(mode=mode, school_id=school, dry_run=dry_run, principal=principal,
                                actor=f"{principal.role}:{principal.sub}", correlation_id=correlation_id(request))
        folder = Path(tempfile.mkdtemp(prefix="nastavnik-import-"))
        try:  # the file is read from disk as a stream, never whole in memory
            path = folder / safe_name(file.filename or "upload")
            with path.open("wb") as target:
                await asyncio.to_thread(shutil.copyfileobj, file.file, target, 1024 * 1024)
            return await importer.run_file(file.filename or "upload", str(path), options)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    router.include_router(build_import_jobs_router(importer, auth))
    router.include_router(build_year_router(service, auth))  # activities, training, recognition (issue 15)
    return router


def _programme_routes(router: APIRouter, service: RegistryService, anyone: Callable[..., Any], editor: Callable[..., Any]) -> None:
    """The programmes of a school and their enrolments (build_router registers them in their place)."""

    @router.post("/schools/{school_id}/programmes", status_code=status.HTTP_201_CREATED, summary="Запустить программу наставничества", openapi_extra=scope_rule("school", *EDITORS))
    async def create_programme(
        school_id: str, body: ProgrammeIn, request: Request, principal: Principal = Depends(editor)
    ) -> ProgrammeOut:
        return await service.create_programme(school_id, body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/schools/{school_id}/programmes", summary="Программы школы", openapi_extra=scope_rule("school"))
    async def list_programmes(school_id: str, principal: Principal = Depends(anyone)) -> list[ProgrammeOut]:
        return await service.programmes(school_id, principal)  # type: ignore[return-value]

    @router.get("/programmes/{programme_id}", summary="Программа", openapi_extra=scope_rule("school"))
    async def get_programme(programme_id: str, principal: Principal = Depends(anyone)) -> ProgrammeOut:
        return await service.programme(programme_id, principal)  # type: ignore[return-value]

    @router.patch("/programmes/{programme_id}", summary="Изменить программу: формы, куратор, этап (этап closed завершает её)", openapi_extra=scope_rule("school", *EDITORS))
    async def update_programme(
        programme_id: str, body: ProgrammePatch, request: Request, principal: Principal = Depends(editor)
    ) -> ProgrammeOut:
        return await service.update_programme(programme_id, body.changes(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.post("/programmes/{programme_id}/enrolments", status_code=status.HTTP_201_CREATED, summary="Зачислить в программу", openapi_extra=scope_rule("school", *EDITORS))
    async def enrol(
        programme_id: str, body: EnrolmentIn, request: Request, principal: Principal = Depends(editor)
    ) -> EnrolmentOut:
        return await service.enrol(programme_id, body.command(), principal, correlation_id(request))  # type: ignore[return-value]

    @router.get("/programmes/{programme_id}/enrolments", summary="Зачисления программы", openapi_extra=scope_rule("school", *EDITORS))
    async def list_enrolments(programme_id: str, principal: Principal = Depends(editor)) -> list[EnrolmentOut]:
        return await service.enrolments(programme_id, principal)  # type: ignore[return-value]

    @router.post("/enrolments/{enrolment_id}/end", summary="Завершить зачисление (объявляется registry.participant.enrolment_ended.v1)", openapi_extra=scope_rule("school", *EDITORS))
    async def end_enrolment(enrolment_id: str, request: Request, principal: Principal = Depends(editor)) -> EnrolmentOut:
        return await service.end_enrolment(enrolment_id, principal, correlation_id(request))  # type: ignore[return-value]
