"""The matcher's settings and runs, and the curator's decisions on its proposals."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlmodel import select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.pairing import (
    MatchingCompleted,
)
from shared.db import lock_key
from shared.errors import Conflict, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.pairing import domain, profiles, vocabulary
from services.pairing.commands import (
    ChangeMatchingRules,
    MatchingRulesResult,
    MemberResult,
    PairResult,
    ProposalResult,
    RejectProposal,
    ReplaceMentor,
    RunMatching,
    RunResult,
    UnmatchedResult,
)
from services.pairing.models import (
    Candidate,
    Exclusion,
    Interests,
    MatchingRun,
    MatchingSettings,
    MentorPreference,
    Partner,
    Preference,
    Profile,
    Proposal,
)
from services.pairing.pairs import _STATUS_RU, PairingBase, _municipalities, _out, _sees
from services.pairing.preferences import limits_of
from services.pairing.pupils import field_of_work


class MatchingUseCases(PairingBase):
    async def settings(self, programme_id: str, principal: Principal) -> MatchingRulesResult:
        async with self.db.sessions() as session:
            await self._visible_enrolments(session, programme_id, principal)
            return _settings_out(await session.get(MatchingSettings, programme_id) or MatchingSettings(programme_id=programme_id))

    async def update_settings(
        self, programme_id: str, request: ChangeMatchingRules, principal: Principal, correlation_id: str | None = None
    ) -> MatchingRulesResult:
        async with self.uow(correlation_id) as work:
            await self._visible_enrolments(work.session, programme_id, principal)
            current = await work.session.get(MatchingSettings, programme_id) or MatchingSettings(programme_id=programme_id)
            changes = request.changes()
            if "weights" in changes:
                changes["weights"] = {**_weights(current), **changes["weights"]}
            updated = MatchingSettings(**{**current.model_dump(), **changes, "updated_by": principal.sub, "updated_at": utcnow()})
            problems = _rules(updated).problems()
            if problems:
                raise Unprocessable("; ".join(problems), field="weights" if "критерий" in problems[0] else None)
            await work.session.merge(updated)
        return _settings_out(updated)

    async def run_matcher(
        self, programme_id: str, request: RunMatching, principal: Principal, correlation_id: str | None = None
    ) -> RunResult:
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
            organisations = {p.partner_id: p.name for p in (await session.exec(select(Partner))).all()}
            limits = {x.mentor_id: x for x in await limits_of(session, programme_id)}
            for enrolment in enrolments:
                candidate = people.get(enrolment.participant_id)
                if candidate is None:
                    continue  # registration not arrived yet
                deficits = deficits_of.get(candidate.participant_id)
                if enrolment.role == "mentee" and candidate.participant_id not in paired:
                    mentees.append(
                        _participant(
                            candidate,
                            municipalities,
                            profile=deficits or {},
                            priority=candidate.young_specialist or bool(candidate.newly_arrived),
                            interests=interests_of.get(candidate.participant_id, {}),
                            class_direction=(candidate.class_direction,) if candidate.class_direction else (),
                            choice=candidate.self_determination,
                        )
                    )
                elif enrolment.role == "mentor":
                    strengths = (
                        profiles.strength_levels(deficits)
                        if deficits
                        else profiles.strengths_from_subjects(candidate.subjects, candidate.experience_years)
                    )
                    mentor_school[candidate.participant_id] = enrolment.school_id
                    shows = (  # a pupil mentor shares their own interests; others show their work
                        interests_of.get(candidate.participant_id, {})
                        if candidate.category == "pupil"
                        else profiles.offered_types(candidate.category, candidate.subjects)
                    )
                    limit = limits.get(candidate.participant_id)
                    mentors.append(
                        _participant(
                            candidate,
                            municipalities,
                            profile=strengths,
                            capacity=enrolment.capacity or 1,
                            load=0 if rules.how == "flash" else loads.get(candidate.participant_id, 0),
                            interests=shows,
                            field_of_work=field_of_work(candidate.category, candidate.subjects, organisations.get(candidate.partner_id or "")),
                            grade_limits=(limit.grade_from or 0, limit.grade_to or 0) if limit and (limit.grade_from or limit.grade_to) else None,
                        )
                    )
            refusals = [(x.mentor_id, mentee_id) for x in limits.values() for mentee_id in x.refused]
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
            result = await asyncio.to_thread(domain.match, mentees, mentors, rules, exclusions, preferences, words, wished, refusals)
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

    async def run(self, programme_id: str, run_id: str, principal: Principal) -> RunResult:
        async with self.db.sessions() as session:
            await self._visible_enrolments(session, programme_id, principal)
            run = await session.get(MatchingRun, run_id)
            if run is None or run.programme_id != programme_id or not await _sees(session, principal, run.school_id):
                raise NotFound(f"Подбор {run_id} не найден")
            proposals = (await session.exec(select(Proposal).where(Proposal.run_id == run_id))).all()
            people = {c.participant_id: c for c in (await session.exec(select(Candidate))).all()}
        return _run_out(run, list(proposals), people)

    async def proposal(self, programme_id: str, proposal_id: str, principal: Principal) -> ProposalResult:
        async with self.db.sessions() as session:
            proposal = await self._proposal(session, programme_id, proposal_id, principal)
            people = {c.participant_id: c for c in (await session.exec(select(Candidate))).all()}
        return _proposal_out(proposal, people)

    async def confirm(
        self, programme_id: str, proposal_id: str, principal: Principal, correlation_id: str | None = None
    ) -> PairResult:
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
        self, programme_id: str, proposal_id: str, request: RejectProposal, principal: Principal, correlation_id: str | None = None
    ) -> ProposalResult:
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
        self, programme_id: str, proposal_id: str, request: ReplaceMentor, principal: Principal, correlation_id: str | None = None
    ) -> PairResult:
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

    @staticmethod
    def _decide(proposal: Proposal, status: str, principal: Principal, *, pair_id: str | None = None, note: str | None = None) -> None:
        proposal.status = status
        proposal.pair_id = pair_id
        proposal.note = note
        proposal.decided_by = principal.sub
        proposal.decided_at = utcnow()

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


def _settings_out(settings: MatchingSettings) -> MatchingRulesResult:
    return MatchingRulesResult(programme_id=settings.programme_id, **_rules_dict(settings), criteria=domain.CRITERIA)


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


def _proposal_out(proposal: Proposal, people: dict[str, Candidate]) -> ProposalResult:
    return ProposalResult(
        id=proposal.id,
        run_id=proposal.run_id,
        programme_id=proposal.programme_id,
        school_id=proposal.school_id,
        mentor_id=proposal.mentor_id,
        mentor_name=_name(people, proposal.mentor_id),
        form=proposal.form,
        how=proposal.how,
        status=proposal.status,
        score=proposal.score,
        members=[
            MemberResult(mentee_id=m["mentee_id"], display_name=_name(people, m["mentee_id"]), score=m["score"], breakdown=m["breakdown"])
            for m in proposal.members
        ],
        pair_id=proposal.pair_id,
        note=proposal.note,
    )


def _solution(run: MatchingRun) -> str:
    floor = f"пары ниже {run.rules.get('min_score', 0):g} балла не предлагаются"
    if run.optimum_score is None:
        return f"решение точное (поток минимальной стоимости), суммарный балл {run.total_score:g}; {floor}"
    return (
        f"устойчивый подбор (нет наставника и наставляемого, которые оба предпочли бы друг друга), суммарный балл "
        f"{run.total_score:g} — на {run.optimum_score - run.total_score:g} меньше точного оптимума {run.optimum_score:g}; {floor}"
    )


def _run_out(run: MatchingRun, proposals: list[Proposal], people: dict[str, Candidate]) -> RunResult:
    rules = run.rules
    weights = ", ".join(f"{domain.CRITERIA[k]} — {v:g}" for k, v in rules["weights"].items() if k in domain.CRITERIA)
    explanation = (
        f"Подобрано {run.matched} из {run.mentees} свободных наставляемых ({run.mentors} наставников). "
        f"Цель: {domain.OBJECTIVES[rules['objective']]}; {_solution(run)}. Форма: {rules['form']}, {domain.HOW_FORMS[rules['how']]}; "
        f"область подбора: {domain.SCOPES[rules['scope']]}. Баллы за полное совпадение: {weights}."
    )
    return RunResult(
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
        unmatched=[
            UnmatchedResult(
                mentee_id=u["mentee_id"], display_name=_name(people, u["mentee_id"]), reason=u["reason"], message=u["message"],
                candidates=u["candidates"],
            )
            for u in run.unmatched
        ],
        explanation=explanation,
    )


def _participant(candidate: Candidate, municipalities: dict[str, str], **side: Any) -> domain.Participant:
    """A candidate as the matcher sees them; `side` holds what their role adds (profile, places …)."""
    return domain.Participant(
        participant_id=candidate.participant_id,
        category=candidate.category,
        school_id=candidate.school_id,
        municipality_id=municipalities.get(candidate.school_id),
        subjects=tuple(candidate.subjects),
        experience_years=candidate.experience_years,
        grade=candidate.grade,
        **side,
    )
