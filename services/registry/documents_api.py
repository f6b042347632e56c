"""HTTP routes of a programme's documents and the curator's appointment (issue 15).

The school's curator records, changes and removes its programmes' documents and appoints the
curator; the region administrator and the municipal coordinator (of the school's municipality)
read them and download the files; mentors, mentees and school systems do not see them. A file
is only ever sent back as an attachment with the type found by its content and `nosniff`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, status

from shared.auth import Authenticator, Principal
from shared.files import MEDIA_TYPES
from shared.http import correlation_id
from shared.limits import Id
from shared.safe_export import attachment
from shared.scopes import scope_rule
from shared.vocabulary import DocumentKind

from services.registry import documents_domain as rules
from services.registry.documents_models import ProgrammeCuratorOrder, ProgrammeDocument
from services.registry.documents_schemas import (
    AppointmentIn,
    AppointmentOut,
    DocumentOut,
    DocumentPatch,
    ProgrammeDocumentsOut,
    SummaryOut,
)
from services.registry.models import Participant, Programme
from services.registry.service import RegistryService

UPLOAD_PREFIX = "/api/v1/documents"
"""The upload's path: its request body may be as large as a file (NASTAVNIK_FILE_MAX_BYTES)."""
RECORDERS = ("school_curator",)
READERS = ("school_curator", "region_admin", "municipal_coordinator")


def build_documents_router(service: RegistryService, auth: Authenticator) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["registry: documents"])
    reader = auth.require(*READERS)
    recorder = auth.require(*RECORDERS)

    @router.post("/documents", status_code=status.HTTP_201_CREATED,
                 summary="Загрузить документ программы (приказ, положение, дорожная карта…): PDF, DOCX или XLSX",
                 description="Multipart form. The file is checked by its content (PDF, DOCX, XLSX; the extension must agree), "
                 "its size (NASTAVNIK_FILE_MAX_BYTES) and its name (no folders); a refused file is a 422 naming `file` "
                 "and nothing is stored. Announced as registry.document.recorded.v1.",
                 openapi_extra=scope_rule("school", *RECORDERS))
    async def record(
        request: Request,
        programme_id: Annotated[Id, Form()],
        kind: Annotated[DocumentKind, Form()],
        issued_on: Annotated[date, Form(description="The document's date")],
        file: Annotated[UploadFile, File(description="PDF, DOCX or XLSX")],
        number: Annotated[str | None, Form(max_length=rules.NUMBER_MAX)] = None,
        title: Annotated[str | None, Form(max_length=300)] = None,
        principal: Principal = Depends(recorder),
    ) -> DocumentOut:
        content = await file.read()
        row = await service.record_document(programme_id, kind=kind, number=number, issued_on=issued_on, title=title,
                                            file_name=file.filename or "", content=content, principal=principal,
                                            correlation_id=correlation_id(request))
        return document_out(row)

    @router.get("/programmes/{programme_id}/documents",
                summary="Документы программы, назначение куратора и что из обязательного есть",
                openapi_extra=scope_rule("school", *READERS))
    async def listing(programme_id: str, principal: Principal = Depends(reader)) -> ProgrammeDocumentsOut:
        return documents_out(*await service.programme_documents(programme_id, principal))

    @router.get("/documents/{document_id}", summary="Документ программы", openapi_extra=scope_rule("school", *READERS))
    async def one(document_id: str, principal: Principal = Depends(reader)) -> DocumentOut:
        return document_out(await service.document(document_id, principal))

    @router.get("/documents/{document_id}/file", summary="Скачать файл документа (всегда вложением)",
                openapi_extra=scope_rule("school", *READERS), response_class=Response,
                responses={200: {"description": "The file", "content": {media: {} for media in MEDIA_TYPES.values()}}})
    async def download(document_id: str, principal: Principal = Depends(reader)) -> Response:
        row, content = await service.document_file(document_id, principal)
        return file_response(row, content)

    @router.patch("/documents/{document_id}", summary="Изменить вид, номер, дату или название документа",
                  openapi_extra=scope_rule("school", *RECORDERS))
    async def change(document_id: str, body: DocumentPatch, request: Request, principal: Principal = Depends(recorder)) -> DocumentOut:
        row = await service.update_document(document_id, body.model_dump(exclude_unset=True), principal, correlation_id(request))
        return document_out(row)

    @router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT,
                   summary="Удалить документ и его файл (объявляется registry.document.removed.v1)",
                   openapi_extra=scope_rule("school", *RECORDERS))
    async def remove(document_id: str, request: Request, principal: Principal = Depends(recorder)) -> Response:
        await service.remove_document(document_id, principal, correlation_id(request))
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.put("/programmes/{programme_id}/curator-appointment",
                summary="Назначить куратора программы приказом директора (объявляется registry.curator.appointed.v1)",
                description="The order must be a recorded document of kind curator_order of this programme; the person a "
                "teacher of the school with consent recorded. The person becomes the programme's curator.",
                openapi_extra=scope_rule("school", *RECORDERS))
    async def appoint(programme_id: str, body: AppointmentIn, request: Request,
                      principal: Principal = Depends(recorder)) -> ProgrammeDocumentsOut:
        await service.appoint_curator(programme_id, body.participant_id, body.order_document_id, body.appointed_on,
                                      principal, correlation_id(request))
        return documents_out(*await service.programme_documents(programme_id, principal))

    return router


def file_response(row: ProgrammeDocument, content: bytes) -> Response:
    """A document's file as a download: the type found by content, never rendered by the browser."""
    return Response(content, media_type=MEDIA_TYPES[row.file_kind], headers={
        "Content-Disposition": attachment(row.file_name), "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, no-store"})


def document_out(row: ProgrammeDocument) -> DocumentOut:
    return DocumentOut(id=row.id, programme_id=row.programme_id, school_id=row.school_id, kind=row.kind,
                       kind_name=rules.DOCUMENT_KINDS.get(row.kind, row.kind), number=row.number, issued_on=row.issued_on,
                       title=row.title, file_name=row.file_name, file_kind=row.file_kind, file_size=row.file_size,
                       uploaded_at=row.uploaded_at, updated_at=row.updated_at)


def documents_out(programme: Programme, documents: list[ProgrammeDocument],
                  appointment: tuple[ProgrammeCuratorOrder, Participant] | None) -> ProgrammeDocumentsOut:
    summary = rules.summary((d.kind for d in documents), appointment is not None)
    curator = None
    if appointment is not None:
        row, person = appointment
        order = next((d for d in documents if d.id == row.order_document_id), None)
        curator = AppointmentOut(programme_id=programme.id, participant_id=person.id, full_name=person.full_name,
                                 appointed_on=row.appointed_on, order_document_id=row.order_document_id,
                                 order_number=order.number if order else None, order_issued_on=order.issued_on if order else None)
    return ProgrammeDocumentsOut(
        programme_id=programme.id, school_id=programme.school_id, academic_year=programme.academic_year,
        documents=[document_out(d) for d in documents], curator=curator,
        summary=SummaryOut(order=summary.order, regulation=summary.regulation, roadmap=summary.roadmap,
                           curator=summary.curator, complete=summary.complete, missing=summary.missing()))
