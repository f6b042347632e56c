"""A pair's meetings (журнал встреч): recorded, changed and removed by the pair's mentor or the
school's curator, each with its event in the same unit of work; the mentees' own reflections;
and what a withdrawal erases of them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import col, delete, or_, select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.pairing import MeetingRecorded, MeetingRemoved
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.pairing import domain_meetings as rules
from services.pairing.meetings_commands import (
    MeetingDetails,
    MeetingLog,
    MeetingResult,
    ReflectionResult,
    WriteReflection,
)
from services.pairing.models import Candidate, Meeting, MeetingReflection, Pair, PairMentee, PlanMeasure
from services.pairing.pairs import PairingBase, _sees

LOG_READERS = ("school_curator", "mentor", "mentee")
"""Who reads a pair's log: its curator, mentor and mentees. The municipal coordinator and the
region see meeting counts in reports only, never the topics, notes or reflections."""
LOG_KEEPERS = ("school_curator", "mentor")
CLOSED = "Пара завершена: журнал встреч больше не меняется"


class MeetingUseCases(PairingBase):
    async def meeting_log(self, pair_id: str, principal: Principal, today: date | None = None) -> MeetingLog:
        async with self.db.sessions() as session:
            pair = await self._log_pair(session, pair_id, principal)
            mentees = await _mentees(session, pair.id)
            meetings = (
                await session.exec(
                    select(Meeting).where(Meeting.pair_id == pair.id).order_by(col(Meeting.held_on).desc(), col(Meeting.recorded_at).desc())
                )
            ).all()
            ids = [m.id for m in meetings]
            reflections = (
                (await session.exec(select(MeetingReflection).where(col(MeetingReflection.meeting_id).in_(ids)))).all() if ids else []
            )
        total = rules.summary(((m.held_on, m.minutes) for m in meetings), today or clock.today())
        return MeetingLog(
            pair_id=pair.id,
            status=pair.status,
            summary=total,
            meetings=[_out(m, [r for r in reflections if r.meeting_id == m.id], principal, len(mentees)) for m in meetings],
        )

    async def record_meeting(
        self, pair_id: str, request: MeetingDetails, principal: Principal, correlation_id: str | None = None
    ) -> MeetingResult:
        async with self.uow(correlation_id) as work:
            pair = await self._log_keeper(work, pair_id, principal)
            await _check(work, pair, request)
            meeting = Meeting(id=str(uuid.uuid4()), pair_id=pair.id, recorded_by=principal.sub, **_fields(request))
            work.session.add(meeting)
            work.emit(_recorded(pair, meeting))
            mentees = await _mentees(work.session, pair.id)
        return _out(meeting, [], principal, len(mentees))

    async def change_meeting(
        self, pair_id: str, meeting_id: str, request: MeetingDetails, principal: Principal, correlation_id: str | None = None
    ) -> MeetingResult:
        async with self.uow(correlation_id) as work:
            pair = await self._log_keeper(work, pair_id, principal)
            meeting = await _meeting(work, pair, meeting_id)
            await _check(work, pair, request)
            for name, value in _fields(request).items():
                setattr(meeting, name, value)
            meeting.updated_at = utcnow()
            work.session.add(meeting)
            work.emit(_recorded(pair, meeting))
            reflections = (await work.session.exec(select(MeetingReflection).where(MeetingReflection.meeting_id == meeting.id))).all()
            mentees = await _mentees(work.session, pair.id)
        return _out(meeting, list(reflections), principal, len(mentees))

    async def remove_meeting(self, pair_id: str, meeting_id: str, principal: Principal, correlation_id: str | None = None) -> None:
        async with self.uow(correlation_id) as work:
            pair = await self._log_keeper(work, pair_id, principal)
            meeting = await _meeting(work, pair, meeting_id)
            await work.session.exec(delete(MeetingReflection).where(col(MeetingReflection.meeting_id) == meeting.id))
            await work.session.delete(meeting)
            work.emit(
                MeetingRemoved(
                    meeting_id=meeting.id,
                    pair_id=pair.id,
                    programme_id=pair.programme_id,
                    school_id=pair.school_id,
                    academic_year=pair.academic_year,
                    held_on=meeting.held_on,
                )
            )

    async def put_reflection(
        self, pair_id: str, meeting_id: str, request: WriteReflection, principal: Principal, correlation_id: str | None = None
    ) -> ReflectionResult:
        """The calling mentee's own reflection, written or rewritten (only a mentee of the pair)."""
        text = request.text.strip()
        if not text:
            raise Unprocessable("Напишите несколько слов: что получилось, что было полезно, что дальше", field="text")
        async with self.uow(correlation_id) as work:
            pair = await self._log_pair(work.session, pair_id, principal)
            if principal.role != "mentee":
                raise Forbidden("Отзыв о встрече пишет наставляемый")
            if pair.status != "formed":
                raise Conflict(CLOSED)
            meeting = await _meeting(work, pair, meeting_id)
            reflection = await work.session.get(MeetingReflection, (meeting.id, principal.sub))
            reflection = reflection or MeetingReflection(meeting_id=meeting.id, mentee_id=principal.sub, text=text)
            reflection.text, reflection.usefulness, reflection.written_at = text, request.usefulness, utcnow()
            work.session.add(reflection)
        return _reflection(reflection)

    async def erase_meetings_of(self, work: Work, person: str) -> None:
        """A withdrawal: the person's reflections go; as the mentor, their notes on every meeting of
        their pairs; as a mentee of a pair of one, the mentor's notes about them; any topic or note
        that could name them (domain_meetings.names_person) is replaced. Dates and lengths stay."""
        session = work.session
        await session.exec(delete(MeetingReflection).where(col(MeetingReflection.mentee_id) == person))
        candidate = await session.get(Candidate, person)
        name = candidate.display_name if candidate else None
        as_mentee = select(PairMentee.pair_id).where(PairMentee.mentee_id == person)
        pairs = (await session.exec(select(Pair).where(or_(Pair.mentor_id == person, col(Pair.id).in_(as_mentee))))).all()
        for pair in pairs:
            alone = pair.mentor_id == person or len(await _mentees(session, pair.id)) == 1
            for meeting in (await session.exec(select(Meeting).where(Meeting.pair_id == pair.id))).all():
                if meeting.note is not None and (alone or rules.names_person(meeting.note, name)):
                    meeting.note = None
                if rules.names_person(meeting.topic, name):
                    meeting.topic = rules.ERASED
                session.add(meeting)

    async def _log_pair(self, session, pair_id: str, principal: Principal) -> Pair:  # noqa: ANN001
        """The pair, for the school's curator, its mentor or one of its mentees; another pair's
        mentor or mentee of the same school: 403; beyond the caller's school: 404."""
        pair = await session.get(Pair, pair_id)
        if pair is None or not await _sees(session, principal, pair.school_id):
            raise NotFound(f"Пара {pair_id} не найдена")
        if principal.role not in LOG_READERS:
            raise Forbidden("Журнал встреч видят куратор школы, наставник и наставляемые пары")
        if principal.role == "mentor" and principal.sub != pair.mentor_id:
            raise Forbidden("Это журнал встреч другой пары")
        if principal.role == "mentee" and principal.sub not in await _mentees(session, pair.id):
            raise Forbidden("Это журнал встреч другой пары")
        return pair

    async def _log_keeper(self, work: Work, pair_id: str, principal: Principal) -> Pair:
        pair = await self._log_pair(work.session, pair_id, principal)
        if principal.role not in LOG_KEEPERS:
            raise Forbidden("Встречи записывают наставник пары и куратор; наставляемый пишет свой отзыв")
        if pair.status != "formed":
            raise Conflict(CLOSED)
        return pair


