"""Surveys' answers: a completed response submitted through the API (the group commit on the
common path, ingest.py), the web form, a school's command or a campaign; the growth between
stages; and the erasure of a withdrawn person's answers (152-ФЗ). What a submission becomes is
decided once, in domain_submit.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.surveys import InstrumentRef
from shared.errors import NotFound, Unprocessable, UseCaseError
from shared.messaging.outbox import Work

from services.surveys import domain
from services.surveys.commands import GrowthResult, ResponseResult, SubmitResponse
from services.surveys.domain_submit import (
    Facts,
    Submission,
    caller_key,
    client_key,
    completed_event,
    decide,
    response_facts,
)
from services.surveys.library import STAFF, InstrumentLibrary, InvalidAnswers, _schools_of
from services.surveys.models import (
    Campaign,
    CustomInstrument,
    EndedEnrolment,
    Enrolment,
    Invitation,
    PairMembership,
    Respondent,
    SurveyResponse,
)


class SurveyResponses(InstrumentLibrary):
    """Answers (a mixin of SurveysService)."""

    async def submit(self, request: SubmitResponse, principal: Principal, correlation_id: str | None = None) -> tuple[ResponseResult, bool]:
        """Store a completed response; (response, created). A retried submission_id returns the first."""
        submission = Submission(
            instrument=request.instrument,
            respondent_id=request.respondent_id,
            answers=dict(request.answers),
            submission_id=caller_key(_caller(principal), request.submission_id or str(uuid.uuid4())),
            role=request.role,
            stage=request.stage,
            campaign_id=request.campaign_id,
            role_hint=principal.role,
        )
        built_in = domain.BUILT_IN.get((submission.instrument.code, submission.instrument.version))
        may_answer = await self._may_answer(principal)
        if built_in is not None and submission.campaign_id is None:
            # The common path: validated and scored here, stored by the group commit.
            scores = _validated(built_in, submission)
            values, created = await self.group_commit.submit(submission, built_in, scores, may_answer, correlation_id)
            return _response_out(values), created
        async with self.uow(correlation_id) as work:
            row, created = await self.submit_in(work, submission, may_answer)
        return _out(row), created

    async def _may_answer(self, principal: Principal) -> Callable[[Respondent], bool]:
        """For whom the caller may answer or read answers. Only a municipal coordinator costs a
        query (their schools); every other caller is decided by the token alone."""
        if principal.role in STAFF and principal.scope == "municipality":
            async with self.db.sessions() as session:
                schools = frozenset(await _schools_of(session, principal.scope_id))
            return lambda r: r.school_id in schools
        return lambda r: _may_answer_for(principal, r)

    async def submit_in(self, work: Work, s: Submission, may_answer, invitation: Invitation | None = None) -> tuple[SurveyResponse, bool]:  # noqa: ANN001
        """The one-by-one submit path (web form, school commands, campaigns, custom instruments),
        inside the caller's unit of work: the facts loaded here, the decision domain_submit.decide's
        (the same as the group commit's, ingest.py)."""
        session = work.session
        instrument = await self.instrument(session, s.instrument.code, s.instrument.version)
        scores = _validated(instrument, s)
        facts, existing = await self._facts(session, s, instrument, invitation)
        outcome = decide(s, instrument, scores, may_answer, facts, clock.today())
        if isinstance(outcome, UseCaseError):
            raise outcome
        values, created = outcome
        if not created:  # a retried submission (keys are per caller): answer with the first
            assert existing is not None
            return existing, False
        response = SurveyResponse(**values)
        session.add(response)
        custom, campaign, invitation = facts.custom, facts.campaign, facts.invitation
        if custom is not None and not custom.used:
            custom.used = True
            session.add(custom)
        if invitation is not None:
            invitation.status = "completed"
            invitation.response_id = response.id
            invitation.draft = {}
            invitation.updated_at = utcnow()
            session.add(invitation)
        event = completed_event(
            response.model_dump(), campaign.programme_id if campaign else None, campaign.form if campaign else None
        )
        if custom is not None:  # a custom instrument: reports counts it item by item
            numbers, chosen = domain.item_figures(instrument, s.answers)
            event = event.model_copy(update={"item_values": numbers, "item_choices": chosen})
        work.emit(event)
        return response, True

    async def _facts(
        self, session: AsyncSession, s: Submission, instrument: domain.Instrument, invitation: Invitation | None
    ) -> tuple[Facts, SurveyResponse | None]:
        """What the database holds about a submission, and the response stored under its key. One
        round trip on the common path: the respondent with all their pair memberships and whether
        the key is already stored."""
        prior = select(SurveyResponse.id).where(SurveyResponse.submission_id == s.submission_id).scalar_subquery()
        rows = (await session.exec(
            select(Respondent, PairMembership, prior)
            .outerjoin(PairMembership, col(PairMembership.participant_id) == Respondent.participant_id)
            .where(Respondent.participant_id == s.respondent_id)
        )).all()
        if not rows:
            return Facts(None), None
        respondent = rows[0][0]
        memberships = [m for _, m, _ in rows if m is not None]
        existing = None
        if rows[0][2] is not None:
            existing = (await session.exec(select(SurveyResponse).where(SurveyResponse.submission_id == s.submission_id))).first()
            if existing is not None:
                return Facts(respondent, existing.model_dump(), memberships), existing
        enrolled: set[str] = set()
        if domain.programme_role_required(instrument) is not None:
            enrolled = set((await session.exec(select(Enrolment.role).where(Enrolment.participant_id == s.respondent_id))).all())
        custom = None
        if (instrument.code, instrument.version) not in domain.BUILT_IN:  # built-in codes are never custom
            custom = await session.get(CustomInstrument, (instrument.code, instrument.version))
        campaign = None
        if s.campaign_id is not None:
            campaign = await session.get(Campaign, s.campaign_id)
            if campaign is not None and invitation is None:
                invitation = (await session.exec(select(Invitation).where(
                    Invitation.campaign_id == campaign.id, Invitation.participant_id == respondent.participant_id))).first()
        return Facts(respondent, None, memberships, enrolled, custom, campaign, invitation), None

    async def growth(self, respondent_id: str, code: str, version: int, principal: Principal) -> GrowthResult:
        async with self.db.sessions() as session:
            respondent = await session.get(Respondent, respondent_id)
            if respondent is None or not (await self._may_answer(principal))(respondent):
                raise NotFound(f"Респондент {respondent_id} не найден")
            instrument = await self.instrument(session, code, version, respondent.school_id)
            if not instrument.staged:
                raise Unprocessable(f"Анкета {code} не измеряется по этапам (start/end)", field="instrument.code")
            rows = (await session.exec(select(SurveyResponse).where(
                SurveyResponse.respondent_id == respondent_id, SurveyResponse.instrument_code == code,
                SurveyResponse.instrument_version == version).order_by(col(SurveyResponse.completed_at)))).all()
        start = next((r.scores for r in rows if r.stage == "start"), None)
        end = next((r.scores for r in reversed(rows) if r.stage == "end"), None)
        return GrowthResult(
            respondent_id=respondent_id, instrument=InstrumentRef(code=code, version=version), start=start, end=end,
            growth=domain.growth(start, end) if start is not None and end is not None else None,
        )

    async def erase_participant(self, work: Work, participant_id: str) -> None:
        """152-ФЗ withdrawal: free-text answers, drafts, personal links and the person's id go;
        scores and closed answers stay under a random pseudonym, for the statistics."""
        session = work.session
        pseudonym = f"anonymised-{uuid.uuid4().hex}"
        responses = (await session.exec(select(SurveyResponse).where(SurveyResponse.respondent_id == participant_id))).all()
        for response in responses:
            try:
                instrument = await self.instrument(session, response.instrument_code, response.instrument_version)
                text_items = {i.code for i in instrument.items if i.kind == "text"}
            except UseCaseError:
                text_items = {k for k, v in response.answers.items() if isinstance(v, str)}
            response.answers = {k: v for k, v in response.answers.items() if k not in text_items}
            response.respondent_id = pseudonym
            response.submission_id = f"anonymised-{uuid.uuid4().hex}"
            response.pair_id = None
            response.anonymised = True
            session.add(response)
        for invitation in (await session.exec(select(Invitation).where(Invitation.participant_id == participant_id))).all():
            invitation.participant_id = pseudonym
            invitation.token = None
            invitation.draft = {}
            session.add(invitation)
        for model in (Respondent, PairMembership, Enrolment, EndedEnrolment):
            for row in (await session.exec(select(model).where(model.participant_id == participant_id))).all():
                await session.delete(row)



def _validated(instrument: domain.Instrument, s: Submission) -> dict[str, float]:
    """The scores of valid answers; every problem with them raised at once (nothing is stored)."""
    problems = domain.answer_problems(instrument, s.answers)
    if problems:
        raise InvalidAnswers(problems)
    stage_problem = domain.stage_problem(instrument, s.stage)
    if stage_problem:
        raise Unprocessable(stage_problem, field="stage")
    return domain.score(instrument, s.answers)


def _caller(principal: Principal) -> str:
    """Who sends a submission, for its idempotency key (ingest.caller_key)."""
    return f"token|{principal.role}|{principal.scope}|{principal.scope_id}|{principal.sub}"


def _may_answer_for(principal: Principal, respondent: Respondent) -> bool:
    """Decided by the token alone (a municipal coordinator needs their schools: `_may_answer`)."""
    if principal.role in ("mentor", "mentee"):
        return principal.sub == respondent.participant_id
    if principal.role in STAFF:
        return principal.scope == "region" or principal.scope_id == respondent.school_id
    return False

def _out(row: SurveyResponse) -> ResponseResult:
    return _response_out(row.model_dump())


def _response_out(values: Mapping[str, Any]) -> ResponseResult:
    return ResponseResult(id=values["id"], submission_id=client_key(values["submission_id"]), **response_facts(values))
