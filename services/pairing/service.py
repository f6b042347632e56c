"""Pairing use cases: candidates from events, the matcher's runs and the curator's decisions,
pairs from formed to ended, withdrawals, development plans."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from sqlmodel import col, delete, func, or_, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.pairing import (
    MatchingCompleted,
    PairEnded,
    PairFormed,
    PlanMeasureCompleted,
    PlanUpdated,
)
from shared.contracts.registry import ParticipantWithdrawn
from shared.contracts.surveys import DEFICIT_INSTRUMENT, INTERESTS_INSTRUMENT, ResponseCompleted
from shared.db import Database, lock_key
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work

from services.pairing import domain, profiles, vocabulary
from services.pairing.models import (
    Candidate,
    EndedEnrolment,
    Exclusion,
    Interests,
    MatchingRun,
    MatchingSettings,
    MentorPreference,
    Pair,
    PairMentee,
    Plan,
    PlanMeasure,
    Preference,
    Profile,
    ProgrammeEnrolment,
    Proposal,
    School,
    Withdrawn,
)
from services.pairing.schemas import (
    EndIn,
    ExclusionIn,
    GoalIn,
    MatchingSettingsIn,
    MatchingSettingsOut,
    MeasureIn,
    MeasureOut,
    MeasureResultIn,
    MemberOut,
    MentorPreferencesIn,
    PairIn,
    PairOut,
    PlanIn,
    PlanOut,
    PreferencesIn,
    ProposalOut,
    RejectIn,
    ReplaceIn,
    RunIn,
    RunOut,
    UnmatchedOut,
)

CURATORS = ("region_admin", "municipal_coordinator", "school_curator")
WITHDRAWN_REASON = "Участник выбыл из программы"
ERASED_NAME = "Данные удалены"


def reads_profile(event: ResponseCompleted) -> bool:
    """Pairing keeps the deficit self-diagnosis and the pupils' professional interests (profiles
    for matching); other questionnaires are not its business."""
    return event.instrument.code in (DEFICIT_INSTRUMENT, INTERESTS_INSTRUMENT)


class PairingService:
    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.uow = uow

    # -- candidates from events ---------------------------------------------------------------

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

    # -- the manual pair (kept for scenario.py and school systems) -------------------------------

    async def form_pair(
        self, programme_id: str, request: PairIn, principal: Principal, correlation_id: str | None = None
    ) -> PairOut:
        how = request.how or ("group" if len(request.mentee_ids) > 1 else "one_to_one")
        async with self.uow(correlation_id) as work:
            await lock_key(work.session, f"pairing:{programme_id}")
            pair = await self._form_checked(work, programme_id, request.mentor_id, request.mentee_ids, request.form, how, principal)
        return _out(pair, request.mentee_ids)

    async def pairs(self, programme_id: str, principal: Principal) -> list[PairOut]:
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
        self, programme_id: str, pair_id: str, request: EndIn, principal: Principal, correlation_id: str | None = None
    ) -> PairOut:
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

    # -- the matcher's settings and runs --------------------------------------------------------

    async def settings(self, programme_id: str, principal: Principal) -> MatchingSettingsOut:
        async with self.db.sessions() as session:
            await self._visible_enrolments(session, programme_id, principal)
            return _settings_out(await session.get(MatchingSettings, programme_id) or MatchingSettings(programme_id=programme_id))

    async def update_settings(
        self, programme_id: str, request: MatchingSettingsIn, principal: Principal, correlation_id: str | None = None
    ) -> MatchingSettingsOut:
        async with self.uow(correlation_id) as work:
            await self._visible_enrolments(work.session, programme_id, principal)
            current = await work.session.get(MatchingSettings, programme_id) or MatchingSettings(programme_id=programme_id)
            changes = request.model_dump(exclude_none=True)
            if "weights" in changes:
                changes["weights"] = {**_weights(current), **changes["weights"]}
            updated = MatchingSettings(**{**current.model_dump(), **changes, "updated_by": principal.sub, "updated_at": utcnow()})
            problems = _rules(updated).problems()
            if problems:
                raise Unprocessable("; ".join(problems), field="weights" if "критерий" in problems[0] else None)
            await work.session.merge(updated)
        return _settings_out(updated)

    async def run_matcher(
        self, programme_id: str, request: RunIn, principal: Principal, correlation_id: str | None = None
    ) -> RunOut:
        async with self.uow(correlation_id) as work:
            session = work.session
            await lock_key(session, f"pairing:{programme_id}")
            enrolments = await self._visible_enrolments(session, programme_id, principal)
            settings = await session.get(MatchingSettings, programme_id) or MatchingSettings(programme_id=programme_id)
            if request.objective:
                settings = MatchingSettings(**{**settings.model_dump(), "objective": request.objective})
            rules = _rules(settings)
            schools = {e.school_id for e in enrolments}
            visible_schools = sorted(schools)
            # open proposals of earlier runs in these schools lapse: this run replaces them
            for old in (
                await session.exec(select(Proposal).where(Proposal.programme_id == programme_id, Proposal.status == "proposed"))
            ).all():
                if old.school_id in schools:
                    old.status = "superseded"
                    session.add(old)
            paired = await self._paired_mentees(work, programme_id)
            loads = await self._mentor_loads(work)
            people = {c.participant_id: c for c in (await session.exec(select(Candidate))).all()}
            deficits_of = {p.participant_id: p.deficits for p in (await session.exec(select(Profile))).all()}
            interests_of = {i.participant_id: i.levels for i in (await session.exec(select(Interests))).all()}
            municipalities = await _municipalities(session)
            mentees, mentors, mentor_school = [], [], {}
            for enrolment in enrolments:
                candidate = people.get(enrolment.participant_id)
                if candidate is None:
                    continue  # registration not arrived yet
                base = dict(
                    participant_id=candidate.participant_id,
                    category=candidate.category,
                    school_id=candidate.school_id,
                    municipality_id=municipalities.get(candidate.school_id),
                    subjects=tuple(candidate.subjects),
                    experience_years=candidate.experience_years,
                    grade=candidate.grade,
                )
                deficits = deficits_of.get(candidate.participant_id)
                if enrolment.role == "mentee" and candidate.participant_id not in paired:
                    priority = candidate.young_specialist or bool(candidate.newly_arrived)
                    interests = interests_of.get(candidate.participant_id, {})
                    mentees.append(domain.Participant(**base, profile=deficits or {}, priority=priority, interests=interests))
                elif enrolment.role == "mentor":
                    strengths = (
                        profiles.strength_levels(deficits)
                        if deficits
                        else profiles.strengths_from_subjects(candidate.subjects, candidate.experience_years)
                    )
                    mentor_school[candidate.participant_id] = enrolment.school_id
                    load = 0 if rules.how == "flash" else loads.get(candidate.participant_id, 0)
                    shows = (  # a pupil mentor shares their own interests; others show their work
                        interests_of.get(candidate.participant_id, {})
                        if candidate.category == "pupil"
                        else profiles.offered_types(candidate.category, candidate.subjects)
                    )
                    mentors.append(
                        domain.Participant(**base, profile=strengths, capacity=enrolment.capacity or 1, load=load, interests=shows)
                    )
            exclusions = [
                (x.mentor_id, x.mentee_id)
                for x in (await session.exec(select(Exclusion).where(Exclusion.programme_id == programme_id))).all()
            ]
            preferences = {
                (p.mentee_id, p.mentor_id): p.rank
                for p in (await session.exec(select(Preference).where(Preference.programme_id == programme_id))).all()
            }
            wished = {
                (p.mentee_id, p.mentor_id): p.rank
                for p in (await session.exec(select(MentorPreference).where(MentorPreference.programme_id == programme_id))).all()
            }
            words = await vocabulary.load(session)
            result = await asyncio.to_thread(domain.match, mentees, mentors, rules, exclusions, preferences, words, wished)
            run = MatchingRun(
                id=str(uuid.uuid4()),
                programme_id=programme_id,
                school_id=visible_schools[0] if len(visible_schools) == 1 else None,
                started_by=principal.sub,
                rules=_rules_dict(settings),
                mentees=len(mentees),
                mentors=len(mentors),
                matched=len(result.assignments),
                total_score=result.total_score,
                optimum_score=result.optimum_score,
                unmatched=[u.__dict__ for u in result.unmatched],
            )
            session.add(run)
            proposals = _proposals(run, result, rules.how, settings.form, mentor_school)
            for proposal in proposals:
                session.add(proposal)
            academic_year = enrolments[0].academic_year if enrolments else None
            work.emit(
                MatchingCompleted(
                    run_id=run.id,
                    programme_id=programme_id,
                    school_id=run.school_id,
                    academic_year=academic_year,
                    objective=rules.objective,
                    form=rules.form,
                    how=rules.how,
                    mentees=len(mentees),
                    mentors=len(mentors),
                    matched=run.matched,
                    unmatched=len(result.unmatched),
                    total_score=run.total_score,
                )
            )
        return _run_out(run, proposals, people)

    async def run(self, programme_id: str, run_id: str, principal: Principal) -> RunOut:
        async with self.db.sessions() as session:
            await self._visible_enrolments(session, programme_id, principal)
            run = await session.get(MatchingRun, run_id)
            if run is None or run.programme_id != programme_id or not await _sees(session, principal, run.school_id):
                raise NotFound(f"Подбор {run_id} не найден")
            proposals = (await session.exec(select(Proposal).where(Proposal.run_id == run_id))).all()
            people = {c.participant_id: c for c in (await session.exec(select(Candidate))).all()}
        return _run_out(run, list(proposals), people)

    async def proposal(self, programme_id: str, proposal_id: str, principal: Principal) -> ProposalOut:
        async with self.db.sessions() as session:
            proposal = await self._proposal(session, programme_id, proposal_id, principal)
            people = {c.participant_id: c for c in (await session.exec(select(Candidate))).all()}
        return _proposal_out(proposal, people)

    async def confirm(
        self, programme_id: str, proposal_id: str, principal: Principal, correlation_id: str | None = None
    ) -> PairOut:
        async with self.uow(correlation_id) as work:
            await lock_key(work.session, f"pairing:{programme_id}")
            proposal = await self._open_proposal(work, programme_id, proposal_id, principal)
            mentee_ids = [m["mentee_id"] for m in proposal.members]
            pair = await self._form_checked(
                work, programme_id, proposal.mentor_id, mentee_ids, proposal.form, proposal.how, principal, proposal.id
            )
            self._decide(proposal, "confirmed", principal, pair_id=pair.id)
            work.session.add(proposal)
        return _out(pair, mentee_ids)

    async def reject(
        self, programme_id: str, proposal_id: str, request: RejectIn, principal: Principal, correlation_id: str | None = None
    ) -> ProposalOut:
        async with self.uow(correlation_id) as work:
            proposal = await self._open_proposal(work, programme_id, proposal_id, principal)
            for member in proposal.members:  # the matcher will not propose this pair again
                await work.session.merge(
                    Exclusion(
                        programme_id=programme_id,
                        mentor_id=proposal.mentor_id,
                        mentee_id=member["mentee_id"],
                        reason=request.reason or "Отклонено куратором",
                    )
                )
            self._decide(proposal, "rejected", principal, note=request.reason)
            work.session.add(proposal)
            people = {c.participant_id: c for c in (await work.session.exec(select(Candidate))).all()}
        return _proposal_out(proposal, people)

    async def replace(
        self, programme_id: str, proposal_id: str, request: ReplaceIn, principal: Principal, correlation_id: str | None = None
    ) -> PairOut:
        async with self.uow(correlation_id) as work:
            await lock_key(work.session, f"pairing:{programme_id}")
            proposal = await self._open_proposal(work, programme_id, proposal_id, principal)
            mentee_ids = [m["mentee_id"] for m in proposal.members]
            pair = await self._form_checked(
                work, programme_id, request.mentor_id, mentee_ids, proposal.form, proposal.how, principal, proposal.id
            )
            self._decide(proposal, "replaced", principal, pair_id=pair.id, note=request.reason)
            work.session.add(proposal)
        return _out(pair, mentee_ids)

    async def exclude(
        self, programme_id: str, request: ExclusionIn, principal: Principal, correlation_id: str | None = None
    ) -> None:
        async with self.uow(correlation_id) as work:
            await self._visible_enrolments(work.session, programme_id, principal)
            await self._enrolment(work, request.mentor_id, programme_id, "mentor")  # 404 naming who is not enrolled
            await self._enrolment(work, request.mentee_id, programme_id, "mentee")
            await work.session.merge(
                Exclusion(programme_id=programme_id, mentor_id=request.mentor_id, mentee_id=request.mentee_id, reason=request.reason)
            )

    async def set_preferences(
        self, programme_id: str, mentee_id: str, request: PreferencesIn, principal: Principal, correlation_id: str | None = None
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
        return request.mentor_ids

    async def set_mentor_preferences(
        self, programme_id: str, mentor_id: str, request: MentorPreferencesIn, principal: Principal, correlation_id: str | None = None
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
        return request.mentee_ids

    # -- development plans ----------------------------------------------------------------------

    async def pair(self, pair_id: str, principal: Principal) -> Pair:
        """The pair, for the curator in scope or one of its people (others: 404)."""
        async with self.db.sessions() as session:
            return await self._pair_for_member(session, pair_id, principal)

    async def plan(self, pair_id: str, principal: Principal) -> PlanOut:
        async with self.db.sessions() as session:
            pair = await self._pair_for_member(session, pair_id, principal)
            return await _plan_out(session, pair.id)

    async def set_goals(self, pair_id: str, request: PlanIn, principal: Principal, correlation_id: str | None = None) -> PlanOut:
        for goal in request.goals:
            if goal.area not in domain.AREAS:
                raise Unprocessable(f"Неизвестная область дефицитов {goal.area}", field="goals")
        async with self.uow(correlation_id) as work:
            pair = await self._plan_editor(work, pair_id, principal)
            await work.session.merge(Plan(pair_id=pair.id, goals=[g.model_dump() for g in request.goals], updated_at=utcnow()))
            await work.session.flush()
            out = await _plan_out(work.session, pair.id)
            work.emit(_plan_updated(pair, out))
        return out

    async def add_measure(self, pair_id: str, request: MeasureIn, principal: Principal, correlation_id: str | None = None) -> MeasureOut:
        if request.area is not None and request.area not in domain.AREAS:
            raise Unprocessable(f"Неизвестная область дефицитов {request.area}", field="area")
        if request.starts_on and request.starts_on > request.due_on:
            raise Unprocessable("Срок выполнения раньше начала", field="due_on")
        async with self.uow(correlation_id) as work:
            pair = await self._plan_editor(work, pair_id, principal)
            measure = PlanMeasure(id=str(uuid.uuid4()), pair_id=pair.id, **request.model_dump())
            work.session.add(measure)
            await work.session.flush()
            work.emit(_plan_updated(pair, await _plan_out(work.session, pair.id)))
        return MeasureOut(**measure.model_dump())

    async def edit_measure(
        self, pair_id: str, measure_id: str, request: MeasureIn, principal: Principal, correlation_id: str | None = None
    ) -> MeasureOut:
        """Correct a measure's title, area, kind or dates (its result stays)."""
        if request.area is not None and request.area not in domain.AREAS:
            raise Unprocessable(f"Неизвестная область дефицитов {request.area}", field="area")
        if request.starts_on and request.starts_on > request.due_on:
            raise Unprocessable("Срок выполнения раньше начала", field="due_on")
        async with self.uow(correlation_id) as work:
            pair = await self._plan_editor(work, pair_id, principal)
            measure = await work.session.get(PlanMeasure, measure_id)
            if measure is None or measure.pair_id != pair.id:
                raise NotFound(f"Мероприятие {measure_id} не найдено")
            for name, value in request.model_dump().items():
                setattr(measure, name, value)
            work.session.add(measure)
        return MeasureOut(**measure.model_dump())

    async def record_result(
        self, pair_id: str, measure_id: str, request: MeasureResultIn, principal: Principal, correlation_id: str | None = None
    ) -> MeasureOut:
        """A measure's result: its product and completion (the pair's people or the curator), and
        the mentee's own view of it (only a mentee of the pair writes that)."""
        async with self.uow(correlation_id) as work:
            pair = await self._pair_for_member(work.session, pair_id, principal)
            if pair.status != "formed":
                raise Conflict("Пара завершена: план больше не меняется")
            measure = await work.session.get(PlanMeasure, measure_id)
            if measure is None or measure.pair_id != pair.id:
                raise NotFound(f"Мероприятие {measure_id} не найдено")
            if request.mentee_view is not None:
                if principal.role != "mentee":
                    raise Forbidden("Своё отношение к результату записывает только наставляемый")
                measure.mentee_view = request.mentee_view
            newly_done = False
            if request.product is not None:
                measure.product = request.product
            if request.done_on is not None or (request.product and measure.done_on is None):
                newly_done = measure.done_on is None
                measure.done_on = request.done_on or date.today()
            work.session.add(measure)
            await work.session.flush()
            if newly_done:
                out = await _plan_out(work.session, pair.id)
                work.emit(
                    PlanMeasureCompleted(
                        pair_id=pair.id,
                        measure_id=measure.id,
                        programme_id=pair.programme_id,
                        school_id=pair.school_id,
                        academic_year=pair.academic_year,
                        area=measure.area,
                        measures_total=out.measures_total,
                        measures_done=out.measures_done,
                    )
                )
        return MeasureOut(**measure.model_dump())

    # -- helpers --------------------------------------------------------------------------------

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

    @staticmethod
    def _decide(proposal: Proposal, status: str, principal: Principal, *, pair_id: str | None = None, note: str | None = None) -> None:
        proposal.status = status
        proposal.pair_id = pair_id
        proposal.note = note
        proposal.decided_by = principal.sub
        proposal.decided_at = utcnow()

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

    async def _proposal(self, session, programme_id: str, proposal_id: str, principal: Principal) -> Proposal:  # noqa: ANN001
        proposal = await session.get(Proposal, proposal_id)
        if proposal is None or proposal.programme_id != programme_id or not await _sees(session, principal, proposal.school_id):
            raise NotFound(f"Предложение {proposal_id} не найдено")
        return proposal

    async def _open_proposal(self, work: Work, programme_id: str, proposal_id: str, principal: Principal) -> Proposal:
        proposal = await self._proposal(work.session, programme_id, proposal_id, principal)
        if proposal.status != "proposed":
            raise Conflict(f"Предложение уже рассмотрено: {_STATUS_RU.get(proposal.status, proposal.status)}")
        return proposal

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

    async def _plan_editor(self, work: Work, pair_id: str, principal: Principal) -> Pair:
        pair = await self._pair_for_member(work.session, pair_id, principal)
        if principal.role == "mentee":
            raise Forbidden("План составляют наставник и куратор; наставляемый записывает свой взгляд на результат")
        if pair.status != "formed":
            raise Conflict("Пара завершена: план больше не меняется")
        return pair

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


