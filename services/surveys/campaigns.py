"""Surveys' campaigns: opening one for a school, a municipality or the region and inviting
its respondents (personal links), reminding, closing, and the daily schedule that closes the
ended ones and reminds the non-respondents (services/surveys/schedule.py)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, false, or_, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.surveys import (
    CampaignClosed,
    CampaignOpened,
    CampaignReminderDue,
    InstrumentRef,
    RespondentInvited,
)
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.surveys import domain
from services.surveys.commands import CampaignResult, InviteeResult, OpenCampaign
from services.surveys.library import CAMPAIGN_OPENERS, OPENERS_ONLY, STAFF, _schools_of, link_path
from services.surveys.models import (
    Campaign,
    CustomInstrument,
    Enrolment,
    Invitation,
    PairMembership,
    Reminder,
    Respondent,
    School,
)
from services.surveys.responses import SurveyResponses


@dataclass(frozen=True)
class CampaignScope:
    """Where a campaign asks: one school, every school of a municipality, or the whole region."""

    school_id: str | None = None
    municipality_id: str | None = None
    schools: list[str] | None = None  # whose people may be invited; None: every school


@dataclass(frozen=True)
class ScheduleRun:
    closed: int
    reminded: int



class SurveyCampaigns(SurveyResponses):
    """Campaigns (a mixin of SurveysService)."""

    async def open_campaign(self, body: OpenCampaign, principal: Principal, correlation_id: str | None = None) -> CampaignResult:
        if principal.role not in CAMPAIGN_OPENERS or principal.scope not in ("region", "municipality", "school"):
            raise Forbidden(OPENERS_ONLY.format("Открыть опрос"))
        if body.closes_on < body.opens_on:
            raise Unprocessable("Дата окончания раньше даты начала", field="closes_on")
        if body.closes_on < clock.today():
            raise Unprocessable("Дата окончания уже прошла", field="closes_on")
        async with self.uow(correlation_id) as work:
            session = work.session
            scope = await self._campaign_scope(session, body, principal)
            instrument = await self.instrument(session, body.instrument.code, body.instrument.version, scope.school_id)
            if body.role is not None and body.role not in instrument.respondent_roles:
                raise Unprocessable(
                    f"Анкету {instrument.code} заполняет: {', '.join(domain.ROLES[r] for r in instrument.respondent_roles)}",
                    field="role",
                )
            stage_problem = domain.stage_problem(instrument, body.stage)
            if stage_problem:
                raise Unprocessable(stage_problem, field="stage")
            if body.role is None and not body.respondent_ids:
                raise Unprocessable("Укажите роль респондентов или их список", field="role")
            invitees = await self._select_respondents(session, body, scope.schools, instrument)
            if not invitees:
                raise Unprocessable("Под условия опроса не подходит ни один участник", field="respondent_ids")
            campaign = Campaign(
                id=str(uuid.uuid4()),
                title=body.title or instrument.title,
                instrument_code=instrument.code,
                instrument_version=instrument.version,
                school_id=scope.school_id,
                municipality_id=scope.municipality_id,
                programme_id=body.programme_id,
                role=body.role,
                form=body.form,
                category=body.category,
                stage=body.stage,
                opens_on=body.opens_on,
                closes_on=body.closes_on,
                opened_by=principal.sub,
            )
            session.add(campaign)
            invitations = [
                Invitation(id=str(uuid.uuid4()), campaign_id=campaign.id, participant_id=pid, school_id=school, role=role,
                           token=secrets.token_urlsafe(24))
                for pid, school, role in invitees
            ]
            session.add_all(invitations)
            custom = await session.get(CustomInstrument, (instrument.code, instrument.version))
            if custom is not None:
                custom.used = True
                session.add(custom)
            work.emit(CampaignOpened(
                campaign_id=campaign.id, instrument=InstrumentRef(code=instrument.code, version=instrument.version),
                school_id=scope.school_id, municipality_id=scope.municipality_id, programme_id=body.programme_id,
                role=body.role, form=body.form, stage=body.stage,
                opens_on=body.opens_on, closes_on=body.closes_on, invited=len(invitations),
            ))
            ref = InstrumentRef(code=instrument.code, version=instrument.version)
            for invitation in invitations:  # a notification service mails each personal link
                work.emit(RespondentInvited(
                    campaign_id=campaign.id, participant_id=invitation.participant_id, school_id=invitation.school_id,
                    instrument=ref, closes_on=body.closes_on, link_path=link_path(invitation.token),
                ))
        return _campaign_out(campaign, invitations)

    async def _campaign_scope(self, session: AsyncSession, body: OpenCampaign, principal: Principal) -> CampaignScope:
        """Where a new campaign asks, as far as the caller reaches: a curator their school; a
        municipal coordinator one of their schools or all of them; the region anything."""
        if principal.scope == "school":
            if body.school_id not in (None, principal.scope_id):
                raise NotFound(f"Школа {body.school_id} не найдена")
            if body.municipality_id is not None:
                raise Unprocessable("Куратор открывает опрос только для своей школы", field="municipality_id")
            return CampaignScope(school_id=principal.scope_id, schools=[principal.scope_id])
        municipality_id = body.municipality_id
        if principal.scope == "municipality":
            if municipality_id not in (None, principal.scope_id):
                raise NotFound(f"Муниципалитет {municipality_id} не найден")
            municipality_id = principal.scope_id
        if body.school_id is not None:
            if municipality_id is not None:
                school = await session.get(School, body.school_id)
                if school is None or school.municipality_id != municipality_id:
                    raise NotFound(f"Школа {body.school_id} не найдена в муниципалитете {municipality_id}")
            return CampaignScope(school_id=body.school_id, schools=[body.school_id])
        if municipality_id is not None:
            return CampaignScope(municipality_id=municipality_id, schools=await _schools_of(session, municipality_id))
        return CampaignScope()

    async def _select_respondents(
        self, session: AsyncSession, body: OpenCampaign, schools: list[str] | None, instrument: domain.Instrument
    ) -> list[tuple[str, str, str]]:
        """(participant, school, role) of everyone the campaign asks, from `schools` (None: any)."""
        default_role = body.role or instrument.respondent_role
        if body.respondent_ids:
            query = select(Respondent).where(col(Respondent.participant_id).in_(body.respondent_ids))
            if schools is not None:
                query = query.where(col(Respondent.school_id).in_(schools))
            found = {r.participant_id: r for r in (await session.exec(query)).all()}
            missing = [pid for pid in body.respondent_ids if pid not in found]
            if missing:
                raise Unprocessable(f"Неизвестные респонденты: {', '.join(missing)}", field="respondent_ids")
            await _check_invitees_role(session, instrument, [found[pid] for pid in dict.fromkeys(body.respondent_ids)])
            return [(pid, found[pid].school_id, default_role) for pid in dict.fromkeys(body.respondent_ids)]
        query = select(Enrolment).where(Enrolment.role == body.role)
        if schools is not None:
            query = query.where(col(Enrolment.school_id).in_(schools))
        if body.programme_id is not None:
            query = query.where(Enrolment.programme_id == body.programme_id)
        if body.category is not None:
            query = query.where(col(Enrolment.participant_id).in_(
                select(Respondent.participant_id).where(Respondent.category == body.category)))
        people = {e.participant_id: e.school_id for e in (await session.exec(query)).all()}
        if body.form is not None:
            paired = select(PairMembership.participant_id).where(PairMembership.form == body.form, PairMembership.role == body.role)
            people = {p: s for p, s in people.items() if p in set((await session.exec(paired)).all())}
        return [(pid, school, default_role) for pid, school in sorted(people.items())]

    async def _campaign_for(self, session: AsyncSession, campaign_id: str, principal: Principal, *, lock: bool = False) -> Campaign:
        query = select(Campaign).where(Campaign.id == campaign_id, _visible_campaigns(principal))
        campaign = (await session.exec(query.with_for_update() if lock else query)).first()
        if campaign is None:
            raise NotFound(f"Кампания {campaign_id} не найдена")
        return campaign

    async def campaign(self, campaign_id: str, principal: Principal) -> CampaignResult:
        async with self.db.sessions() as session:
            campaign = await self._campaign_for(session, campaign_id, principal)
            invitations = (await session.exec(select(Invitation).where(Invitation.campaign_id == campaign_id)
                                              .order_by(Invitation.participant_id))).all()
        return _campaign_out(campaign, list(invitations))

    async def campaigns(self, principal: Principal) -> list[CampaignResult]:
        async with self.db.sessions() as session:
            rows = list((await session.exec(
                select(Campaign).where(_visible_campaigns(principal)).order_by(col(Campaign.opened_at).desc()))).all())
            invitations = (await session.exec(select(Invitation).where(
                col(Invitation.campaign_id).in_([c.id for c in rows])))).all() if rows else []
        by_campaign: dict[str, list[Invitation]] = {}
        for invitation in invitations:
            by_campaign.setdefault(invitation.campaign_id, []).append(invitation)
        return [_campaign_out(c, by_campaign.get(c.id, []), with_invitees=False) for c in rows]

    async def remind(self, campaign_id: str, principal: Principal, correlation_id: str | None = None) -> int:
        """Announce a reminder for every invitee who has not answered; returns how many."""
        if principal.role not in CAMPAIGN_OPENERS:
            raise Forbidden(OPENERS_ONLY.format("Напоминать"))
        async with self.uow(correlation_id) as work:
            campaign = await self._campaign_for(work.session, campaign_id, principal)
            if campaign.status != "open":
                raise Conflict("Опрос завершён")
            pending = (await work.session.exec(select(Invitation).where(
                Invitation.campaign_id == campaign_id, Invitation.status != "completed",
                col(Invitation.token).is_not(None)))).all()
            for invitation in pending:
                invitation.reminded_at = utcnow()
                work.session.add(invitation)
                work.emit(_reminder(campaign, invitation))
        return len(pending)

    async def close_campaign(self, campaign_id: str, principal: Principal, correlation_id: str | None = None) -> CampaignResult:
        if principal.role not in CAMPAIGN_OPENERS:
            raise Forbidden(OPENERS_ONLY.format("Закрыть опрос"))
        async with self.uow(correlation_id) as work:
            campaign = await self._campaign_for(work.session, campaign_id, principal)
            out, _ = await self._close(work, campaign)
        return out

    async def _close(self, work: Work, campaign: Campaign) -> tuple[CampaignResult, bool]:
        """Close an open campaign and announce it, once: the UPDATE … WHERE status = 'open' lets
        only one of the API, the schedule and other replicas close it. (campaign, closed now)."""
        session = work.session
        closed = await session.exec(update(Campaign).where(
            col(Campaign.id) == campaign.id, col(Campaign.status) == "open").values(status="closed", closed_at=utcnow()))
        await session.refresh(campaign)
        invitations = list((await session.exec(select(Invitation).where(Invitation.campaign_id == campaign.id))).all())
        out = _campaign_out(campaign, invitations)
        if closed.rowcount:
            work.emit(CampaignClosed(
                campaign_id=campaign.id, instrument=out.instrument, school_id=campaign.school_id,
                municipality_id=campaign.municipality_id,
                invited=out.invited, responded=out.responded, response_rate=out.response_rate,
            ))
        return out, bool(closed.rowcount)

    # -- the schedule (services/surveys/schedule.py) ---------------------------------------------

    async def run_schedule(self, today: date, days_before: Sequence[int]) -> ScheduleRun:
        """Close the campaigns that ended before `today`, then remind the non-respondents of
        those due a reminder. Safe to run again, and on several replicas at once."""
        async with self.db.sessions() as session:
            rows = (await session.exec(select(Campaign).where(Campaign.status == "open"))).all()
        campaigns = [domain.CampaignDates(c.id, c.status, c.opens_on, c.closes_on) for c in rows]
        closed = 0
        for campaign_id in domain.campaigns_to_close(campaigns, today):
            async with self.uow() as work:
                campaign = await work.session.get(Campaign, campaign_id)
                if campaign is not None:
                    _, closed_now = await self._close(work, campaign)
                    closed += closed_now
        reminded = 0
        for campaign in campaigns:
            day = domain.reminder_day(campaign, today, days_before)
            if day is not None:
                reminded += await self._remind_on(campaign.id, day, today, days_before)
        return ScheduleRun(closed=closed, reminded=reminded)

    async def _remind_on(self, campaign_id: str, day: date, today: date, days_before: Sequence[int]) -> int:
        """Remind a campaign's non-respondents for reminder day `day`, each once. The campaign row
        is locked (PostgreSQL) so a close or another replica waits; the reminder rows' key
        (invitation, day) keeps any reminder from being sent twice."""
        async with self.uow() as work:
            session = work.session
            campaign = (await session.exec(select(Campaign).where(Campaign.id == campaign_id).with_for_update())).first()
            if campaign is None or domain.reminder_day(_dates(campaign), today, days_before) != day:
                return 0  # closed meanwhile
            invitations = {i.id: i for i in (await session.exec(select(Invitation).where(Invitation.campaign_id == campaign_id))).all()}
            reminded = set((await session.exec(select(Reminder.invitation_id).where(
                Reminder.campaign_id == campaign_id, Reminder.due_on == day))).all())
            due = domain.reminder_recipients(
                [domain.InvitationState(i.id, i.status, i.token is not None) for i in invitations.values()], reminded)
            sent = await _record_reminders(session, campaign_id, day, due)
            now = utcnow()
            for invitation_id in due:
                if invitation_id in sent:
                    invitation = invitations[invitation_id]
                    invitation.reminded_at = now
                    session.add(invitation)
                    work.emit(_reminder(campaign, invitation))
        return len(sent)



async def _check_invitees_role(session: AsyncSession, instrument: domain.Instrument, people: list[Respondent]) -> None:
    """422 naming those of a campaign's explicit respondents who could not answer it: not enrolled
    (or paired) in the role the instrument asks about (satisfaction questionnaires)."""
    required = domain.programme_role_required(instrument)
    if required is None:
        return
    ids = [r.participant_id for r in people]
    held = set((await session.exec(
        select(Enrolment.participant_id).where(col(Enrolment.participant_id).in_(ids), Enrolment.role == required))).all())
    held |= set((await session.exec(
        select(PairMembership.participant_id).where(col(PairMembership.participant_id).in_(ids), PairMembership.role == required))).all())
    outside = [r.display_name or r.participant_id for r in people if r.participant_id not in held]
    if outside:
        raise Unprocessable(f"Анкету «{instrument.title}» заполняет {domain.ROLES[required]} программы наставничества; "
                            f"не зачислены в программу в этой роли: {', '.join(outside)}", field="respondent_ids")


def _visible_campaigns(principal: Principal) -> ColumnElement[bool]:
    """The campaigns a caller sees: the region all; a municipal coordinator those of their
    municipality and of its schools (not region-wide ones: they ask other municipalities' people
    too); a school its own."""
    if principal.role not in STAFF:
        return false()
    if principal.scope == "region":
        return true()
    if principal.scope == "municipality":
        schools = select(School.school_id).where(School.municipality_id == principal.scope_id)
        return or_(col(Campaign.municipality_id) == principal.scope_id, col(Campaign.school_id).in_(schools))
    return col(Campaign.school_id) == principal.scope_id


def _dates(campaign: Campaign) -> domain.CampaignDates:
    return domain.CampaignDates(campaign.id, campaign.status, campaign.opens_on, campaign.closes_on)


def _reminder(campaign: Campaign, invitation: Invitation) -> CampaignReminderDue:
    return CampaignReminderDue(
        campaign_id=campaign.id, participant_id=invitation.participant_id, school_id=invitation.school_id,
        instrument=InstrumentRef(code=campaign.instrument_code, version=campaign.instrument_version),
        closes_on=campaign.closes_on, link_path=link_path(invitation.token),
    )


async def _record_reminders(session: AsyncSession, campaign_id: str, day: date, invitation_ids: list[str]) -> set[str]:
    """Record the reminders of `day`; the invitations recorded now (one recorded meanwhile by
    another replica is skipped by ON CONFLICT, and so not reminded twice)."""
    if not invitation_ids:
        return set()
    connection = await session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    now = utcnow()
    table = Reminder.__table__  # type: ignore[attr-defined]
    statement = (
        dialect.insert(table)
        .values([{"invitation_id": i, "due_on": day, "campaign_id": campaign_id, "sent_at": now} for i in invitation_ids])
        .on_conflict_do_nothing(index_elements=["invitation_id", "due_on"])
        .returning(table.c.invitation_id)
    )
    return set((await connection.execute(statement)).scalars().all())


def _campaign_out(campaign: Campaign, invitations: list[Invitation], with_invitees: bool = True) -> CampaignResult:
    responded = sum(1 for i in invitations if i.status == "completed")
    return CampaignResult(
        id=campaign.id,
        title=campaign.title,
        instrument=InstrumentRef(code=campaign.instrument_code, version=campaign.instrument_version),
        school_id=campaign.school_id,
        municipality_id=campaign.municipality_id,
        programme_id=campaign.programme_id,
        role=campaign.role,
        form=campaign.form,
        category=campaign.category,
        stage=campaign.stage,
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        status=campaign.status,
        invited=len(invitations),
        responded=responded,
        response_rate=domain.response_rate(len(invitations), responded),
        invitees=[
            InviteeResult(participant_id=i.participant_id, school_id=i.school_id, role=i.role, status=i.status,
                       link_path=link_path(i.token) if i.token else None, response_id=i.response_id)
            for i in invitations
        ] if with_invitees else [],
    )


