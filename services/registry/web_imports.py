"""The import page: upload a CSV/XLSX file (the same formats as POST /api/v1/imports), choose
«всё или ничего» / «только верные строки» and «проверить без записи»; a progress bar while it
runs (htmx polling, or a page that refreshes itself without JavaScript); then the row-by-row
report, and after a dry run the buttons that run it for real."""

from __future__ import annotations

import io

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from shared.auth import Principal
from shared.safe_export import attachment
from shared.web import Pages, not_found

from services.registry.import_jobs import ImportJob, jobs_of
from services.registry.importer import Importer
from services.registry.templates import write_template
from services.registry.web import see_other
from services.registry.web_forms import checked, text

IMPORTERS = ("region_admin", "school_curator")
MODES = {"all_or_nothing": "всё или ничего", "valid_only": "только верные строки"}
LABELS = {"file": "Файл", "mode": "Режим", "school": "Школа по умолчанию"}
KINDS = {"schools": "школы", "partners": "партнёры", "people": "участники", "programmes": "программы",
         "enrolments": "зачисления", "unknown": "не распознано"}


def build_imports_router(importer: Importer, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    jobs = jobs_of(importer)

    def upload_page(request: Request, principal: Principal, errors: dict[str, str], typed: dict, status_code: int = 200) -> Response:
        return pages.render(request, "imports.html", principal, title="Загрузка данных", errors=errors, typed=typed,
                            modes=MODES, labels=LABELS, status_code=status_code)

    @router.get("/imports", response_class=HTMLResponse)
    async def imports(request: Request, principal: Principal = Depends(pages.viewer(*IMPORTERS))) -> Response:
        return upload_page(request, principal, {}, {"mode": "all_or_nothing", "dry_run": "1"})

    @router.get("/imports/template.xlsx")
    async def template(_principal: Principal = Depends(pages.viewer(*IMPORTERS))) -> Response:
        """The spreadsheet to fill in: one sheet per kind, the headers the importer knows, example rows."""
        buffer = io.BytesIO()
        write_template(buffer)  # type: ignore[arg-type]  # openpyxl saves to a file object as well
        return Response(buffer.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": attachment("шаблон.xlsx")})

    @router.post("/imports", response_class=HTMLResponse)
    async def upload(request: Request, principal: Principal = Depends(pages.actor(*IMPORTERS))) -> Response:
        form = await request.form()
        upload = form.get("file")
        mode = text(form, "mode") or "all_or_nothing"
        typed = {"mode": mode, "dry_run": "1" if checked(form, "dry_run") else "", "school": text(form, "school") or ""}
        errors: dict[str, str] = {}
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors["file"] = "Выберите файл CSV или XLSX"
        if mode not in MODES:
            errors["mode"] = "Выберите режим"
        if errors:
            return upload_page(request, principal, errors, typed, status_code=422)
        assert isinstance(upload, UploadFile)
        school = principal.scope_id if principal.scope == "school" else text(form, "school")
        job = await jobs.start(upload.filename or "upload", upload.file, principal, mode=mode,  # type: ignore[arg-type]
                               dry_run=checked(form, "dry_run"), school_id=school)
        return see_other(f"/registry/imports/{job.id}")

    async def job_of(job_id: str, principal: Principal) -> ImportJob:
        job = await jobs.get(job_id, principal)
        if job is None:
            raise not_found("Такой загрузки нет: она была давно или начата другим человеком.")
        return job

    @router.get("/imports/{job_id}", response_class=HTMLResponse)
    async def job_page(request: Request, job_id: str, principal: Principal = Depends(pages.viewer(*IMPORTERS))) -> Response:
        job = await job_of(job_id, principal)
        return pages.render(request, "import_job.html", principal, job=job, modes=MODES, kinds=KINDS,
                            title="Проверка файла" if job.dry_run else "Загрузка файла")

    @router.get("/imports/{job_id}/progress", response_class=HTMLResponse)
    async def progress(request: Request, job_id: str, principal: Principal = Depends(pages.viewer(*IMPORTERS))) -> Response:
        """Polled by htmx every second; when the job is over, the page reloads to show the report."""
        job = await job_of(job_id, principal)
        headers = {"HX-Refresh": "true"} if job.finished else None
        return pages.render(request, "import_progress.html", principal, job=job, headers=headers)

    @router.post("/imports/{job_id}/apply", response_class=HTMLResponse)
    async def apply(request: Request, job_id: str, principal: Principal = Depends(pages.actor(*IMPORTERS))) -> Response:
        """Run a checked file for real, in the mode chosen now."""
        form = await request.form()
        mode = text(form, "mode")
        again = await jobs.apply(job_id, principal, mode) if mode in MODES else None  # type: ignore[arg-type]
        if again is None:
            raise not_found("Этот файл уже загружен или больше не хранится: выберите его ещё раз.")
        return see_other(f"/registry/imports/{again.id}")

    @router.post("/imports/{job_id}/cancel", response_class=HTMLResponse)
    async def cancel(job_id: str, principal: Principal = Depends(pages.actor(*IMPORTERS))) -> Response:
        """Stop a running import: nothing of it is written (seen at its next batch of rows)."""
        if await jobs.cancel(job_id, principal) is None:
            raise not_found("Такой загрузки нет: она была давно или начата другим человеком.")
        return see_other(f"/registry/imports/{job_id}")

    return router