def _weights(settings: MatchingSettings) -> dict[str, float]:
    return {**domain.DEFAULT_WEIGHTS, **(settings.weights or {})}


def _rules(settings: MatchingSettings) -> domain.MatchingRules:
    return domain.MatchingRules(
        form=settings.form,
        how=settings.how,
        scope=settings.scope,
        objective=settings.objective,
        weights=_weights(settings),
        min_experience_gap=settings.min_experience_gap,
        require_coverage=settings.require_coverage,
        min_score=domain.MatchingRules.min_score if settings.min_score is None else settings.min_score,
        stable=bool(settings.stable),
    )


def _rules_dict(settings: MatchingSettings) -> dict:
    return {
        "form": settings.form,
        "how": settings.how,
        "scope": settings.scope,
        "objective": settings.objective,
        "weights": _weights(settings),
        "min_experience_gap": settings.min_experience_gap,
        "require_coverage": settings.require_coverage,
        "min_score": _rules(settings).min_score,
        "stable": bool(settings.stable),
    }


def _settings_out(settings: MatchingSettings) -> MatchingSettingsOut:
    return MatchingSettingsOut(programme_id=settings.programme_id, **_rules_dict(settings), criteria=domain.CRITERIA)


def _proposals(run: MatchingRun, result: domain.MatchResult, how: str, form: str, mentor_school: dict[str, str]) -> list[Proposal]:
    """One proposal per assignment; in the group form one per mentor with all their mentees."""
    groups: dict[str, list[list[domain.Assignment]]] = {}
    for assignment in result.assignments:
        slots = groups.setdefault(assignment.mentor_id, [])
        if how == "group" and slots:
            slots[0].append(assignment)
        else:
            slots.append([assignment])
    proposals = []
    for mentor_id, slots in groups.items():
        for members in slots:
            proposals.append(
                Proposal(
                    id=str(uuid.uuid4()),
                    run_id=run.id,
                    programme_id=run.programme_id,
                    school_id=mentor_school[mentor_id],
                    mentor_id=mentor_id,
                    form=form,
                    how=how,
                    score=round(sum(a.score for a in members), 2),
                    members=[{"mentee_id": a.mentee_id, "score": a.score, "breakdown": a.breakdown} for a in members],
                )
            )
    return proposals


