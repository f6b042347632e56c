"""Pairing use cases."""

from __future__ import annotations

import uuid

from sqlmodel import col, func, select

from shared.auth import Principal
from shared.contracts.pairing import PairFormed
from shared.db import Database
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work

from services.pairing import domain
from services.pairing.models import Candidate, Pair, PairMentee, ProgrammeEnrolment
from services.pairing.schemas import PairIn, PairOut

CURATORS = ("region_admin", "municipal_coordinator", "school_curator")


class PairingService:
    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.uow = uow

    async def form_pair(
        self, programme_id: str, request: PairIn, principal: Principal, correlation_id: str | None = None
    ) -> PairOut:
        async with self.uow(correlation_id) as work:
            mentor_enrolment = await self._enrolment(work, request.mentor_id, programme_id, "mentor")
            school_id = mentor_enrolment.school_id
            if principal.scope == "school" and principal.scope_id != school_id:
                raise NotFound(f"Программа {programme_id} не найдена")
            if principal.role not in CURATORS:
                raise Forbidden("Пары формирует куратор")
            for mentee_id in request.mentee_ids:
                await self._enrolment(work, mentee_id, programme_id, "mentee")
            mentor = await self._person(work, request.mentor_id)
            mentees = [await self._person(work, mentee_id) for mentee_id in request.mentee_ids]
            problem = domain.pair_problem(
                request.form,
                mentor,
                mentees,
                mentor_capacity=mentor_enrolment.capacity or 1,
                mentor_load=await self._mentor_load(work, request.mentor_id, programme_id),
                already_paired=await self._paired_mentees(work, programme_id),
            )
            if problem:
                raise Unprocessable(problem, field="mentee_ids")
            pair = Pair(
                id=str(uuid.uuid4()),
                programme_id=programme_id,
                school_id=school_id,
                mentor_id=request.mentor_id,
                form=request.form,
                academic_year=mentor_enrolment.academic_year,
            )
            work.session.add(pair)
            await work.session.flush()
            for mentee_id in request.mentee_ids:
                work.session.add(PairMentee(pair_id=pair.id, mentee_id=mentee_id))
            work.emit(
                PairFormed(
                    pair_id=pair.id,
                    programme_id=programme_id,
                    school_id=school_id,
                    mentor_id=pair.mentor_id,
                    mentee_ids=request.mentee_ids,
                    form=request.form,
                    academic_year=pair.academic_year,
                )
            )
        return _out(pair, request.mentee_ids)

    async def pairs(self, programme_id: str, principal: Principal) -> list[PairOut]:
        async with self.db.sessions() as session:
            pairs = (await session.exec(select(Pair).where(Pair.programme_id == programme_id))).all()
            result = []
            for pair in pairs:
                if principal.scope == "school" and principal.scope_id != pair.school_id:
                    continue
                mentees = (await session.exec(select(PairMentee.mentee_id).where(PairMentee.pair_id == pair.id))).all()
                result.append(_out(pair, list(mentees)))
        return result

    async def _enrolment(self, work: Work, participant_id: str, programme_id: str, role: str) -> ProgrammeEnrolment:
        enrolment = await work.session.get(ProgrammeEnrolment, (participant_id, programme_id, role))
        if enrolment is None:
            who = "Наставник" if role == "mentor" else "Наставляемый"
            raise NotFound(f"{who} {participant_id} не зачислен в программу {programme_id}")
        return enrolment

    async def _person(self, work: Work, participant_id: str) -> domain.Person:
        candidate = await work.session.get(Candidate, participant_id)
        if candidate is None:
            raise NotFound(f"Участник {participant_id} ещё не известен сервису подбора пар")
        return domain.Person(candidate.participant_id, candidate.category, candidate.grade)

    async def _mentor_load(self, work: Work, mentor_id: str, programme_id: str) -> int:
        query = (
            select(func.count())
            .select_from(PairMentee)
            .join(Pair, col(Pair.id) == col(PairMentee.pair_id))
            .where(Pair.mentor_id == mentor_id, Pair.programme_id == programme_id, Pair.status == "formed")
        )
        return (await work.session.exec(query)).one()

    async def _paired_mentees(self, work: Work, programme_id: str) -> set[str]:
        query = (
            select(PairMentee.mentee_id)
            .join(Pair, col(Pair.id) == col(PairMentee.pair_id))
            .where(Pair.programme_id == programme_id, Pair.status == "formed")
        )
        return set((await work.session.exec(query)).all())


def _out(pair: Pair, mentee_ids: list[str]) -> PairOut:
    return PairOut(**pair.model_dump(exclude={"formed_at"}), mentee_ids=mentee_ids)
