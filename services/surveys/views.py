"""What the surveys pages read: campaigns with names instead of ids, the library and audiences
of the campaign form, a respondent's own questionnaires and growth, and the to-do list. Read
only; every change goes through the use cases of service.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock
from shared.auth import Principal
from shared.contracts.surveys import InstrumentRef
from shared.errors import NotFound, UseCaseError
from shared.formatting import percent

from services.surveys import domain
from services.surveys.campaigns import _visible_campaigns
from services.surveys.commands import CampaignResult, InstrumentResult, OpenCampaign
from services.surveys.library import link_path
from services.surveys.models import Campaign, Invitation, Programme, Respondent, School, SurveyResponse
from services.surveys.service import SurveysService

GROWTH_INSTRUMENT = ("growth_measurement", 1)
CLOSING_SOON_DAYS = 7  # the to-do list names open campaigns that close within a week
INVITEES_SHOWN = 500  # a region-wide campaign asks thousands: the page shows the first ones of a status
SHOW = {"all": "все", "pending": "не ответили", "answered": "ответили"}
STATUSES = {"pending": "не ответил", "draft": "начал заполнять", "completed": "ответил"}


@dataclass
class InviteeRow:
    participant_id: str
    name: str
    school: str
    role: str
    status: str
    answered_at: datetime | None
    link_path: str | None


@dataclass
class CampaignPage:
    campaign: CampaignResult
    where: str
    programme: str | None
    invitees: list[InviteeRow]  # those shown: of the chosen status, at most INVITEES_SHOWN
    pending_with_link: int  # who a reminder reaches
    matching: int  # invitees of the chosen status, shown or not
    show: str


@dataclass
class CampaignRow:
    campaign: CampaignResult
    where: str
    programme: str | None


@dataclass
class FormChoices:
    instruments: list[InstrumentResult]
    programmes: list[tuple[str, str]]  # (id, title with school)
    schools: list[tuple[str, str]]  # the coordinator's / region's schools
    municipalities: list[tuple[str, str]]  # the region's, for its staff


@dataclass
class MyQuestionnaire:
    title: str
    campaign_title: str
    closes_on: date
    opens_on: date
    state: str  # open | not_yet | completed | closed
    link_path: str | None
    answered_at: datetime | None


@dataclass
class Growth:
    title: str
    scales: list[tuple[str, float | None, float | None, float | None]] = field(default_factory=list)
    has_start: bool = False
    has_end: bool = False


class SurveyViews:
    def __init__(self, service: SurveysService) -> None:
        self.service = service
        self.db = service.db

    # -- campaigns ----------------------------------------------------------------------------

    async def campaigns(self, principal: Principal, *, closing_by: date | None = None) -> list[CampaignRow]:
        """The campaigns the caller sees (newest first), with their counts from one grouped query;
        `closing_by`: only open ones that close by that day (the to-do list)."""
        async with self.db.sessions() as session:
            query = select(Campaign).where(_visible_campaigns(principal))
            if closing_by is not None:
                query = query.where(Campaign.status == "open", col(Campaign.closes_on) <= closing_by).order_by(Campaign.closes_on)
            else:
                query = query.order_by(col(Campaign.opened_at).desc())
            campaigns = list((await session.exec(query)).all())
            counts = await _counts(session, [c.id for c in campaigns])
            rows = [_summary(c, *counts.get(c.id, (0, 0))) for c in campaigns]
            schools = await _schools(session, {c.school_id for c in rows if c.school_id})
            programmes = await _programmes(session, {c.programme_id for c in rows if c.programme_id})
            municipalities = await _municipality_names(session)
        return [CampaignRow(c, _where(c, schools, municipalities), programmes.get(c.programme_id or "")) for c in rows]

    async def campaign(self, campaign_id: str, principal: Principal, show: str = "all") -> CampaignPage:
        out = await self.service.campaign(campaign_id, principal)  # 404 outside the caller's scope
        async with self.db.sessions() as session:
            names = dict((await session.exec(
                select(Respondent.participant_id, Respondent.display_name)
                .join(Invitation, col(Invitation.participant_id) == Respondent.participant_id)
                .where(Invitation.campaign_id == campaign_id))).all())
            answered = dict((await session.exec(select(SurveyResponse.id, SurveyResponse.completed_at)
                                                .where(SurveyResponse.campaign_id == campaign_id))).all())
            schools = await _schools(session, {i.school_id for i in out.invitees} | {out.school_id or ""})
            programmes = await _programmes(session, {out.programme_id} if out.programme_id else set())
            municipalities = await _municipality_names(session)
        invitees = [
            InviteeRow(i.participant_id, names.get(i.participant_id) or _anonymous(i.participant_id),
                       schools.get(i.school_id, i.school_id), domain.ROLES.get(i.role, i.role), i.status,
                       answered.get(i.response_id or ""), i.link_path)
            for i in out.invitees
            if show == "all" or (i.status == "completed") == (show == "answered")
        ]
        invitees.sort(key=lambda r: (r.status == "completed", r.name.casefold()))
        pending = sum(1 for i in out.invitees if i.status != "completed" and i.link_path)
        return CampaignPage(out, _where(out, schools, municipalities), programmes.get(out.programme_id or ""),
                            invitees[:INVITEES_SHOWN], pending, len(invitees), show)

    async def form_choices(self, principal: Principal) -> FormChoices:
        instruments = [i for i in await self.service.instruments(principal) if "curator" not in i.respondent_roles]
        async with self.db.sessions() as session:
            school_query = select(School)
            if principal.scope == "municipality":
                school_query = school_query.where(School.municipality_id == principal.scope_id)
            elif principal.scope == "school":
                school_query = school_query.where(School.school_id == principal.scope_id)
            schools = list((await session.exec(school_query.order_by(School.name))).all())
            programme_query = select(Programme).order_by(col(Programme.academic_year).desc(), Programme.title)
            if principal.scope != "region":
                programme_query = programme_query.where(col(Programme.school_id).in_([s.school_id for s in schools]))
            programmes = list((await session.exec(programme_query)).all())
        names = {s.school_id: s.name or s.school_id for s in schools}
        several = principal.scope != "school"
        return FormChoices(
            instruments=instruments,
            programmes=[(p.programme_id, f"{p.title} ({p.academic_year}{', ' + names.get(p.school_id, p.school_id) if several else ''})")
                        for p in programmes],
            schools=[(s.school_id, s.name or s.school_id) for s in schools] if several else [],
            municipalities=sorted({(s.municipality_id, s.municipality_name or s.municipality_id) for s in schools},
                                  key=lambda m: m[1]) if principal.scope == "region" else [],
        )

    async def audience(self, body: OpenCampaign, principal: Principal) -> int:
        """How many people a campaign with these settings would ask (nothing is stored)."""
        async with self.db.sessions() as session:
            scope = await self.service._campaign_scope(session, body, principal)  # noqa: SLF001 (same service)
            instrument = await self.service.instrument(session, body.instrument.code, body.instrument.version, scope.school_id)
            if body.role is None:
                return 0
            return len(await self.service._select_respondents(session, body, scope.schools, instrument))  # noqa: SLF001

    # -- a respondent's own -------------------------------------------------------------------

    async def my_questionnaires(self, principal: Principal) -> list[MyQuestionnaire]:
        async with self.db.sessions() as session:
            rows = (await session.exec(
                select(Invitation, Campaign).join(Campaign, col(Campaign.id) == Invitation.campaign_id)
                .where(Invitation.participant_id == principal.sub).order_by(col(Campaign.closes_on).desc())
            )).all()
            response_ids = [i.response_id for i, _ in rows if i.response_id]
            answered = dict((await session.exec(select(SurveyResponse.id, SurveyResponse.completed_at)
                                                .where(col(SurveyResponse.id).in_(response_ids)))).all()) if response_ids else {}
            titles = {}
            for _, campaign in rows:
                key = (campaign.instrument_code, campaign.instrument_version)
                if key not in titles:
                    try:
                        titles[key] = (await self.service.instrument(session, *key)).title
                    except UseCaseError:
                        titles[key] = campaign.title
        today = clock.today()
        out = []
        for invitation, campaign in rows:
            out.append(MyQuestionnaire(
                title=titles[(campaign.instrument_code, campaign.instrument_version)], campaign_title=campaign.title,
                opens_on=campaign.opens_on, closes_on=campaign.closes_on, state=_state(invitation, campaign, today),
                link_path=link_path(invitation.token) if invitation.token else None,
                answered_at=answered.get(invitation.response_id or ""),
            ))
        order = {"open": 0, "not_yet": 1, "completed": 2, "closed": 3}
        out.sort(key=lambda q: (order[q.state], q.closes_on))
        return out

    async def my_growth(self, principal: Principal) -> Growth:
        code, version = GROWTH_INSTRUMENT
        instrument = domain.BUILT_IN[(code, version)]
        titles = {s["code"]: s.get("title", s["code"]) for s in instrument.definition.get("scales", [])}
        try:
            result = await self.service.growth(principal.sub, code, version, principal)
        except NotFound:  # surveys does not know the person yet: no data either
            return Growth(instrument.title)
        start, end, delta = result.start or {}, result.end or {}, result.growth or {}
        scales = [(titles.get(s, s), start.get(s), end.get(s), delta.get(s)) for s in instrument.scales]
        return Growth(instrument.title, scales, result.start is not None, result.end is not None)

    # -- to do ----------------------------------------------------------------------------------

    async def todo(self, principal: Principal) -> list[tuple[str, str]]:
        """(text, link) of what this person has to do now in surveys."""
        today = clock.today()
        if principal.role in ("mentor", "mentee"):
            async with self.db.sessions() as session:
                rows = (await session.exec(
                    select(Invitation.token, Campaign.title, Campaign.closes_on)
                    .join(Campaign, col(Campaign.id) == Invitation.campaign_id)
                    .where(Invitation.participant_id == principal.sub, Invitation.status != "completed",
                           Campaign.status == "open", col(Campaign.opens_on) <= today, col(Campaign.closes_on) >= today,
                           col(Invitation.token).is_not(None))
                    .order_by(Campaign.closes_on)
                )).all()
            return [(f"Заполнить анкету «{title}» до {closes:%d.%m.%Y}", link_path(token)) for token, title, closes in rows]
        if principal.role not in ("school_curator", "municipal_coordinator", "region_admin"):
            return []
        rows = await self.campaigns(principal, closing_by=today + timedelta(days=CLOSING_SOON_DAYS))
        return [(f"Опрос «{r.campaign.title}» ({r.where}) закрывается {r.campaign.closes_on:%d.%m.%Y}: "
                 f"ответили {percent(r.campaign.response_rate)}", f"/surveys/campaigns/{r.campaign.id}") for r in rows]


async def _counts(session: AsyncSession, campaign_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(invited, responded) per campaign, counted by the database."""
    if not campaign_ids:
        return {}
    rows = (await session.exec(
        select(Invitation.campaign_id, func.count(), func.sum(case((col(Invitation.status) == "completed", 1), else_=0)))
        .where(col(Invitation.campaign_id).in_(campaign_ids)).group_by(Invitation.campaign_id)
    )).all()
    return {campaign_id: (invited, int(responded or 0)) for campaign_id, invited, responded in rows}


