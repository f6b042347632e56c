"""Pairing use cases (one service for the routes and handlers): candidates from events,
withdrawals and pairs here; the matcher in `matching.py`, what both sides state in
`preferences.py`, development plans in `plans.py`, the shared core in `pairs.py`."""

from __future__ import annotations

from sqlmodel import col, delete, or_, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry import ParticipantWithdrawn
from shared.contracts.surveys import DEFICIT_INSTRUMENT, INTERESTS_INSTRUMENT, ResponseCompleted
from shared.db import lock_key
from shared.errors import Conflict, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.pairing import profiles
from services.pairing.commands import EndPair, FormPair, PairResult
from services.pairing.matching import MatchingUseCases
from services.pairing.meetings import MeetingUseCases
from services.pairing.models import (
    Candidate,
    EndedEnrolment,
    Exclusion,
    Interests,
    MentorLimit,
    MentorPreference,
    Pair,
    PairMentee,
    PlanMeasure,
    Preference,
    Profile,
    ProgrammeEnrolment,
    Proposal,
    Withdrawn,
)
from services.pairing.pairs import CURATORS, ERASED_NAME, WITHDRAWN_REASON, _municipalities, _out
from services.pairing.plans import PlanUseCases
from services.pairing.preferences import PreferenceUseCases

__all__ = ["CURATORS", "ERASED_NAME", "WITHDRAWN_REASON", "PairingService", "reads_profile"]


class PairingService(MatchingUseCases, PreferenceUseCases, PlanUseCases, MeetingUseCases):
    async def record_profile(self, work: Work, event: ResponseCompleted) -> None:
        """A completed deficit diagnostic sets the respondent's deficit profile, a professional-
        interest diagnostic their interests (latest wins)."""
        if not reads_profile(event):
            return
        if await work.session.get(Withdrawn, event.respondent_id):
            return
        if event.instrument.code == INTERESTS_INSTRUMENT:
            levels = profiles.interest_levels(event.scores)
            await work.session.merge(Interests(participant_id=event.respondent_id, levels=levels, response_id=event.response_id))
            return
        await work.session.merge(
            Profile(
                participant_id=event.respondent_id,
                deficits=profiles.deficit_levels(event.scores),
                response_id=event.response_id,
                updated_at=utcnow(),
            )
        )

    async def withdraw(self, work: Work, event: ParticipantWithdrawn) -> None:
        """The person leaves every pair (ended as terminated; a group goes on without them), their
        open proposals lapse, and their personal data in pairing is erased."""
        person = event.participant_id
        session = work.session
        await session.merge(Withdrawn(participant_id=person))
        await self.erase_meetings_of(work, person)  # before the candidate (their name) goes
        as_mentee = select(PairMentee.pair_id).where(PairMentee.mentee_id == person)
        pairs = (
            await session.exec(
                select(Pair).where(Pair.status == "formed", or_(Pair.mentor_id == person, col(Pair.id).in_(as_mentee)))
            )
        ).all()
        for pair in pairs:
            mentees = await self._mentee_ids(work, pair.id)
            self._end(work, pair, mentees, "terminated", WITHDRAWN_REASON)
            remaining = [m for m in mentees if m != person]
            if pair.mentor_id != person and remaining:
                self._form(work, pair.programme_id, pair.school_id, pair.mentor_id, remaining, pair.form, pair.how, pair.academic_year)
            if pair.mentor_id != person:  # the mentee's own views in the plan are theirs: erase
                for measure in (await session.exec(select(PlanMeasure).where(PlanMeasure.pair_id == pair.id))).all():
                    measure.mentee_view = None
                    session.add(measure)
        proposals = (await session.exec(select(Proposal).where(Proposal.status == "proposed"))).all()
        for proposal in proposals:
            if proposal.mentor_id == person or any(m["mentee_id"] == person for m in proposal.members):
                proposal.status = "withdrawn"
                proposal.note = WITHDRAWN_REASON
                session.add(proposal)
        await session.exec(delete(Candidate).where(col(Candidate.participant_id) == person))
        await session.exec(delete(Profile).where(col(Profile.participant_id) == person))
        await session.exec(delete(Interests).where(col(Interests.participant_id) == person))
        await session.exec(delete(ProgrammeEnrolment).where(col(ProgrammeEnrolment.participant_id) == person))
        await session.exec(delete(EndedEnrolment).where(col(EndedEnrolment.participant_id) == person))
        for table in (Preference, MentorPreference):
            await session.exec(
                delete(table).where(or_(col(table.mentee_id) == person, col(table.mentor_id) == person))
            )
        await session.exec(
            delete(Exclusion).where(or_(col(Exclusion.mentee_id) == person, col(Exclusion.mentor_id) == person))
        )
        await session.exec(delete(MentorLimit).where(col(MentorLimit.mentor_id) == person))
        for limit in (await session.exec(select(MentorLimit))).all():  # a refusal names the person: erase it
            if person in limit.refused:
                limit.refused = [m for m in limit.refused if m != person]
                session.add(limit)

    async def form_pair(
        self, programme_id: str, request: FormPair, principal: Principal, correlation_id: str | None = None
    ) -> PairResult:
        how = request.how or ("group" if len(request.mentee_ids) > 1 else "one_to_one")
        async with self.uow(correlation_id) as work:
            await lock_key(work.session, f"pairing:{programme_id}")
            pair = await self._form_checked(work, programme_id, request.mentor_id, request.mentee_ids, request.form, how, principal)
        return _out(pair, request.mentee_ids)

    async def pairs(self, programme_id: str, principal: Principal) -> list[PairResult]:
        async with self.db.sessions() as session:
            pairs = (await session.exec(select(Pair).where(Pair.programme_id == programme_id))).all()
            municipalities = await _municipalities(session)
            result = []
            for pair in pairs:
                if not principal.sees_school(pair.school_id, municipalities.get(pair.school_id)):
                    continue
                mentees = (await session.exec(select(PairMentee.mentee_id).where(PairMentee.pair_id == pair.id))).all()
                result.append(_out(pair, list(mentees)))
        return result

    async def end_pair(
        self, programme_id: str, pair_id: str, request: EndPair, principal: Principal, correlation_id: str | None = None
    ) -> PairResult:
        if request.outcome == "terminated" and not (request.reason or "").strip():
            raise Unprocessable("Укажите причину досрочного завершения", field="reason")
        async with self.uow(correlation_id) as work:
            pair = await self._pair(work, pair_id, principal)
            if pair.programme_id != programme_id:
                raise NotFound(f"Пара {pair_id} не найдена")
            if pair.status != "formed":
                raise Conflict("Пара уже завершена")
            mentees = await self._mentee_ids(work, pair.id)
            self._end(work, pair, mentees, request.outcome, request.reason)
            if request.outcome == "terminated":  # not proposed again
                for mentee in mentees:
                    await work.session.merge(
                        Exclusion(programme_id=programme_id, mentor_id=pair.mentor_id, mentee_id=mentee, reason=request.reason)
                    )
        return _out(pair, mentees)


def reads_profile(event: ResponseCompleted) -> bool:
    """Pairing keeps the deficit self-diagnosis and the pupils' professional interests (profiles
    for matching); other questionnaires are not its business."""
    return event.instrument.code in (DEFICIT_INSTRUMENT, INTERESTS_INSTRUMENT)