def _name(people: dict[str, Candidate], participant_id: str) -> str | None:
    candidate = people.get(participant_id)
    return candidate.display_name if candidate else None


def _proposal_out(proposal: Proposal, people: dict[str, Candidate]) -> ProposalOut:
    return ProposalOut(
        **proposal.model_dump(exclude={"members", "decided_by", "decided_at"}),
        mentor_name=_name(people, proposal.mentor_id),
        members=[MemberOut(**m, display_name=_name(people, m["mentee_id"])) for m in proposal.members],
    )


def _solution(run: MatchingRun) -> str:
    floor = f"пары ниже {run.rules.get('min_score', 0):g} балла не предлагаются"
    if run.optimum_score is None:
        return f"решение точное (поток минимальной стоимости), суммарный балл {run.total_score:g}; {floor}"
    return (
        f"устойчивый подбор (нет наставника и наставляемого, которые оба предпочли бы друг друга), суммарный балл "
        f"{run.total_score:g} — на {run.optimum_score - run.total_score:g} меньше точного оптимума {run.optimum_score:g}; {floor}"
    )


def _run_out(run: MatchingRun, proposals: list[Proposal], people: dict[str, Candidate]) -> RunOut:
    rules = run.rules
    weights = ", ".join(f"{domain.CRITERIA[k]} — {v:g}" for k, v in rules["weights"].items() if k in domain.CRITERIA)
    explanation = (
        f"Подобрано {run.matched} из {run.mentees} свободных наставляемых ({run.mentors} наставников). "
        f"Цель: {domain.OBJECTIVES[rules['objective']]}; {_solution(run)}. Форма: {rules['form']}, {domain.HOW_FORMS[rules['how']]}; "
        f"область подбора: {domain.SCOPES[rules['scope']]}. Баллы за полное совпадение: {weights}."
    )
    return RunOut(
        id=run.id,
        programme_id=run.programme_id,
        objective=rules["objective"],
        rules=rules,
        mentees=run.mentees,
        mentors=run.mentors,
        matched=run.matched,
        unmatched_count=len(run.unmatched),
        total_score=run.total_score,
        optimum_score=run.optimum_score,
        stability_cost=None if run.optimum_score is None else round(run.optimum_score - run.total_score, 2),
        proposals=[_proposal_out(p, people) for p in sorted(proposals, key=lambda p: (-p.score, p.mentor_id))],
        unmatched=[UnmatchedOut(**u, display_name=_name(people, u["mentee_id"])) for u in run.unmatched],
        explanation=explanation,
    )


async def _plan_out(session, pair_id: str) -> PlanOut:  # noqa: ANN001
    plan = await session.get(Plan, pair_id)
    measures = (
        await session.exec(select(PlanMeasure).where(PlanMeasure.pair_id == pair_id).order_by(PlanMeasure.due_on, PlanMeasure.id))
    ).all()
    return PlanOut(
        pair_id=pair_id,
        goals=[GoalIn(**g) for g in (plan.goals if plan else [])],
        measures=[MeasureOut(**m.model_dump()) for m in measures],
        measures_done=sum(m.done_on is not None for m in measures),
        measures_total=len(measures),
    )


def _plan_updated(pair: Pair, plan: PlanOut) -> PlanUpdated:
    return PlanUpdated(
        pair_id=pair.id,
        programme_id=pair.programme_id,
        school_id=pair.school_id,
        academic_year=pair.academic_year,
        goal_areas=sorted({g.area for g in plan.goals}),
        measures_total=plan.measures_total,
        measures_done=plan.measures_done,
    )


def _out(pair: Pair, mentee_ids: list[str]) -> PairOut:
    return PairOut(**pair.model_dump(include=set(PairOut.model_fields) - {"mentee_ids"}), mentee_ids=mentee_ids)
