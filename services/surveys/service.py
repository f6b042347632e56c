"""Surveys use cases: instruments (library.py), answers and erasure (responses.py, the submit
decision in domain_submit.py), campaigns and their schedule (campaigns.py), and here the web form at
a personal link. Each change and its events commit in one UnitOfWork."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock
from shared.clock import utcnow
from shared.contracts.surveys import InstrumentRef
from shared.errors import Conflict, NotFound

from services.surveys import domain
from services.surveys.campaigns import SurveyCampaigns
from services.surveys.domain_submit import Submission
from services.surveys.library import InvalidAnswers
from services.surveys.models import Campaign, Invitation


@dataclass
class FormState:
    """What the web form at a personal link shows."""

    invitation: Invitation
    campaign: Campaign
    instrument: domain.Instrument
    state: str  # open | completed | closed | not_yet
    answers: dict[str, Any]



class SurveysService(SurveyCampaigns):
    """The surveys use cases: InstrumentLibrary's constructor (db, unit of work, region)."""

    async def form(self, token: str) -> FormState:
        async with self.db.sessions() as session:
            return await self._form_state(session, token)

    async def _form_state(self, session: AsyncSession, token: str) -> FormState:
        invitation = (await session.exec(select(Invitation).where(Invitation.token == token))).first()
        if invitation is None:
            raise NotFound("Ссылка недействительна")
        campaign = await session.get(Campaign, invitation.campaign_id)
        assert campaign is not None
        instrument = await self.instrument(session, campaign.instrument_code, campaign.instrument_version)
        today = clock.today()
        if invitation.status == "completed":
            state = "completed"
        elif campaign.status != "open" or today > campaign.closes_on:
            state = "closed"
        elif today < campaign.opens_on:
            state = "not_yet"
        else:
            state = "open"
        return FormState(invitation, campaign, instrument, state, dict(invitation.draft))

    async def save_draft(self, token: str, fields: list[tuple[str, str]]) -> FormState:
        async with self.uow() as work:
            state = await self._form_state(work.session, token)
            if state.state != "open":
                return state
            answers, _ = domain.answers_from_form(state.instrument, fields)
            state.invitation.draft = answers
            state.invitation.status = "draft"
            state.invitation.updated_at = utcnow()
            work.session.add(state.invitation)
            state.answers = answers
        return state

    async def submit_form(self, token: str, fields: list[tuple[str, str]]) -> tuple[FormState, list[domain.AnswerProblem]]:
        """Submit the web form: problems (nothing stored but the draft) or the completed state."""
        state = await self.save_draft(token, fields)
        if state.state != "open":
            return state, []
        answers, problems = domain.form_problems(state.instrument, fields)
        if problems:
            return state, problems
        invitation = state.invitation
        submission = Submission(
            instrument=InstrumentRef(code=state.instrument.code, version=state.instrument.version),
            respondent_id=invitation.participant_id, answers=answers, submission_id=f"invitation-{invitation.id}",
            role=invitation.role, stage=state.campaign.stage, campaign_id=state.campaign.id, channel="form",
        )
        try:
            async with self.uow() as work:
                fresh = await work.session.get(Invitation, invitation.id)
                await self.submit_in(work, submission, lambda _r: True, fresh)
        except InvalidAnswers as exc:
            return state, exc.problems
        except Conflict:
            pass  # answered meanwhile (another tab): show the state as it is
        return await self.form(token), []
