"""What both sides state before a run: the mentee's and the mentor's rankings, the curator's
exclusions (and the mentor's own limits)."""

from __future__ import annotations

from sqlmodel import col, delete, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.errors import Forbidden, NotFound, Unprocessable

from services.pairing.commands import ExcludePair, MentorLimitsResult, RankMentees, RankMentors, SetMentorLimits
from services.pairing.models import (
    Exclusion,
    MentorLimit,
    MentorPreference,
    Preference,
)
from services.pairing.pairs import CURATORS, PairingBase, _sees


class PreferenceUseCases(PairingBase):
    async def exclude(
        self, programme_id: str, request: ExcludePair, principal: Principal, correlation_id: str | None = None
    ) -> None:
        async with self.uow(correlation_id) as work:
            await self._visible_enrolments(work.session, programme_id, principal)
            await self._enrolment(work, request.mentor_id, programme_id, "mentor")  # 404 naming who is not enrolled
            await self._enrolment(work, request.mentee_id, programme_id, "mentee")
            await work.session.merge(
                Exclusion(programme_id=programme_id, mentor_id=request.mentor_id, mentee_id=request.mentee_id, reason=request.reason)
            )

    async def set_preferences(
        self, programme_id: str, mentee_id: str, request: RankMentors, principal: Principal, correlation_id: str | None = None
    ) -> list[str]:
        """The preference questionnaire's answer: the mentee's ranking of mentors (first = rank 1).
        Recorded by the curator, or by the mentee themself; replaces the earlier ranking."""
        if principal.role == "mentee" and principal.sub != mentee_id:
            raise Forbidden("Наставляемый указывает только свои предпочтения")
        if principal.role not in (*CURATORS, "mentee"):
            raise Forbidden("Предпочтения указывает наставляемый или куратор")
        if len(set(request.mentor_ids)) != len(request.mentor_ids):
            raise Unprocessable("Наставник указан дважды", field="mentor_ids")
        async with self.uow(correlation_id) as work:
            mentee = await self._enrolment(work, mentee_id, programme_id, "mentee")
            if principal.role in CURATORS and not await _sees(work.session, principal, mentee.school_id):
                raise NotFound(f"Наставляемый {mentee_id} не зачислен в программу {programme_id}")
            for mentor_id in request.mentor_ids:
                await self._enrolment(work, mentor_id, programme_id, "mentor")
            await work.session.exec(
                delete(Preference).where(col(Preference.programme_id) == programme_id, col(Preference.mentee_id) == mentee_id)
            )
            for rank, mentor_id in enumerate(request.mentor_ids, start=1):
                work.session.add(Preference(programme_id=programme_id, mentee_id=mentee_id, mentor_id=mentor_id, rank=rank))
        return list(request.mentor_ids)

    async def set_mentor_preferences(
        self, programme_id: str, mentor_id: str, request: RankMentees, principal: Principal, correlation_id: str | None = None
    ) -> list[str]:
        """The mentor's ranking of mentees (first = rank 1), by the mentor or a curator; replaces the earlier one."""
        if principal.role == "mentor" and principal.sub != mentor_id:
            raise Forbidden("Наставник указывает только свои предпочтения")
        if principal.role not in (*CURATORS, "mentor"):
            raise Forbidden("Предпочтения наставника указывает наставник или куратор")
        if len(set(request.mentee_ids)) != len(request.mentee_ids):
            raise Unprocessable("Наставляемый указан дважды", field="mentee_ids")
        async with self.uow(correlation_id) as work:
            mentor = await self._enrolment(work, mentor_id, programme_id, "mentor")
            if principal.role in CURATORS and not await _sees(work.session, principal, mentor.school_id):
                raise NotFound(f"Наставник {mentor_id} не зачислен в программу {programme_id}")
            for mentee_id in request.mentee_ids:
                await self._enrolment(work, mentee_id, programme_id, "mentee")
            await work.session.exec(
                delete(MentorPreference).where(col(MentorPreference.programme_id) == programme_id, col(MentorPreference.mentor_id) == mentor_id)
            )
            for rank, mentee_id in enumerate(request.mentee_ids, start=1):
                work.session.add(MentorPreference(programme_id=programme_id, mentor_id=mentor_id, mentee_id=mentee_id, rank=rank))
        return list(request.mentee_ids)

    async def mentor_limits(self, programme_id: str, mentor_id: str, principal: Principal) -> MentorLimitsResult:
        async with self.uow() as work:
            await self._mentor_in_scope(work, programme_id, mentor_id, principal)
            limit = await work.session.get(MentorLimit, (programme_id, mentor_id))
        return _limits_out(programme_id, mentor_id, limit)

    async def set_mentor_limits(
        self, programme_id: str, mentor_id: str, request: SetMentorLimits, principal: Principal, correlation_id: str | None = None
    ) -> MentorLimitsResult:
        """The mentor's own hard rules (by the mentor, or a curator on their behalf): the matcher
        never proposes a refused mentee, nor a pupil outside the grades. Replaces the old ones."""
        refused = list(dict.fromkeys(request.refused_ids))
        if len(refused) != len(request.refused_ids):
            raise Unprocessable("Наставляемый указан дважды", field="refused_ids")
        if request.grade_from and request.grade_to and request.grade_from > request.grade_to:
            raise Unprocessable("Класс «с» больше класса «по»", field="grade_from")
        async with self.uow(correlation_id) as work:
            await self._mentor_in_scope(work, programme_id, mentor_id, principal)
            for mentee_id in refused:
                await self._enrolment(work, mentee_id, programme_id, "mentee")  # 404 naming who is not enrolled
            limit = MentorLimit(
                programme_id=programme_id,
                mentor_id=mentor_id,
                refused=refused,
                grade_from=request.grade_from,
                grade_to=request.grade_to,
                reason=(request.reason or "").strip() or None,
                updated_by=principal.sub,
                updated_at=utcnow(),
            )
            if refused or request.grade_from or request.grade_to:
                await work.session.merge(limit)
            else:  # nothing stated: no limits
                await work.session.exec(
                    delete(MentorLimit).where(col(MentorLimit.programme_id) == programme_id, col(MentorLimit.mentor_id) == mentor_id)
                )
        return _limits_out(programme_id, mentor_id, limit)

    async def _mentor_in_scope(self, work, programme_id: str, mentor_id: str, principal: Principal) -> None:  # noqa: ANN001
        """The mentor themself, or a curator who sees the mentor's school; others: 403/404."""
        if principal.role == "mentor" and principal.sub != mentor_id:
            raise Forbidden("Наставник указывает только свои ограничения")
        if principal.role not in (*CURATORS, "mentor"):
            raise Forbidden("Ограничения наставника указывает наставник или куратор")
        mentor = await self._enrolment(work, mentor_id, programme_id, "mentor")
        if principal.role in CURATORS and not await _sees(work.session, principal, mentor.school_id):
            raise NotFound(f"Наставник {mentor_id} не зачислен в программу {programme_id}")


async def limits_of(session, programme_id: str) -> list[MentorLimit]:  # noqa: ANN001
    return list((await session.exec(select(MentorLimit).where(MentorLimit.programme_id == programme_id))).all())


def _limits_out(programme_id: str, mentor_id: str, limit: MentorLimit | None) -> MentorLimitsResult:
    if limit is None:
        return MentorLimitsResult(programme_id=programme_id, mentor_id=mentor_id)
    return MentorLimitsResult(
        programme_id=programme_id,
        mentor_id=mentor_id,
        refused_ids=list(limit.refused),
        grade_from=limit.grade_from,
        grade_to=limit.grade_to,
        reason=limit.reason,
    )
