"""A programme's activities (issue 15, seed 001 «Система программных мероприятий»): plan one with
its participants, change it, mark it held with who came, cancel it. Each change announces the
activity's whole state with counts only (registry.activity.saved.v1); a cancellation
registry.activity.cancelled.v1. A mixin of RegistryService."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry_year import ActivityCancelled, ActivitySaved
from shared.errors import Conflict, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.registry import domain_year
from services.registry.cases import RegistryBase, _actor, new_id
from services.registry.models import Enrolment, Participant, Programme
from services.registry.year_commands import ActivityPerson, ActivityResult, MarkHeld, PlanActivity
from services.registry.year_models import Activity, ActivityParticipant


def activity_saved(activity: Activity, programme: Programme, marks: dict[str, bool]) -> ActivitySaved:
    invited, attended = domain_year.attendance(marks)
    return ActivitySaved(activity_id=activity.id, programme_id=programme.id, school_id=programme.school_id,
                         academic_year=programme.academic_year, kind=activity.kind,
                         planned_on=activity.planned_on, held_on=activity.held_on,
                         participants_invited=invited, participants_attended=attended)


def activity_out(activity: Activity, programme: Programme, marks: dict[str, bool],
                 names: dict[str, str] | None = None) -> ActivityResult:
    invited, attended = domain_year.attendance(marks)
    people = None if names is None else [
        ActivityPerson(participant_id=pid, full_name=names.get(pid, ""), attended=came)
        for pid, came in sorted(marks.items(), key=lambda item: names.get(item[0], ""))]
    return ActivityResult(id=activity.id, programme_id=programme.id, school_id=activity.school_id,
                          academic_year=programme.academic_year, kind=activity.kind, title=activity.title,
                          planned_on=activity.planned_on, held_on=activity.held_on, place=activity.place,
                          format=activity.format, cancelled=activity.cancelled_at is not None,
                          participants_invited=invited, participants_attended=attended, participants=people)


async def marks_of(work: Work, activity_id: str) -> dict[str, bool]:
    rows = (await work.session.exec(select(ActivityParticipant).where(ActivityParticipant.activity_id == activity_id))).all()
    return {row.participant_id: row.attended for row in rows}


class YearActivities(RegistryBase):
    """Activities of a programme (a mixin of RegistryService)."""

    async def _programme_in(self, work: Work, programme_id: str, principal: Principal) -> Programme:
        programme = await work.session.get(Programme, programme_id)
        if programme is None:
            raise NotFound(f"Программа {programme_id} не найдена")
        await self._visible_school(work, programme.school_id, principal)
        return programme

    async def _activity_in(self, work: Work, activity_id: str, principal: Principal) -> tuple[Activity, Programme]:
        activity = await work.session.get(Activity, activity_id)
        if activity is None:
            raise NotFound(f"Мероприятие {activity_id} не найдено")
        return activity, await self._programme_in(work, activity.programme_id, principal)

    @staticmethod
    def _open(programme: Programme, activity: Activity | None = None) -> None:
        if programme.stage == "closed":
            raise Conflict("Программа завершена и не изменяется", field="programme_id")
        if activity is not None and activity.cancelled_at is not None:
            raise Conflict("Мероприятие отменено и не изменяется", field="activity_id")

    async def _check_participants(self, work: Work, programme: Programme, ids: list[str]) -> None:
        if not ids:
            return
        people = {p.id: p for p in (await work.session.exec(select(Participant).where(col(Participant.id).in_(ids)))).all()}
        enrolled = set((await work.session.exec(select(Enrolment.participant_id).where(
            Enrolment.programme_id == programme.id, col(Enrolment.participant_id).in_(ids), Enrolment.active == True))).all())  # noqa: E712
        for pid in ids:
            row = people.get(pid)
            person = None if row is None else domain_year.Person(
                id=row.id, school_id=row.school_id, category=row.category, active=row.status == "active",
                consented=row.consent_date is not None, enrolled=row.id in enrolled)
            problem = domain_year.activity_participant_problem(person, programme.school_id)
            if problem:
                raise Unprocessable(f"{problem}: {pid}", field="participant_ids")

    async def plan_activity(self, programme_id: str, body: PlanActivity, principal: Principal,
                            correlation_id: str | None = None) -> ActivityResult:
        async with self.uow(correlation_id) as work:
            programme = await self._programme_in(work, programme_id, principal)
            self._open(programme)
            ids = list(dict.fromkeys(body.participant_ids))
            await self._check_participants(work, programme, ids)
            activity = Activity(id=new_id(), programme_id=programme.id, school_id=programme.school_id, kind=body.kind,
                                title=body.title, planned_on=body.planned_on, place=body.place, format=body.format)
            work.session.add(activity)
            await work.session.flush()
            for pid in ids:
                work.session.add(ActivityParticipant(activity_id=activity.id, participant_id=pid))
            marks = dict.fromkeys(ids, False)
            work.emit(activity_saved(activity, programme, marks))
            self._audit(work, _actor(principal), "activity.planned", activity.id, programme.id)
            return activity_out(activity, programme, marks)

    async def change_activity(self, activity_id: str, changes: Mapping[str, Any], principal: Principal,
                              correlation_id: str | None = None) -> ActivityResult:
        """Change the fields given; `participant_ids` is the whole new list of participants."""
        async with self.uow(correlation_id) as work:
            activity, programme = await self._activity_in(work, activity_id, principal)
            self._open(programme, activity)
            fields = dict(changes)
            marks = await marks_of(work, activity.id)
            if "participant_ids" in fields:
                ids = list(dict.fromkeys(fields.pop("participant_ids") or []))
                await self._check_participants(work, programme, [i for i in ids if i not in marks])
                gone = [pid for pid in marks if pid not in ids]
                if gone:
                    await work.session.exec(delete(ActivityParticipant).where(
                        col(ActivityParticipant.activity_id) == activity.id, col(ActivityParticipant.participant_id).in_(gone)))
                for pid in ids:
                    if pid not in marks:
                        work.session.add(ActivityParticipant(activity_id=activity.id, participant_id=pid))
                marks = {pid: marks.get(pid, False) for pid in ids}
            for name, value in fields.items():
                setattr(activity, name, value)
            activity.updated_at = utcnow()
            work.session.add(activity)
            work.emit(activity_saved(activity, programme, marks))
            self._audit(work, _actor(principal), "activity.changed", activity.id, ",".join(sorted(changes)))
            return activity_out(activity, programme, marks)

    async def mark_held(self, activity_id: str, body: MarkHeld, principal: Principal,
                        correlation_id: str | None = None) -> ActivityResult:
        """Mark it held on a day with who came (again: the marks are corrected)."""
        async with self.uow(correlation_id) as work:
            activity, programme = await self._activity_in(work, activity_id, principal)
            self._open(programme, activity)
            problem = domain_year.held_problem(body.held_on, clock.today())
            if problem:
                raise Unprocessable(problem, field="held_on")
            marks = await marks_of(work, activity.id)
            stray = domain_year.unknown_ids(body.attended_ids, marks)
            if stray:
                raise Unprocessable(f"Отмечены люди, которых нет среди участников мероприятия: {', '.join(stray)}",
                                    field="attended_ids")
            came = set(body.attended_ids)
            rows = (await work.session.exec(select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id))).all()
            for row in rows:
                row.attended = row.participant_id in came
                work.session.add(row)
            marks = {pid: pid in came for pid in marks}
            activity.held_on = body.held_on
            activity.updated_at = utcnow()
            work.session.add(activity)
            work.emit(activity_saved(activity, programme, marks))
            self._audit(work, _actor(principal), "activity.held", activity.id, f"{len(came)}/{len(marks)}")
            return activity_out(activity, programme, marks)

    async def cancel_activity(self, activity_id: str, principal: Principal, correlation_id: str | None = None) -> ActivityResult:
        async with self.uow(correlation_id) as work:
            activity, programme = await self._activity_in(work, activity_id, principal)
            self._open(programme, activity)
            activity.cancelled_at = activity.updated_at = utcnow()
            work.session.add(activity)
            work.emit(ActivityCancelled(activity_id=activity.id, programme_id=programme.id, school_id=programme.school_id,
                                        academic_year=programme.academic_year))
            self._audit(work, _actor(principal), "activity.cancelled", activity.id, programme.id)
            return activity_out(activity, programme, await marks_of(work, activity.id))

    async def activities(self, programme_id: str, principal: Principal) -> list[ActivityResult]:
        """The programme's activities, planned first by date; counts, no names."""
        async with self.uow() as work:
            programme = await self._programme_in(work, programme_id, principal)
            activities = (await work.session.exec(select(Activity).where(Activity.programme_id == programme.id)
                                                  .order_by(col(Activity.planned_on), col(Activity.created_at)))).all()
            marks: dict[str, dict[str, bool]] = {a.id: {} for a in activities}
            if activities:
                rows = (await work.session.exec(select(ActivityParticipant).where(
                    col(ActivityParticipant.activity_id).in_(list(marks))))).all()
                for row in rows:
                    marks[row.activity_id][row.participant_id] = row.attended
            return [activity_out(a, programme, marks[a.id]) for a in activities]

    async def activity(self, activity_id: str, principal: Principal) -> ActivityResult:
        """One activity with its participants' names and marks."""
        async with self.uow() as work:
            activity, programme = await self._activity_in(work, activity_id, principal)
            marks = await marks_of(work, activity.id)
            names = {p.id: p.full_name for p in (await work.session.exec(
                select(Participant).where(col(Participant.id).in_(list(marks))))).all()} if marks else {}
            return activity_out(activity, programme, marks, names)


async def forget_attendance(work: Work, person_id: str) -> None:
    """Withdrawal: the person's attendance rows go; each activity they were in is announced
    again with its new counts."""
    rows = (await work.session.exec(select(ActivityParticipant).where(ActivityParticipant.participant_id == person_id))).all()
    for row in rows:
        await work.session.delete(row)
    await work.session.flush()
    for activity_id in sorted({row.activity_id for row in rows}):
        activity = await work.session.get(Activity, activity_id)
        programme = await work.session.get(Programme, activity.programme_id) if activity else None
        if activity is None or programme is None or activity.cancelled_at is not None:
            continue
        work.emit(activity_saved(activity, programme, await marks_of(work, activity.id)))
