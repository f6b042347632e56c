"""Use cases that change a practice: the school's draft (text, authors, files) and the review's
status changes, each with its PracticeStatusChanged in the same unit of work."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func
from sqlmodel import col, select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.files import FileRefused, check_file, new_key
from shared.messaging.outbox import Work

from services.practices import domain
from services.practices.base import NOT_FOUND, PracticesBase, may_edit, sees
from services.practices.catalogue import file_result
from services.practices.commands import DescribePractice, FileResult, Transition
from services.practices.models import Attachment, Author, HistoryEntry, Person, Practice

FILES_MAX = 20  # files of one practice
NOT_EDITABLE = "Менять практику может куратор её школы, пока она черновик или возвращена на доработку."


def _actor_name(principal: Principal) -> str:
    return principal.name or principal.sub


class WorkflowMixin(PracticesBase):
    async def _checked_authors(self, work: Work, school_id: str, author_ids: list[str]) -> list[str]:
        ids = list(dict.fromkeys(author_ids))
        if not ids:
            return []
        found = set((await work.session.exec(select(Person.participant_id).where(
            col(Person.participant_id).in_(ids), Person.school_id == school_id))).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise Unprocessable(f"Среди людей школы нет автора {', '.join(missing[:5])}", field="author_ids")
        return ids

    @staticmethod
    def _check_codes(command: DescribePractice) -> None:
        unknown = domain.unknown_codes(command.deficit_areas, domain.DEFICIT_AREAS)
        if unknown:
            raise Unprocessable(f"Неизвестная область дефицитов: {', '.join(unknown[:5])}", field="deficit_areas")

    def _apply(self, practice: Practice, command: DescribePractice) -> None:
        practice.title = command.title.strip()
        practice.form = command.form
        practice.deficit_areas = domain.codes_field(command.deficit_areas)
        practice.school_levels = domain.codes_field(list(command.school_levels))
        practice.description = command.description.strip()
        practice.results = command.results.strip()
        practice.search = domain.search_text(practice.title, practice.description, practice.results)
        practice.updated_at = utcnow()

    async def _replace_authors(self, work: Work, practice_id: str, ids: list[str]) -> None:
        await work.session.exec(delete(Author).where(col(Author.practice_id) == practice_id))
        for position, participant_id in enumerate(ids):
            work.session.add(Author(practice_id=practice_id, participant_id=participant_id, position=position))

    async def create(self, command: DescribePractice, principal: Principal, correlation_id: str | None = None) -> str:
        """A school curator starts a draft of the school's practice."""
        if principal.role != domain.CURATOR:
            raise Forbidden("Практику школы описывает куратор школы.")
        self._check_codes(command)
        async with self.uow(correlation_id) as work:
            authors = await self._checked_authors(work, principal.scope_id, command.author_ids)
            practice = Practice(id=str(uuid.uuid4()), school_id=principal.scope_id, created_by=principal.sub,
                                title="", form=command.form, description="")
            self._apply(practice, command)
            work.session.add(practice)
            await work.session.flush()
            await self._replace_authors(work, practice.id, authors)
            work.session.add(self._history(practice, principal, None))
        return practice.id

    async def update(self, practice_id: str, command: DescribePractice, principal: Principal, correlation_id: str | None = None) -> None:
        self._check_codes(command)
        async with self.uow(correlation_id) as work:
            practice = await self._editable(work, practice_id, principal)
            authors = await self._checked_authors(work, practice.school_id, command.author_ids)
            self._apply(practice, command)
            work.session.add(practice)
            await self._replace_authors(work, practice.id, authors)

    async def _editable(self, work: Work, practice_id: str, principal: Principal) -> Practice:
        practice = await work.session.get(Practice, practice_id)
        if practice is None or not sees(principal, practice):
            raise NotFound(NOT_FOUND)
        if principal.role != domain.CURATOR or practice.school_id != principal.scope_id:
            raise Forbidden(NOT_EDITABLE)
        if not may_edit(principal, practice):
            raise Conflict(f"Практика в статусе «{domain.PRACTICE_STATUSES[practice.status]}»: менять её нельзя. {NOT_EDITABLE}")
        return practice

    @staticmethod
    def _history(practice: Practice, principal: Principal, comment: str | None) -> HistoryEntry:
        return HistoryEntry(id=str(uuid.uuid4()), practice_id=practice.id, status=practice.status, actor_id=principal.sub,
                            actor_name=_actor_name(principal), actor_role=principal.role, comment=comment)

    async def change_status(self, practice_id: str, action: str, command: Transition, principal: Principal,
                            correlation_id: str | None = None) -> str:
        """submit, take, publish, return (comment), withdraw (comment): a history entry and the event."""
        comment = (command.comment or "").strip() or None
        async with self.uow(correlation_id) as work:
            practice = await self._visible(work, practice_id, principal)
            if principal.role == domain.CURATOR and practice.school_id != principal.scope_id:
                raise Forbidden("Отправлять на экспертизу может только куратор школы, чья это практика.")
            try:
                step = domain.transition(action, principal.role, practice.status, comment)
            except domain.TransitionRefused as refused:
                if refused.kind == "forbidden":
                    raise Forbidden(refused.message) from refused
                if refused.kind == "comment":
                    raise Unprocessable(refused.message, field="comment") from refused
                if refused.kind == "unknown":
                    raise NotFound(refused.message) from refused
                raise Conflict(refused.message) from refused
            today = clock.today()
            practice.status = step.target
            if step.target == "submitted" and practice.academic_year is None:
                practice.academic_year = domain.academic_year(today)
            if step.target == "published":
                practice.published_on = today
            practice.updated_at = utcnow()
            work.session.add(practice)
            work.session.add(self._history(practice, principal, comment))
            self._announce(work, practice)
        self.metrics.status_changes.labels(practice.status).inc()
        return practice.status

    # ---- files -------------------------------------------------------------------------------

    async def attach(self, practice_id: str, name: str, content: bytes, principal: Principal,
                     correlation_id: str | None = None) -> FileResult:
        """A file of the practice: checked (name, size, type by content) before anything is stored."""
        async with self.uow(correlation_id) as work:
            await self._editable(work, practice_id, principal)
            try:
                checked = check_file(name, content, self.settings.file_max_bytes)
            except FileRefused:
                self.metrics.files_refused.inc()
                raise
            count = (await work.session.exec(select(func.count()).select_from(Attachment)
                                             .where(Attachment.practice_id == practice_id))).one()
            if count >= FILES_MAX:
                raise Unprocessable(f"У практики уже {FILES_MAX} файлов: удалите ненужные.", field="file")
            key = new_key()
            attachment = Attachment(id=str(uuid.uuid4()), practice_id=practice_id, key=key, name=checked.name,
                                    kind=checked.kind, media_type=checked.media_type, size=checked.size,
                                    uploaded_by=principal.sub)
            work.session.add(attachment)
            await self.store.put(work.session, key, checked.content)
        return file_result(attachment)

    async def remove_file(self, practice_id: str, file_id: str, principal: Principal) -> None:
        async with self.uow() as work:
            await self._editable(work, practice_id, principal)
            attachment = await work.session.get(Attachment, file_id)
            if attachment is None or attachment.practice_id != practice_id:
                raise NotFound("Файл не найден.")
            await work.session.delete(attachment)
            await self.store.delete(work.session, attachment.key)

    async def download(self, practice_id: str, file_id: str, principal: Principal) -> tuple[Attachment, bytes]:
        async with self.uow() as work:
            await self._visible(work, practice_id, principal)
            attachment = await work.session.get(Attachment, file_id)
            if attachment is None or attachment.practice_id != practice_id:
                raise NotFound("Файл не найден.")
            content = await self.store.get(work.session, attachment.key)
        if content is None:
            raise NotFound("Файл не найден в хранилище.")
        return attachment, content
