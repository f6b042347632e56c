"""The registry's mentoring programmes of a school (launched, updated, closed) and the
enrolments of its people in them (a mentor with a capacity, mentees, a curator)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry import (
    EnrolmentEnded,
    ParticipantEnrolled,
    ProgrammeClosed,
    ProgrammeLaunched,
    ProgrammeUpdated,
)
from shared.errors import Conflict, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.registry import domain
from services.registry.cases import RegistryBase, _actor, new_id, programme_fields
from services.registry.commands import Enrol, LaunchProgramme
from services.registry.models import Enrolment, Participant, Programme
from services.registry.revocations import revoke


class RegistryProgrammes(RegistryBase):
    """Programmes and enrolments (a mixin of RegistryService)."""

    async def programmes(self, school_id: str, principal: Principal) -> list[Programme]:
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            query = select(Programme).where(Programme.school_id == school_id).order_by(col(Programme.academic_year).desc(), Programme.title)
            return list((await session.exec(query)).all())

    async def programme(self, programme_id: str, principal: Principal) -> Programme:
        async with self.db.sessions() as session:
            row = await session.get(Programme, programme_id)
        if row is None:
            raise NotFound(f"Программа {programme_id} не найдена")
        await self.school(row.school_id, principal)
        return row

    async def create_programme(
        self, school_id: str, programme: LaunchProgramme, principal: Principal, correlation_id: str | None = None
    ) -> Programme:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            return await self.create_programme_in(work, school_id, programme, _actor(principal))

    async def create_programme_in(self, work: Work, school_id: str, programme: LaunchProgramme, actor: str) -> Programme:
        problem = domain.forms_problem(programme.forms)
        if problem:
            raise Unprocessable(problem, field="forms")
        if programme.code:
            existing = await work.session.exec(select(Programme).where(Programme.school_id == school_id, Programme.code == programme.code))
            if existing.first():
                raise Conflict(f"Программа с кодом {programme.code} уже есть в этой школе", field="code")
        row = Programme(
            id=new_id(),
            school_id=school_id,
            code=programme.code,
            academic_year=programme.academic_year,
            title=programme.title,
            forms=programme.forms,
            stage=programme.stage,
        )
        work.session.add(row)
        curator = await self._curator(work, row, programme.curator_id) if programme.curator_id else None
        if curator is not None:
            row.curator_id = curator.id
        work.emit(ProgrammeLaunched(**programme_fields(row)))
        if curator is not None:
            await self.enrol_in(work, row, curator, Enrol(participant_id=curator.id, role="curator"))
        self._audit(work, actor, "programme.launched", row.id)
        return row

    async def _curator(self, work: Work, programme: Programme, participant_id: str) -> Participant:
        person = await work.session.get(Participant, participant_id)
        if person is None or person.school_id != programme.school_id or person.status != "active":
            raise Unprocessable(f"Куратор {participant_id} не найден среди участников школы", field="curator_id")
        if person.category != "teacher":
            raise Unprocessable("Куратором может быть только педагог", field="curator_id")
        if person.consent_date is None:
            raise Unprocessable(domain.no_consent_message(person.category), field="curator_id")
        return person

    async def update_programme(self, programme_id: str, changes: Mapping[str, Any], principal: Principal,
                               correlation_id: str | None = None) -> Programme:
        async with self.uow(correlation_id) as work:
            row = await work.session.get(Programme, programme_id)
            if row is None:
                raise NotFound(f"Программа {programme_id} не найдена")
            await self._visible_school(work, row.school_id, principal)
            await self.update_programme_in(work, row, changes, _actor(principal))
            return row

    async def update_programme_in(self, work: Work, row: Programme, changes: Mapping[str, Any], actor: str) -> list[str]:
        """Apply title / forms / curator_id / stage changes; returns what changed."""
        if row.stage == "closed":
            raise Conflict("Программа завершена и не изменяется", field="stage")
        if "forms" in changes and (problem := domain.forms_problem(changes["forms"] or [])):
            raise Unprocessable(problem, field="forms")
        if "stage" in changes and changes["stage"] is not None and (problem := domain.stage_problem(row.stage, changes["stage"])):
            raise Unprocessable(problem, field="stage")
        changed: list[str] = []
        new_curator = None
        for name in ("title", "forms", "stage"):
            if name in changes and changes[name] is not None and getattr(row, name) != changes[name]:
                setattr(row, name, changes[name])
                changed.append(name)
        if "curator_id" in changes and changes["curator_id"] != row.curator_id:
            if changes["curator_id"] is not None:
                new_curator = await self._curator(work, row, changes["curator_id"])
            row.curator_id = changes["curator_id"]
            changed.append("curator_id")
        if not changed:
            return changed
        work.session.add(row)
        if row.stage == "closed":
            await self._close(work, row)
        else:
            work.emit(ProgrammeUpdated(**programme_fields(row), changed=changed))
            if new_curator is not None:
                already = await work.session.exec(select(Enrolment).where(
                    Enrolment.participant_id == new_curator.id, Enrolment.programme_id == row.id, Enrolment.role == "curator"))
                if already.first() is None:
                    await self.enrol_in(work, row, new_curator, Enrol(participant_id=new_curator.id, role="curator"))
        self._audit(work, actor, "programme.updated", row.id, ",".join(changed))
        return changed

    async def _close(self, work: Work, row: Programme) -> None:
        now = utcnow()
        row.closed_at = now
        await work.session.exec(
            update(Enrolment).where(col(Enrolment.programme_id) == row.id, col(Enrolment.active).is_(True)).values(active=False, ended_at=now)
        )
        work.emit(ProgrammeClosed(programme_id=row.id, school_id=row.school_id, academic_year=row.academic_year))

    async def enrolments(self, programme_id: str, principal: Principal) -> list[Enrolment]:
        await self.programme(programme_id, principal)
        async with self.db.sessions() as session:
            return list((await session.exec(select(Enrolment).where(Enrolment.programme_id == programme_id))).all())

    async def enrol(
        self, programme_id: str, enrolment: Enrol, principal: Principal, correlation_id: str | None = None
    ) -> Enrolment:
        async with self.uow(correlation_id) as work:
            programme = await work.session.get(Programme, programme_id)
            if programme is None:
                raise NotFound(f"Программа {programme_id} не найдена")
            await self._visible_school(work, programme.school_id, principal)
            person = await work.session.get(Participant, enrolment.participant_id)
            if person is None or person.school_id != programme.school_id:
                raise NotFound(f"Участник {enrolment.participant_id} не найден в школе программы")
            return await self.enrol_in(work, programme, person, enrolment, _actor(principal))

    async def enrol_in(self, work: Work, programme: Programme, person: Participant, enrolment: Enrol,
                       actor: str = "system") -> Enrolment:
        if programme.stage == "closed":
            raise Conflict("Программа завершена: зачислить нельзя", field="programme_id")
        if person.status != "active":
            raise Conflict("Участник выбыл или отозвал согласие: зачислить нельзя", field="participant_id")
        if person.consent_date is None:
            raise Unprocessable(domain.no_consent_message(person.category), field="participant_id")
        problem = domain.enrolment_problem(enrolment.role, person.category, enrolment.capacity)
        if problem:
            raise Unprocessable(problem, field="capacity" if "capacity" in problem else "role")
        duplicate = await work.session.exec(
            select(Enrolment).where(
                Enrolment.participant_id == person.id,
                Enrolment.programme_id == programme.id,
                Enrolment.role == enrolment.role,
            )
        )
        existing = duplicate.first()
        if existing is not None and existing.active:
            raise Conflict("Участник уже зачислен в эту программу с этой ролью", field="role")
        if existing is not None:  # enrolled again after an ended enrolment: the same row, announced again
            existing.active, existing.ended_at, existing.capacity = True, None, enrolment.capacity
            work.session.add(existing)
            self._audit(work, actor, "enrolment.renewed", existing.id, f"{person.id}:{programme.id}:{existing.role}")
            work.emit(ParticipantEnrolled(participant_id=person.id, programme_id=programme.id, school_id=programme.school_id,
                                          role=existing.role, academic_year=programme.academic_year,
                                          capacity=existing.capacity))
            return existing
        row = Enrolment(
            id=new_id(),
            participant_id=person.id,
            programme_id=programme.id,
            role=enrolment.role,
            capacity=enrolment.capacity,
        )
        work.session.add(row)
        self._audit(work, actor, "enrolment.created", row.id, f"{person.id}:{programme.id}:{row.role}")
        work.emit(
            ParticipantEnrolled(
                participant_id=person.id,
                programme_id=programme.id,
                school_id=programme.school_id,
                role=row.role,
                academic_year=programme.academic_year,
                capacity=row.capacity,
            )
        )
        return row

    async def end_enrolment(self, enrolment_id: str, principal: Principal, correlation_id: str | None = None) -> Enrolment:
        """End one enrolment (the person stays in the school and their other programmes). A
        curator's enrolment also leaves the programme without its curator."""
        async with self.uow(correlation_id) as work:
            row = await work.session.get(Enrolment, enrolment_id)
            programme = await work.session.get(Programme, row.programme_id) if row else None
            if row is None or programme is None:
                raise NotFound(f"Зачисление {enrolment_id} не найдено")
            await self._visible_school(work, programme.school_id, principal)
            if not row.active:
                raise Conflict("Зачисление уже завершено", field="enrolment_id")
            if programme.stage == "closed":
                raise Conflict("Программа завершена и не изменяется", field="stage")
            row.active, row.ended_at = False, utcnow()
            work.session.add(row)
            work.emit(EnrolmentEnded(participant_id=row.participant_id, programme_id=programme.id, school_id=programme.school_id,
                                     role=row.role))
            if row.role == "curator" and programme.curator_id == row.participant_id:
                programme.curator_id = None
                work.session.add(programme)
                work.emit(ProgrammeUpdated(**programme_fields(programme), changed=["curator_id"]))
            self._audit(work, _actor(principal), "enrolment.ended", row.id, f"{row.participant_id}:{row.role}")
            await revoke(work, row.participant_id, "role_changed")  # a session in that role ends with it
            return row