async def _mentees(session, pair_id: str) -> list[str]:  # noqa: ANN001
    return list((await session.exec(select(PairMentee.mentee_id).where(PairMentee.pair_id == pair_id))).all())


async def _meeting(work: Work, pair: Pair, meeting_id: str) -> Meeting:
    meeting = await work.session.get(Meeting, meeting_id)
    if meeting is None or meeting.pair_id != pair.id:
        raise NotFound(f"Встреча {meeting_id} не найдена")
    return meeting


async def _check(work: Work, pair: Pair, request: MeetingDetails) -> None:
    """422 naming the field: the dates and length (domain_meetings), an empty topic, a measure not
    of this pair's plan."""
    problem = rules.meeting_problem(request.held_on, request.minutes, formed_on=clock.local_date(pair.formed_at), today=clock.today())
    if problem:
        raise Unprocessable(problem[1], field=problem[0])
    if not request.topic.strip():
        raise Unprocessable("Укажите тему встречи", field="topic")
    if request.measure_ids:
        known = set(
            (await work.session.exec(select(PlanMeasure.id).where(PlanMeasure.pair_id == pair.id, col(PlanMeasure.id).in_(request.measure_ids)))).all()
        )
        unknown = [m for m in request.measure_ids if m not in known]
        if unknown:
            raise Unprocessable(f"Мероприятие {unknown[0]} не из плана этой пары", field="measure_ids")


def _fields(request: MeetingDetails) -> dict:
    return {
        "held_on": request.held_on,
        "minutes": request.minutes,
        "format": request.format,
        "topic": request.topic.strip(),
        "measure_ids": list(dict.fromkeys(request.measure_ids)),
        "note": (request.note or "").strip() or None,
    }


def _recorded(pair: Pair, meeting: Meeting) -> MeetingRecorded:
    return MeetingRecorded(
        meeting_id=meeting.id,
        pair_id=pair.id,
        programme_id=pair.programme_id,
        school_id=pair.school_id,
        academic_year=pair.academic_year,
        held_on=meeting.held_on,
        minutes=meeting.minutes,
    )


def _out(meeting: Meeting, reflections: list[MeetingReflection], principal: Principal, mentees: int) -> MeetingResult:
    """A meeting as the caller may see it: a mentee neither the mentor's note nor the others' reflections."""
    mentee = principal.role == "mentee"
    shown = [r for r in reflections if not mentee or r.mentee_id == principal.sub]
    return MeetingResult(
        id=meeting.id,
        pair_id=meeting.pair_id,
        held_on=meeting.held_on,
        minutes=meeting.minutes,
        format=meeting.format,
        topic=meeting.topic,
        measure_ids=list(meeting.measure_ids),
        note=None if mentee else meeting.note,
        reflections=[_reflection(r) for r in sorted(shown, key=lambda r: r.mentee_id)],
        reflections_expected=mentees,
    )


def _reflection(reflection: MeetingReflection) -> ReflectionResult:
    return ReflectionResult(
        mentee_id=reflection.mentee_id, text=reflection.text, usefulness=reflection.usefulness, written_at=reflection.written_at,
    )
