"""HTTP routes of import jobs (issue 13, M5): a large file is imported in the background; the
caller follows its progress, reads its report when it ends, and may cancel it. Only the caller
who started a job sees it (others: 404)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile, status
from pydantic import BaseModel, Field

from shared.auth import Authenticator, Principal
from shared.errors import NotFound
from shared.scopes import scope_rule

from services.registry.import_jobs import ImportJob, jobs_of
from services.registry.importer import Importer, ImportReport

EDITORS = ("region_admin", "municipal_coordinator", "school_curator", "integration")


class ImportJobOut(BaseModel):
    id: str
    name: str = Field(description="The uploaded file's name")
    mode: str
    dry_run: bool
    state: Literal["queued", "running", "done", "failed", "cancelled", "interrupted"] = Field(
        description="done: the report tells what was written; cancelled, failed, interrupted: nothing was written")
    rows_total: int = Field(description="Rows expected (0 until the file is read)")
    rows_done: int
    percent: int
    cancel_requested: bool
    report: ImportReport | None = None
    failure: str | None = None


def job_out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut(id=job.id, name=job.name, mode=job.mode, dry_run=job.dry_run, state=job.state,
                        rows_total=job.total, rows_done=job.done, percent=job.percent, cancel_requested=job.cancel_requested,
                        report=job.report, failure=job.failure)


def build_import_jobs_router(importer: Importer, auth: Authenticator) -> APIRouter:
    router = APIRouter()
    editor = auth.require(*EDITORS)
    jobs = jobs_of(importer)

    async def found(job: ImportJob | None) -> ImportJobOut:
        if job is None:
            raise NotFound("Загрузка не найдена (её начал другой пользователь, или её нет)")
        return job_out(job)

    @router.post(
        "/import-jobs", status_code=status.HTTP_202_ACCEPTED,
        summary="Начать загрузку файла CSV или XLSX в фоне (большие файлы): ход, итоги и отмена — по id",
        description="The same file, modes and rules as `POST /imports`; answers at once with the job. Follow it with "
        "`GET /import-jobs/{id}` (rows done of the total, then the report), cancel it with `POST /import-jobs/{id}/cancel`.",
        openapi_extra=scope_rule("own", *EDITORS, note="a job is its starter's; the file's rows are checked against the starter's scope"),
    )
    async def start(
        file: Annotated[UploadFile, File(description="CSV (UTF-8 or Windows-1251, `;` or `,`) or XLSX")],
        principal: Principal = Depends(editor),
        mode: Annotated[Literal["all_or_nothing", "valid_only"], Query()] = "all_or_nothing",
        school: Annotated[str | None, Query(max_length=100, description="Rows without a school column belong to this school")] = None,
        dry_run: Annotated[bool, Query(description="Check only, write nothing")] = False,
    ) -> ImportJobOut:
        job = await jobs.start(file.filename or "upload", file.file, principal, mode=mode, dry_run=dry_run,
                               school_id=school)
        return job_out(job)

    @router.get("/import-jobs/{job_id}", summary="Ход и итоги загрузки", openapi_extra=scope_rule("own", *EDITORS, note="a job is its starter's; the file's rows are checked against the starter's scope"))
    async def get(job_id: str, principal: Principal = Depends(editor)) -> ImportJobOut:
        return await found(await jobs.get(job_id, principal))

    @router.post("/import-jobs/{job_id}/cancel", summary="Отменить загрузку: ничего из неё не записывается", openapi_extra=scope_rule("own", *EDITORS, note="a job is its starter's; the file's rows are checked against the starter's scope"))
    async def cancel(job_id: str, principal: Principal = Depends(editor)) -> ImportJobOut:
        return await found(await jobs.cancel(job_id, principal))

    return router
