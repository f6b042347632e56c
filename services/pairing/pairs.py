"""The core every pairing use case shares: scope checks, enrolments, places taken, and forming
and ending a pair (with its event)."""

from __future__ import annotations

import uuid

from sqlmodel import col, func, or_, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.pairing import (
    PairEnded,
    PairFormed,
)
from shared.db import Database, lock_key
from shared.errors import Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work

from services.pairing import domain
from services.pairing.commands import PairResult
from services.pairing.models import (
    Candidate,
    Pair,
    PairMentee,
    ProgrammeEnrolment,
    School,
)

CURATORS = ("region_admin", "municipal_coordinator", "school_curator")
WITHDRAWN_REASON = "Участник выбыл из программы"
ERASED_NAME = "Данные удалены"


class PairingBase:
    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.uow = uow

    async def _form_checked(
        self,
        work: Work,
        programme_id: str,
        mentor_id: str,
        mentee_ids: list[str],
        form: str,
        how: str | None,
        principal: Principal,
        proposal_id: str | None = None,
    ) -> Pair:
        mentor_enrolment = await self._enrolment(work, mentor_id, programme_id, "mentor")
        school_id = mentor_enrolment.school_id
        if not await _sees(work.session, principal, school_id):
            raise NotFound(f"Программа {programme_id} не найдена")
        if principal.role not in CURATORS:
            raise Forbidden("Пары формирует куратор")
        for mentee_id in mentee_ids:
            await self._enrolment(work, mentee_id, programme_id, "mentee")
        mentor = await self._person(work, mentor_id)
        mentees = [await self._person(work, mentee_id) for mentee_id in mentee_ids]
        flash = how == "flash"
        await lock_key(work.session, f"pairing:mentor:{mentor_id}")  # places are counted across programmes
        problem = domain.pair_problem(
            form,
            mentor,
            mentees,
            mentor_capacity=len(mentee_ids) if flash else (mentor_enrolment.capacity or 1),
            mentor_load=0 if flash else await self._mentor_load(work, mentor_id),
            already_paired=await self._paired_mentees(work, programme_id, statuses=("formed",)),
        )
        if problem:
            raise Unprocessable(problem, field="mentee_ids")
        return self._form(work, programme_id, school_id, mentor_id, mentee_ids, form, how, mentor_enrolment.academic_year, proposal_id)

    def _form(
        self,
        work: Work,
        programme_id: str,
        school_id: str,
        mentor_id: str,
        mentee_ids: list[str],
        form: str,
        how: str | None,
        academic_year: str,
        proposal_id: str | None = None,
    ) -> Pair:
        pair = Pair(
            id=str(uuid.uuid4()),
            programme_id=programme_id,
            school_id=school_id,
            mentor_id=mentor_id,
            form=form,
            how=how,
            academic_year=academic_year,
            proposal_id=proposal_id,
        )
        work.session.add(pair)
        for mentee_id in mentee_ids:
            work.session.add(PairMentee(pair_id=pair.id, mentee_id=mentee_id))
        work.emit(
            PairFormed(
                pair_id=pair.id,
                programme_id=programme_id,
                school_id=school_id,
                mentor_id=mentor_id,
                mentee_ids=mentee_ids,
                form=form,
                academic_year=academic_year,
                how=how,
                proposal_id=proposal_id,
            )
        )
        return pair

    def _end(self, work: Work, pair: Pair, mentee_ids: list[str], outcome: str, reason: str | None) -> None:
        pair.status = outcome
        pair.ended_at = utcnow()
        pair.end_reason = reason
        work.session.add(pair)
        work.emit(
            PairEnded(
                pair_id=pair.id,
                programme_id=pair.programme_id,
                school_id=pair.school_id,
                mentor_id=pair.mentor_id,
                mentee_ids=mentee_ids,
                form=pair.form,
                academic_year=pair.academic_year,
                outcome=outcome,
                reason=reason,
            )
        )

    async def _visible_enrolments(self, session, programme_id: str, principal: Principal) -> list[ProgrammeEnrolment]:  # noqa: ANN001
        enrolments = (
            await session.exec(
                select(ProgrammeEnrolment)
                .where(ProgrammeEnrolment.programme_id == programme_id)
                .order_by(ProgrammeEnrolment.participant_id, ProgrammeEnrolment.role)
            )
        ).all()
        municipalities = await _municipalities(session)
        visible = [e for e in enrolments if principal.sees_school(e.school_id, municipalities.get(e.school_id))]
        if not visible:
            raise NotFound(f"Программа {programme_id} не найдена")
        return visible

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

    async def _pair(self, work: Work, pair_id: str, principal: Principal) -> Pair:
        pair = await work.session.get(Pair, pair_id)
        if pair is None or not await _sees(work.session, principal, pair.school_id):
            raise NotFound(f"Пара {pair_id} не найдена")
        return pair

    async def _pair_for_member(self, session, pair_id: str, principal: Principal) -> Pair:  # noqa: ANN001
        """The pair, if the caller is a curator in scope, its mentor or one of its mentees."""
        pair = await session.get(Pair, pair_id)
        if pair is None:
            raise NotFound(f"Пара {pair_id} не найдена")
        if principal.role in CURATORS:
            allowed = await _sees(session, principal, pair.school_id)
        elif principal.role == "mentor":
            allowed = principal.sub == pair.mentor_id
        elif principal.role == "mentee":
            mentees = (await session.exec(select(PairMentee.mentee_id).where(PairMentee.pair_id == pair.id))).all()
            allowed = principal.sub in mentees
        else:
            allowed = False
        if not allowed:
            raise NotFound(f"Пара {pair_id} не найдена")
        return pair

    async def _mentee_ids(self, work: Work, pair_id: str) -> list[str]:
        return list((await work.session.exec(select(PairMentee.mentee_id).where(PairMentee.pair_id == pair_id))).all())

    async def _mentor_load(self, work: Work, mentor_id: str) -> int:
        return (await self._mentor_loads(work, mentor_id)).get(mentor_id, 0)

    async def _mentor_loads(self, work: Work, mentor_id: str | None = None) -> dict[str, int]:
        """Places taken per mentor: mentees in formed pairs of every programme (flash pairs hold
        none). A capacity is the mentor's whole limit: enrolled in several programmes, they are
        not overloaded by each programme filling it anew."""
        query = (
            select(Pair.mentor_id, func.count())
            .select_from(PairMentee)
            .join(Pair, col(Pair.id) == col(PairMentee.pair_id))
            .where(Pair.status == "formed", or_(col(Pair.how).is_(None), Pair.how != "flash"))
            .group_by(Pair.mentor_id)
        )
        if mentor_id is not None:
            query = query.where(Pair.mentor_id == mentor_id)
        return dict((await work.session.exec(query)).all())

    async def _paired_mentees(self, work: Work, programme_id: str, statuses: tuple[str, ...] = ("formed", "completed")) -> set[str]:
        """Mentees out of the matcher's pool: in a formed pair, or through a completed one (a
        terminated pair's mentee may be matched again, with another mentor: end_pair excludes the
        old one). A curator forming a pair by hand is refused only a mentee in a formed pair: a new
        pair after a completed one is their deliberate decision, never the matcher's proposal."""
        query = (
            select(PairMentee.mentee_id)
            .join(Pair, col(Pair.id) == col(PairMentee.pair_id))
            .where(Pair.programme_id == programme_id, col(Pair.status).in_(statuses))
        )
        return set((await work.session.exec(query)).all())


_STATUS_RU = {
    "confirmed": "подтверждено",
    "rejected": "отклонено",
    "replaced": "заменено вручную",
    "withdrawn": "участник выбыл",
    "superseded": "заменено новым подбором",
}


async def _municipalities(session) -> dict[str, str]:  # noqa: ANN001
    return {s.school_id: s.municipality_id for s in (await session.exec(select(School))).all()}


async def _sees(session, principal: Principal, school_id: str | None) -> bool:  # noqa: ANN001
    if principal.scope == "region":
        return True
    if school_id is None:
        return False
    school = await session.get(School, school_id)
    return principal.sees_school(school_id, school.municipality_id if school else None)


def _out(pair: Pair, mentee_ids: list[str]) -> PairResult:
    return PairResult(
        id=pair.id, programme_id=pair.programme_id, school_id=pair.school_id, mentor_id=pair.mentor_id, mentee_ids=list(mentee_ids),
        form=pair.form, academic_year=pair.academic_year, status=pair.status, how=pair.how, end_reason=pair.end_reason,
    )
