"""The training and the recognition of a school's mentors (issue 15; seed 002 «образовательные
интенсивы … не менее 1 раза в учебном полугодии», seed 001 «конкурсы профессионального
мастерства», seed 004 «данные о количестве участников»). One course is recorded for several
mentors at once; each record is announced (registry.training.recorded.v1 /
registry.recognition.recorded.v1) and its removal too. A mixin of RegistryService."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.contracts.registry_year import RecognitionRecorded, RecognitionRemoved, TrainingRecorded, TrainingRemoved
from shared.errors import NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.registry import domain_year
from services.registry.cases import RegistryBase, _actor, new_id
from services.registry.models import Enrolment, Participant, Programme, School
from services.registry.year_commands import MentorRecord, RecordRecognition, RecordTraining
from services.registry.year_models import Recognition, Training


def training_recorded(row: Training) -> TrainingRecorded:
    return TrainingRecorded(training_id=row.id, person_id=row.person_id, school_id=row.school_id,
                            academic_year=row.academic_year, kind=row.kind,
                            completed_on=row.completed_on, hours=row.hours)


def training_removed(row: Training) -> TrainingRemoved:
    return TrainingRemoved(training_id=row.id, person_id=row.person_id, school_id=row.school_id, academic_year=row.academic_year)


def recognition_recorded(row: Recognition) -> RecognitionRecorded:
    return RecognitionRecorded(recognition_id=row.id, person_id=row.person_id, school_id=row.school_id,
                               academic_year=row.academic_year, kind=row.kind, level=row.level,
                               result=row.result, awarded_on=row.awarded_on)


def recognition_removed(row: Recognition) -> RecognitionRemoved:
    return RecognitionRemoved(recognition_id=row.id, person_id=row.person_id, school_id=row.school_id,
                              academic_year=row.academic_year)


async def mentor_ids(session: AsyncSession, school_id: str) -> set[str]:
    """People holding an active mentor enrolment in a programme of the school."""
    return set((await session.exec(
        select(Enrolment.participant_id).join(Programme, col(Programme.id) == Enrolment.programme_id)
        .where(Programme.school_id == school_id, Enrolment.role == "mentor", Enrolment.active == True)  # noqa: E712
    )).all())


class YearTraining(RegistryBase):
    """Training and recognition of mentors (a mixin of RegistryService)."""

    async def _check_mentors(self, work: Work, school_id: str, ids: list[str], field: str) -> None:
        people = {p.id: p for p in (await work.session.exec(select(Participant).where(col(Participant.id).in_(ids)))).all()}
        mentors = await mentor_ids(work.session, school_id)
        for pid in ids:
            row = people.get(pid)
            person = None if row is None else domain_year.Person(
                id=row.id, school_id=row.school_id, category=row.category, active=row.status == "active",
                consented=row.consent_date is not None, mentors=row.id in mentors)
            problem = domain_year.mentor_problem(person, school_id)
            if problem:
                raise Unprocessable(f"{problem}: {pid}", field=field)

    async def record_training(self, school_id: str, body: RecordTraining, principal: Principal,
                              correlation_id: str | None = None) -> list[Training]:
        """One course for each of the listed mentors: all recorded, or none."""
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            ids = list(dict.fromkeys(body.person_ids))
            stray = domain_year.unknown_ids(body.certificates or {}, ids)
            if stray:
                raise Unprocessable(f"Удостоверения указаны для людей не из списка обученных: {', '.join(stray)}",
                                    field="certificates")
            problem = domain_year.past_problem(body.completed_on, clock.today(), "Дата окончания обучения")
            if problem:
                raise Unprocessable(problem, field="completed_on")
            await self._check_mentors(work, school_id, ids, "person_ids")
            rows = []
            for pid in ids:
                row = Training(id=new_id(), person_id=pid, school_id=school_id, academic_year=academic_year_of(body.completed_on),
                               kind=body.kind, title=body.title, organiser=body.organiser, completed_on=body.completed_on,
                               hours=body.hours, certificate=(body.certificates or {}).get(pid))
                work.session.add(row)
                work.emit(training_recorded(row))
                self._audit(work, _actor(principal), "training.recorded", row.id, pid)
                rows.append(row)
            return rows

    async def remove_training(self, training_id: str, principal: Principal, correlation_id: str | None = None) -> None:
        async with self.uow(correlation_id) as work:
            row = await work.session.get(Training, training_id)
            if row is None:
                raise NotFound(f"Запись об обучении {training_id} не найдена")
            await self._visible_school(work, row.school_id, principal)
            await work.session.delete(row)
            work.emit(training_removed(row))
            self._audit(work, _actor(principal), "training.removed", row.id, row.person_id)

    async def record_recognition(self, school_id: str, body: RecordRecognition, principal: Principal,
                                 correlation_id: str | None = None) -> Recognition:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            problem = domain_year.past_problem(body.awarded_on, clock.today(), "Дата")
            if problem:
                raise Unprocessable(problem, field="awarded_on")
            await self._check_mentors(work, school_id, [body.person_id], "person_id")
            row = Recognition(id=new_id(), person_id=body.person_id, school_id=school_id,
                              academic_year=academic_year_of(body.awarded_on), kind=body.kind, level=body.level,
                              result=body.result, title=body.title, awarded_on=body.awarded_on)
            work.session.add(row)
            work.emit(recognition_recorded(row))
            self._audit(work, _actor(principal), "recognition.recorded", row.id, row.person_id)
            return row

    async def remove_recognition(self, recognition_id: str, principal: Principal, correlation_id: str | None = None) -> None:
        async with self.uow(correlation_id) as work:
            row = await work.session.get(Recognition, recognition_id)
            if row is None:
                raise NotFound(f"Запись о признании {recognition_id} не найдена")
            await self._visible_school(work, row.school_id, principal)
            await work.session.delete(row)
            work.emit(recognition_removed(row))
            self._audit(work, _actor(principal), "recognition.removed", row.id, row.person_id)

    async def school_training(self, school_id: str, principal: Principal, academic_year: str | None = None) -> list[Training]:
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            query = select(Training).where(Training.school_id == school_id)
            if academic_year:
                query = query.where(Training.academic_year == academic_year)
            return list((await session.exec(query.order_by(col(Training.completed_on).desc(), Training.id))).all())

    async def school_recognitions(self, school_id: str, principal: Principal, academic_year: str | None = None) -> list[Recognition]:
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            query = select(Recognition).where(Recognition.school_id == school_id)
            if academic_year:
                query = query.where(Recognition.academic_year == academic_year)
            return list((await session.exec(query.order_by(col(Recognition.awarded_on).desc(), Recognition.id))).all())

    async def mentor_record(self, person_id: str, principal: Principal) -> MentorRecord:
        """A person's training and recognition: the school's staff in scope, or the person themself."""
        async with self.db.sessions() as session:
            person = await session.get(Participant, person_id)
            school = await session.get(School, person.school_id) if person else None
            if person is None or school is None or not self._may_see_record(principal, person, school):
                raise NotFound(f"Участник {person_id} не найден")
            training = (await session.exec(select(Training).where(Training.person_id == person_id)
                                           .order_by(col(Training.completed_on).desc()))).all()
            recognitions = (await session.exec(select(Recognition).where(Recognition.person_id == person_id)
                                               .order_by(col(Recognition.awarded_on).desc()))).all()
        return MentorRecord(person_id=person_id, training=list(training), recognitions=list(recognitions))

    @staticmethod
    def _may_see_record(principal: Principal, person: Participant, school: School) -> bool:
        if principal.role in ("mentor", "mentee"):
            return principal.sub == person.id and principal.scope_id == person.school_id
        return principal.sees_school(school.id, school.municipality_id)


async def forget_records(work: Work, person_id: str) -> None:
    """Withdrawal: the person's training and recognition records are deleted, each removal
    announced so that reports uncounts it."""
    for training in (await work.session.exec(select(Training).where(Training.person_id == person_id))).all():
        await work.session.delete(training)
        work.emit(training_removed(training))
    for recognition in (await work.session.exec(select(Recognition).where(Recognition.person_id == person_id))).all():
        await work.session.delete(recognition)
        work.emit(recognition_removed(recognition))
