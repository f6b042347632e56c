"""Registry use cases: change state and enqueue the events in one transaction."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import select

from shared.auth import Principal
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.db import Database
from shared.errors import Conflict, NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work
from shared.settings import Settings

from services.registry import domain
from services.registry.models import Enrolment, Municipality, Participant, Programme, School
from services.registry.schemas import EnrolmentIn, ParticipantIn, ProgrammeIn, SchoolIn


def _new_id() -> str:
    return str(uuid.uuid4())


class RegistryService:
    def __init__(self, db: Database, uow: UnitOfWork, settings: Settings) -> None:
        self.db = db
        self.uow = uow
        self.settings = settings

    async def register_school(self, school: SchoolIn, correlation_id: str | None = None) -> School:
        async with self.uow(correlation_id) as work:
            school_id = school.school_id or _new_id()
            if await work.session.get(School, school_id):
                raise Conflict(f"Школа {school_id} уже зарегистрирована", field="school_id")
            municipality = await work.session.get(Municipality, school.municipality_id)
            if municipality is None:
                municipality = Municipality(id=school.municipality_id, name=school.municipality_name)
                work.session.add(municipality)
            row = School(
                id=school_id,
                name=school.name,
                municipality_id=municipality.id,
                low_results=school.low_results,
                difficult_conditions=school.difficult_conditions,
            )
            work.session.add(row)
            work.emit(
                SchoolRegistered(
                    school_id=row.id,
                    name=row.name,
                    municipality_id=municipality.id,
                    municipality_name=municipality.name,
                    region_id=self.settings.region_id,
                    low_results=row.low_results,
                    difficult_conditions=row.difficult_conditions,
                )
            )
        return row

    async def schools(self, principal: Principal) -> list[School]:
        async with self.db.sessions() as session:
            rows = (await session.exec(select(School).order_by(School.name))).all()
        return [s for s in rows if principal.sees_school(s.id, s.municipality_id)]

    async def school(self, school_id: str, principal: Principal) -> School:
        async with self.db.sessions() as session:
            school = await session.get(School, school_id)
        if school is None or not principal.sees_school(school.id, school.municipality_id):
            raise NotFound(f"Школа {school_id} не найдена")
        return school

    async def participants(self, school_id: str, principal: Principal) -> list[Participant]:
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            query = select(Participant).where(Participant.school_id == school_id).order_by(Participant.full_name)
            return list((await session.exec(query)).all())

    async def register_participant(
        self, school_id: str, person: ParticipantIn, principal: Principal, correlation_id: str | None = None
    ) -> Participant:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            if person.external_id:
                existing = await work.session.exec(
                    select(Participant).where(
                        Participant.school_id == school_id, Participant.external_id == person.external_id
                    )
                )
                if existing.first():
                    raise Conflict(f"Участник с внешним id {person.external_id} уже есть в этой школе", field="external_id")
            row = Participant(
                id=_new_id(),
                school_id=school_id,
                external_id=person.external_id,
                category=person.category,
                full_name=person.full_name,
                subjects=person.subjects,
                experience_years=person.experience_years,
                birth_year=person.birth_year,
                grade=person.grade,
                young_specialist=domain.is_young_specialist(
                    person.category, person.birth_year, person.experience_years, date.today()
                ),
            )
            work.session.add(row)
            work.emit(
                ParticipantRegistered(
                    participant_id=row.id,
                    school_id=school_id,
                    category=row.category,  # type: ignore[arg-type]
                    display_name=row.full_name,
                    subjects=row.subjects,
                    experience_years=row.experience_years,
                    young_specialist=row.young_specialist,
                    grade=row.grade,
                )
            )
        return row

    async def create_programme(
        self, school_id: str, programme: ProgrammeIn, principal: Principal, correlation_id: str | None = None
    ) -> Programme:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            row = Programme(
                id=_new_id(),
                school_id=school_id,
                academic_year=programme.academic_year,
                title=programme.title,
                forms=programme.forms,
            )
            work.session.add(row)
        return row

    async def enrol(
        self, programme_id: str, enrolment: EnrolmentIn, principal: Principal, correlation_id: str | None = None
    ) -> Enrolment:
        async with self.uow(correlation_id) as work:
            programme = await work.session.get(Programme, programme_id)
            if programme is None:
                raise NotFound(f"Программа {programme_id} не найдена")
            await self._visible_school(work, programme.school_id, principal)
            person = await work.session.get(Participant, enrolment.participant_id)
            if person is None or person.school_id != programme.school_id:
                raise NotFound(f"Участник {enrolment.participant_id} не найден в школе программы")
            problem = domain.enrolment_problem(enrolment.role, person.category, enrolment.capacity)
            if problem:
                raise Unprocessable(problem, field="capacity" if "capacity" in problem else "role")
            duplicate = await work.session.exec(
                select(Enrolment).where(
                    Enrolment.participant_id == person.id,
                    Enrolment.programme_id == programme_id,
                    Enrolment.role == enrolment.role,
                )
            )
            if duplicate.first():
                raise Conflict("Участник уже зачислен в эту программу с этой ролью", field="role")
            row = Enrolment(
                id=_new_id(),
                participant_id=person.id,
                programme_id=programme_id,
                role=enrolment.role,
                capacity=enrolment.capacity,
            )
            work.session.add(row)
            work.emit(
                ParticipantEnrolled(
                    participant_id=person.id,
                    programme_id=programme_id,
                    school_id=programme.school_id,
                    role=row.role,  # type: ignore[arg-type]
                    academic_year=programme.academic_year,
                    capacity=row.capacity,
                )
            )
        return row

    async def _visible_school(self, work: Work, school_id: str, principal: Principal) -> School:
        school = await work.session.get(School, school_id)
        if school is None or not principal.sees_school(school.id, school.municipality_id):
            raise NotFound(f"Школа {school_id} не найдена")
        return school