def _summary(c: Campaign, invited: int, responded: int) -> CampaignResult:
    return CampaignResult(
        id=c.id, title=c.title, instrument=InstrumentRef(code=c.instrument_code, version=c.instrument_version), school_id=c.school_id,
        municipality_id=c.municipality_id, programme_id=c.programme_id, role=c.role, form=c.form, category=c.category,
        stage=c.stage, opens_on=c.opens_on, closes_on=c.closes_on, status=c.status, invited=invited, responded=responded,
        response_rate=domain.response_rate(invited, responded),
    )


def _state(invitation: Invitation, campaign: Campaign, today: date) -> str:
    if invitation.status == "completed":
        return "completed"
    if campaign.status != "open" or today > campaign.closes_on:
        return "closed"
    if today < campaign.opens_on:
        return "not_yet"
    return "open"


def _anonymous(participant_id: str) -> str:
    return "участник удалён" if participant_id.startswith("anonymised-") else participant_id


def _where(campaign: CampaignResult, schools: dict[str, str], municipalities: dict[str, str]) -> str:
    if campaign.school_id:
        return schools.get(campaign.school_id, campaign.school_id)
    if campaign.municipality_id:
        return f"все школы: {municipalities.get(campaign.municipality_id, campaign.municipality_id)}"
    return "все школы региона"


async def _schools(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    ids.discard("")
    if not ids:
        return {}
    rows = (await session.exec(select(School.school_id, School.name).where(col(School.school_id).in_(ids)))).all()
    return {school_id: name or school_id for school_id, name in rows}


async def _programmes(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = (await session.exec(select(Programme.programme_id, Programme.title).where(col(Programme.programme_id).in_(ids)))).all()
    return dict(rows)


async def _municipality_names(session: AsyncSession) -> dict[str, str]:
    rows = (await session.exec(select(School.municipality_id, School.municipality_name).distinct())).all()
    return {m: name or m for m, name in rows}
