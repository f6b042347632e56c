"""A school programme's documents and the curator's appointment (issue 15): record a document
with its file, change its details, remove it, read it and its file; appoint the programme's
curator by a recorded order. Each change and its event (DocumentRecorded, DocumentRemoved,
CuratorAppointed) in one unit of work.

The file is checked (shared.files.check_file: name, size, type by content) before anything is
kept. The database store writes it in the change's transaction; the folder store writes it just
before the commit and deletes it again if the change does not commit, so a refused or failed
change leaves neither a row nor a file. A removed document's file goes with it (the folder's
after the commit, so a failed removal keeps the file its row points at).

The appointment order must be a recorded document of kind `curator_order` of the same programme
(not a number typed beside it): what the monitoring checks is then what the school attached. The
appointment also makes the person the programme's curator (Programme.curator_id, the curator's
enrolment: programmes.update_programme_in)."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry_year import CuratorAppointed, DocumentRecorded, DocumentRemoved
from shared.errors import Conflict, NotFound, Unprocessable, UseCaseError
from shared.files import DatabaseStore, FileStore, check_file, file_store, new_key
from shared.messaging.outbox import Work

from services.registry import documents_domain as rules
from services.registry.cases import _actor, new_id
from services.registry.documents_models import ProgrammeCuratorOrder, ProgrammeDocument
from services.registry.models import Participant, Programme
from services.registry.programmes import RegistryProgrammes

SERVICE = "registry"


class RegistryDocuments(RegistryProgrammes):
    """A programme's documents and its curator's appointment (a mixin of RegistryService)."""

    _files: FileStore | None = None

    @property
    def files(self) -> FileStore:
        """The file store the settings name (NASTAVNIK_FILE_STORE; auto: the database on PostgreSQL)."""
        if self._files is None:
            self._files = file_store(self.settings, SERVICE, self.db.url)
        return self._files

    # -- reading ------------------------------------------------------------------------------

    async def programme_documents(self, programme_id: str, principal: Principal
                                  ) -> tuple[Programme, list[ProgrammeDocument], tuple[ProgrammeCuratorOrder, Participant] | None]:
        programme = await self.programme(programme_id, principal)
        async with self.db.sessions() as session:
            documents = list((await session.exec(
                select(ProgrammeDocument).where(ProgrammeDocument.programme_id == programme.id)
                .order_by(col(ProgrammeDocument.issued_on).desc(), col(ProgrammeDocument.uploaded_at)))).all())
            appointment = (await session.exec(
                select(ProgrammeCuratorOrder).where(ProgrammeCuratorOrder.programme_id == programme.id))).first()
            person = await session.get(Participant, appointment.participant_id) if appointment else None
        return programme, documents, (appointment, person) if appointment and person else None

    async def document(self, document_id: str, principal: Principal) -> ProgrammeDocument:
        async with self.db.sessions() as session:
            row = await session.get(ProgrammeDocument, document_id)
        if row is None:
            raise NotFound(f"Документ {document_id} не найден")
        await self.school(row.school_id, principal)  # another school's: the same 404
        return row

    async def document_file(self, document_id: str, principal: Principal) -> tuple[ProgrammeDocument, bytes]:
        row = await self.document(document_id, principal)
        async with self.db.sessions() as session:
            content = await self.files.get(session, row.file_key)
        if content is None:
            raise NotFound(f"Файл документа {document_id} не найден в хранилище")
        return row, content

    # -- changing -----------------------------------------------------------------------------

    async def record_document(self, programme_id: str, *, kind: str, number: str | None, issued_on: date,
                              title: str | None, file_name: str, content: bytes, principal: Principal,
                              correlation_id: str | None = None) -> ProgrammeDocument:
        key = new_key()
        try:
            async with self.uow(correlation_id) as work:
                programme = await self._programme_in(work, programme_id, principal)
                number, title = _clean(number), _clean(title)
                if problem := rules.details_problem(kind, number, issued_on, clock.today()):
                    raise Unprocessable(problem[1], field=problem[0])
                checked = check_file(file_name, content, self.settings.file_max_bytes)
                row = ProgrammeDocument(
                    id=new_id(), programme_id=programme.id, school_id=programme.school_id, kind=kind, number=number,
                    issued_on=issued_on, title=title, file_name=checked.name, file_kind=checked.kind,
                    file_size=checked.size, file_key=key, uploaded_by=principal.sub, uploaded_role=principal.role,
                )
                work.session.add(row)
                await self.files.put(work.session, key, checked.content)
                work.emit(_recorded(row, programme))
                self._audit(work, _actor(principal), "document.recorded", row.id, f"{programme.id}:{kind}")
        except BaseException:
            await self._discard(key)
            raise
        return row

    async def update_document(self, document_id: str, changes: dict, principal: Principal,
                              correlation_id: str | None = None) -> ProgrammeDocument:
        async with self.uow(correlation_id) as work:
            row = await self._document_in(work, document_id, principal)
            programme = await self._programme_in(work, row.programme_id, principal)
            before = (row.kind, row.number, row.issued_on, row.title)
            kind = changes.get("kind") or row.kind
            number = _clean(changes["number"]) if "number" in changes else row.number
            issued_on = changes.get("issued_on") or row.issued_on
            title = _clean(changes["title"]) if "title" in changes else row.title
            if problem := rules.details_problem(kind, number, issued_on, clock.today()):
                raise Unprocessable(problem[1], field=problem[0])
            if kind != row.kind and await self._appointment_by(work, row.id):
                raise Conflict("Документ — приказ о назначении куратора: сначала назначьте куратора другим приказом", field="kind")
            if (kind, number, issued_on, title) == before:
                return row
            row.kind, row.number, row.issued_on, row.title = kind, number, issued_on, title
            row.updated_at = utcnow()
            work.session.add(row)
            work.emit(_recorded(row, programme))
            self._audit(work, _actor(principal), "document.updated", row.id, ",".join(sorted(changes)))
            return row

    async def remove_document(self, document_id: str, principal: Principal, correlation_id: str | None = None) -> None:
        async with self.uow(correlation_id) as work:
            row = await self._document_in(work, document_id, principal)
            programme = await self._programme_in(work, row.programme_id, principal)
            if await self._appointment_by(work, row.id):
                raise Conflict("Документ — приказ о назначении куратора: сначала назначьте куратора другим приказом",
                               field="document_id")
            key = row.file_key
            await work.session.delete(row)
            if isinstance(self.files, DatabaseStore):
                await self.files.delete(work.session, key)
            work.emit(DocumentRemoved(document_id=row.id, programme_id=programme.id, school_id=programme.school_id,
                                      academic_year=programme.academic_year, kind=row.kind))
            self._audit(work, _actor(principal), "document.removed", row.id, f"{programme.id}:{row.kind}")
        if not isinstance(self.files, DatabaseStore):
            await self._discard(key)

    async def appoint_curator(self, programme_id: str, participant_id: str, order_document_id: str,
                              appointed_on: date | None, principal: Principal,
                              correlation_id: str | None = None) -> ProgrammeCuratorOrder:
        async with self.uow(correlation_id) as work:
            programme = await self._programme_in(work, programme_id, principal)
            if programme.stage == "closed":
                raise Conflict("Программа завершена и не изменяется", field="programme_id")
            order = await work.session.get(ProgrammeDocument, order_document_id)
            if order is None or order.programme_id != programme.id:
                raise Unprocessable("Приказ не найден среди документов программы: сначала загрузите его",
                                    field="order_document_id")
            appointed_on = appointed_on or order.issued_on
            if problem := rules.appointment_problem(order.kind, order.issued_on, appointed_on, clock.today()):
                raise Unprocessable(problem[1], field=problem[0])
            try:
                person = await self._curator(work, programme, participant_id)
                await self.update_programme_in(work, programme, {"curator_id": person.id}, _actor(principal))
            except UseCaseError as exc:
                if exc.field != "curator_id":
                    raise
                raise type(exc)(exc.message, field="participant_id") from None
            row = (await work.session.exec(
                select(ProgrammeCuratorOrder).where(ProgrammeCuratorOrder.programme_id == programme.id))).first()
            if row is None:
                row = ProgrammeCuratorOrder(id=new_id(), programme_id=programme.id, school_id=programme.school_id,
                                            participant_id=person.id, appointed_on=appointed_on, order_document_id=order.id)
            row.participant_id, row.appointed_on, row.order_document_id = person.id, appointed_on, order.id
            row.appointed_by = principal.sub
            work.session.add(row)
            work.emit(CuratorAppointed(programme_id=programme.id, school_id=programme.school_id,
                                       academic_year=programme.academic_year, curator_id=person.id,
                                       order_document_id=order.id, appointed_on=appointed_on))
            self._audit(work, _actor(principal), "curator.appointed", programme.id, f"{person.id}:{order.id}")
            return row

    # -- helpers ------------------------------------------------------------------------------

    async def _programme_in(self, work: Work, programme_id: str, principal: Principal) -> Programme:
        programme = await work.session.get(Programme, programme_id)
        if programme is None:
            raise NotFound(f"Программа {programme_id} не найдена")
        await self._visible_school(work, programme.school_id, principal)
        return programme

    async def _document_in(self, work: Work, document_id: str, principal: Principal) -> ProgrammeDocument:
        row = await work.session.get(ProgrammeDocument, document_id)
        if row is None:
            raise NotFound(f"Документ {document_id} не найден")
        await self._visible_school(work, row.school_id, principal)
        return row

    @staticmethod
    async def _appointment_by(work: Work, document_id: str) -> bool:
        found = await work.session.exec(
            select(ProgrammeCuratorOrder.id).where(ProgrammeCuratorOrder.order_document_id == document_id).limit(1))
        return found.first() is not None

    async def _discard(self, key: str) -> None:
        """A file whose change did not commit (or whose row is gone): the database's went with its
        transaction; the folder's is deleted."""
        if isinstance(self.files, DatabaseStore):
            return
        async with self.db.sessions() as session:
            await self.files.delete(session, key)


async def erase_person(work: Work, person_id: str, pseudonym: str) -> None:
    """A withdrawn person (participants.withdraw_in): their appointment as a programme's curator is
    erased; the documents stay (they are the school's), their uploader id becomes a pseudonym."""
    for appointment in (await work.session.exec(
            select(ProgrammeCuratorOrder).where(ProgrammeCuratorOrder.participant_id == person_id))).all():
        await work.session.delete(appointment)
    for document in (await work.session.exec(
            select(ProgrammeDocument).where(ProgrammeDocument.uploaded_by == person_id))).all():
        document.uploaded_by = pseudonym
        work.session.add(document)


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _recorded(row: ProgrammeDocument, programme: Programme) -> DocumentRecorded:
    return DocumentRecorded(document_id=row.id, programme_id=programme.id, school_id=programme.school_id,
                            academic_year=programme.academic_year, kind=row.kind, issued_on=row.issued_on)
