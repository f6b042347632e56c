"""Surveys use cases: instruments, campaigns, answers (API, web form, school commands),
scores, growth and erasure on withdrawal. Each change and its events commit in one UnitOfWork."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared.auth import Principal
from shared.clock import academic_year_of, utcnow
from shared.contracts.surveys import (
    CampaignClosed,
    CampaignOpened,
    CampaignReminderDue,
    InstrumentRef,
    InstrumentSaved,
    RespondentInvited,
)
from shared.db import Database
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, UseCaseError
from shared.messaging.outbox import UnitOfWork, Work

from services.surveys import domain
from services.surveys.ingest import (
    RESPONDENT_NOT_FOUND,
    GroupCommit,
    Submission,
    caller_key,
    client_key,
    completed_event,
    explicit_role,
    key_reused,
    role_mismatch,
)
from services.surveys.models import (
    Campaign,
    CustomInstrument,
    EndedEnrolment,
    Enrolment,
    Invitation,
    PairMembership,
    Reminder,
    Respondent,
    School,
    SurveyResponse,
)
from services.surveys.schemas import (
    CampaignIn,
    CampaignOut,
    GrowthOut,
    InstrumentOut,
    InviteeOut,
    ResponseIn,
    ResponseOut,
)

STAFF = ("region_admin", "municipal_coordinator", "school_curator", "integration")
CAMPAIGN_OPENERS = ("region_admin", "municipal_coordinator", "school_curator")
OPENERS_ONLY = "{} могут куратор школы, муниципальный координатор и региональный центр"
INSTRUMENT_AUTHORS = ("region_admin", "school_curator")
FORM_PREFIX = "/surveys/form/"


class InvalidAnswers(UseCaseError):
    status_code = 422

    def __init__(self, problems: list[domain.AnswerProblem]) -> None:
        super().__init__("; ".join(f"{p.item}: {p.message}" for p in problems))
        self.problems = problems


class InvalidInstrument(UseCaseError):
    status_code = 422

    def __init__(self, problems: list[domain.DefinitionProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


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


@dataclass
class FormState:
    """What the web form at a personal link shows."""

    invitation: Invitation
    campaign: Campaign
    instrument: domain.Instrument
    state: str  # open | completed | closed | not_yet
    answers: dict[str, Any]


def link_path(token: str) -> str:
    return FORM_PREFIX + token


class SurveysService:
    def __init__(self, db: Database, uow: UnitOfWork, region_id: str = "region") -> None:
        self.db = db
        self.uow = uow
        self.region_id = region_id
        self.group_commit = GroupCommit(uow)
        self._used_instruments: dict[tuple[str, int], domain.Instrument] = {}

    # -- instruments ----------------------------------------------------------------------------

    async def instrument(self, session: AsyncSession, code: str, version: int, school_id: str | None = None) -> domain.Instrument:
        """A built-in or custom instrument usable for `school_id` (None: any); 422 naming the field."""
        built_in = domain.BUILT_IN.get((code, version))
        if built_in is not None:
            return built_in
        row = await session.get(CustomInstrument, (code, version))
        if row is not None and (row.owner_scope == "region" or school_id is None or row.owner_id == school_id):
            return self._parsed(row)
        known = sorted({v for c, v in domain.BUILT_IN if c == code})
        if not known:
            rows = (await session.exec(select(CustomInstrument.version).where(CustomInstrument.code == code))).all()
            known = sorted(rows)
        if known:
            raise Unprocessable(f"Версии {version} анкеты {code} нет; есть версии: {', '.join(map(str, known))}", field="instrument.version")
        raise Unprocessable(f"Анкета {code} не найдена", field="instrument.code")

    def _parsed(self, row: CustomInstrument) -> domain.Instrument:
        """A custom instrument's definition, parsed once per process after it was first used
        (a used version never changes again; an unused one may still be edited)."""
        key = (row.code, row.version)
        cached = self._used_instruments.get(key)
        if cached is None:
            cached = domain.parse_instrument(row.definition)
            if row.used:
                self._used_instruments[key] = cached
        return cached

    async def instruments(self, principal: Principal | None = None) -> list[InstrumentOut]:
        out = [_instrument_out(i) for i in domain.BUILT_IN.values()]
        async with self.db.sessions() as session:
            rows = (await session.exec(select(CustomInstrument).order_by(CustomInstrument.code, CustomInstrument.version))).all()
            municipal_schools: set[str] = set()
            if principal is not None and principal.scope == "municipality":
                municipal_schools = set(await _schools_of(session, principal.scope_id))
        for row in rows:
            if principal is None or _sees_instrument(principal, row, municipal_schools):
                out.append(_instrument_out(domain.parse_instrument(row.definition), row))
        return out

    async def save_instrument(self, definition: dict[str, Any], principal: Principal) -> tuple[InstrumentOut, bool]:
        """Save a custom instrument: a new code, a new version of an own code, or an edit of an
        unused version. A used version is never changed (409: save a new version)."""
        if principal.role not in INSTRUMENT_AUTHORS:
            raise Forbidden("Создавать анкеты могут региональный центр и куратор школы")
        definition = dict(definition)
        definition.setdefault("version", 1)
        problems = domain.definition_problems(definition)
        if problems:
            raise InvalidInstrument(problems)
        code, version = definition["code"], definition["version"]
        if any(c == code for c, _ in domain.BUILT_IN):
            raise InvalidInstrument([domain.DefinitionProblem("code", f"code: код «{code}» занят встроенной анкетой")])
        owner_scope = "region" if principal.scope == "region" else "school"
        owner_id = self.region_id if owner_scope == "region" else principal.scope_id
        if principal.scope == "municipality":
            raise Forbidden("Анкеты сохраняют региональный центр или школа")
        async with self.uow() as work:
            versions = (await work.session.exec(select(CustomInstrument).where(CustomInstrument.code == code))).all()
            if versions and any((v.owner_scope, v.owner_id) != (owner_scope, owner_id) for v in versions):
                raise Conflict(f"Код анкеты «{code}» уже занят другим владельцем")
            existing = next((v for v in versions if v.version == version), None)
            if existing is not None:
                if existing.used:
                    latest = max(v.version for v in versions)
                    raise Conflict(
                        f"Версия {version} анкеты {code} уже использовалась и не меняется: сохраните версию {latest + 1}"
                    )
                existing.definition = definition
                existing.updated_at = utcnow()
                work.session.add(existing)
                row, created = existing, False
            else:
                latest = max((v.version for v in versions), default=0)
                if version != latest + 1:
                    raise InvalidInstrument(
                        [domain.DefinitionProblem("version", f"version: следующая версия анкеты {code} — {latest + 1}")]
                    )
                row = CustomInstrument(
                    code=code, version=version, owner_scope=owner_scope, owner_id=owner_id,
                    definition=definition, created_by=principal.sub,
                )
                work.session.add(row)
                created = True
            parsed = domain.parse_instrument(definition)
            work.emit(InstrumentSaved(code=code, version=version, title=parsed.title, owner_scope=owner_scope,
                                      owner_id=owner_id, items=domain.item_labels(parsed)))
        return _instrument_out(domain.parse_instrument(definition), row), created

    # -- answers --------------------------------------------------------------------------------

    async def submit(self, request: ResponseIn, principal: Principal, correlation_id: str | None = None) -> tuple[ResponseOut, bool]:
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
        inside the caller's unit of work; the group commit (ingest.py) applies the same rules."""
        session = work.session
        instrument = await self.instrument(session, s.instrument.code, s.instrument.version)
        scores = _validated(instrument, s)
        # One round trip on the common path: the respondent, whether this submission_id is
        # already stored, and (without a campaign, where the role is known up front) the
        # respondent's latest pair membership in that role.
        role = explicit_role(s, instrument) if s.campaign_id is None else None
        prior = select(SurveyResponse.id).where(SurveyResponse.submission_id == s.submission_id).scalar_subquery()
        if s.campaign_id is None and (s.role is None or role is not None):
            found = (await session.exec(
                select(Respondent, PairMembership, prior)
                .outerjoin(PairMembership, (PairMembership.participant_id == Respondent.participant_id)
                           & _membership_role(role, instrument))
                .where(Respondent.participant_id == s.respondent_id)
                .order_by(col(PairMembership.formed_at).desc())
                .limit(1)
            )).first()
            known_membership = True
        else:
            found = (await session.exec(select(Respondent, prior).where(Respondent.participant_id == s.respondent_id))).first()
            known_membership = False
        respondent = found[0] if found is not None else None
        membership = found[1] if known_membership and found is not None else None
        if respondent is None or not may_answer(respondent):  # scope first (issue 13, M1)
            raise NotFound(RESPONDENT_NOT_FOUND)
        if found[-1] is not None:  # a retried submission (keys are per caller): answer with the first
            existing = (await session.exec(select(SurveyResponse).where(SurveyResponse.submission_id == s.submission_id))).first()
            if existing:
                if existing.respondent_id != s.respondent_id:
                    raise key_reused()
                return existing, False
        if domain.programme_role_required(instrument) is not None:
            await _check_programme_role(session, instrument, respondent.participant_id)
        custom = None
        if (instrument.code, instrument.version) not in domain.BUILT_IN:  # built-in codes are never custom
            custom = await session.get(CustomInstrument, (instrument.code, instrument.version))
        if custom is not None and custom.owner_scope == "school" and custom.owner_id != respondent.school_id:
            raise Unprocessable(f"Анкета {instrument.code} не найдена", field="instrument.code")
        campaign = None
        if s.campaign_id is not None:
            campaign = await session.get(Campaign, s.campaign_id)
            if campaign is None:
                raise NotFound(f"Кампания {s.campaign_id} не найдена")
            if (campaign.instrument_code, campaign.instrument_version) != (instrument.code, instrument.version):
                raise Unprocessable(
                    f"Кампания проводится по анкете {campaign.instrument_code} v{campaign.instrument_version}",
                    field="instrument.version" if campaign.instrument_code == instrument.code else "instrument.code",
                )
            if campaign.stage != s.stage:
                raise Unprocessable(f"Этап кампании — {campaign.stage or 'не указан'}", field="stage")
            self._check_open(campaign)
            if invitation is None:
                invitation = (await session.exec(select(Invitation).where(
                    Invitation.campaign_id == campaign.id, Invitation.participant_id == respondent.participant_id))).first()
                if invitation is None:
                    raise NotFound(f"Респондент {s.respondent_id} не приглашён в кампанию {campaign.id}")
            if invitation.status == "completed":
                raise Conflict("Ответ в этой кампании уже принят")
            role = invitation.role
        elif s.role is not None and role is None:
            raise role_mismatch(instrument)
        if not known_membership:
            membership = (await session.exec(
                select(PairMembership)
                .where(PairMembership.participant_id == respondent.participant_id, _membership_role(role, instrument))
                .order_by(col(PairMembership.formed_at).desc())
            )).first()
        role = role or (membership.role if membership else instrument.respondent_role)
        response = SurveyResponse(
            id=str(uuid.uuid4()),
            submission_id=s.submission_id,
            instrument_code=instrument.code,
            instrument_version=instrument.version,
            respondent_id=respondent.participant_id,
            respondent_role=role,
            school_id=respondent.school_id,
            academic_year=membership.academic_year if membership else academic_year_of(date.today()),
            pair_id=membership.pair_id if membership else None,
            stage=s.stage,
            campaign_id=campaign.id if campaign else None,
            channel=s.channel,
            answers=dict(s.answers),
            scores=scores,
        )
        session.add(response)
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

    @staticmethod
    def _check_open(campaign: Campaign) -> None:
        today = date.today()
        if campaign.status != "open" or today > campaign.closes_on:
            raise Conflict("Опрос завершён: ответы больше не принимаются")
        if today < campaign.opens_on:
            raise Conflict(f"Опрос начнётся {campaign.opens_on:%d.%m.%Y}")

    async def growth(self, respondent_id: str, code: str, version: int, principal: Principal) -> GrowthOut:
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
        return GrowthOut(
            respondent_id=respondent_id, instrument=InstrumentRef(code=code, version=version), start=start, end=end,
            growth=domain.growth(start, end) if start is not None and end is not None else None,
        )

    # -- campaigns ------------------------------------------------------------------------------

    async def open_campaign(self, body: CampaignIn, principal: Principal, correlation_id: str | None = None) -> CampaignOut:
        if principal.role not in CAMPAIGN_OPENERS or principal.scope not in ("region", "municipality", "school"):
            raise Forbidden(OPENERS_ONLY.format("Открыть опрос"))
        if body.closes_on < body.opens_on:
            raise Unprocessable("Дата окончания раньше даты начала", field="closes_on")
        if body.closes_on < date.today():
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

    async def _campaign_scope(self, session: AsyncSession, body: CampaignIn, principal: Principal) -> CampaignScope:
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
        self, session: AsyncSession, body: CampaignIn, schools: list[str] | None, instrument: domain.Instrument
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

    async def campaign(self, campaign_id: str, principal: Principal) -> CampaignOut:
        async with self.db.sessions() as session:
            campaign = await self._campaign_for(session, campaign_id, principal)
            invitations = (await session.exec(select(Invitation).where(Invitation.campaign_id == campaign_id)
                                              .order_by(Invitation.participant_id))).all()
        return _campaign_out(campaign, list(invitations))

    async def campaigns(self, principal: Principal) -> list[CampaignOut]:
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

    async def close_campaign(self, campaign_id: str, principal: Principal, correlation_id: str | None = None) -> CampaignOut:
        if principal.role not in CAMPAIGN_OPENERS:
            raise Forbidden(OPENERS_ONLY.format("Закрыть опрос"))
        async with self.uow(correlation_id) as work:
            campaign = await self._campaign_for(work.session, campaign_id, principal)
            out, _ = await self._close(work, campaign)
        return out

    async def _close(self, work: Work, campaign: Campaign) -> tuple[CampaignOut, bool]:
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

    # -- the web form at a personal link --------------------------------------------------------

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
        today = date.today()
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

    # -- erasure ----------------------------------------------------------------------------------

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


async def _check_programme_role(session: AsyncSession, instrument: domain.Instrument, participant_id: str) -> None:
    """422 unless the respondent is enrolled (or paired) in the role the instrument asks about."""
    held = set((await session.exec(select(Enrolment.role).where(Enrolment.participant_id == participant_id))).all())
    held |= set((await session.exec(select(PairMembership.role).where(PairMembership.participant_id == participant_id))).all())
    problem = domain.programme_role_problem(instrument, held)
    if problem:
        raise Unprocessable(problem, field="respondent_id")


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


def _membership_role(role: str | None, instrument: domain.Instrument):  # noqa: ANN202
    """The pair memberships a response may belong to: in its role, else in any of the instrument's."""
    if role is not None:
        return PairMembership.role == role
    return col(PairMembership.role).in_(instrument.respondent_roles)


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


async def _schools_of(session: AsyncSession, municipality_id: str) -> list[str]:
    return list((await session.exec(select(School.school_id).where(School.municipality_id == municipality_id))).all())


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


def _sees_instrument(principal: Principal, row: CustomInstrument, municipal_schools: set[str]) -> bool:
    """The region's instruments: everyone; a school's own: that school, the region, and the
    coordinator of the school's municipality (`municipal_schools`), no one else."""
    if row.owner_scope == "region" or principal.scope == "region":
        return True
    if principal.scope == "municipality":
        return row.owner_id in municipal_schools
    return principal.scope_id == row.owner_id


def _instrument_out(instrument: domain.Instrument, row: CustomInstrument | None = None) -> InstrumentOut:
    return InstrumentOut(
        code=instrument.code,
        version=instrument.version,
        title=instrument.title,
        respondent_role=instrument.respondent_role,
        respondent_roles=list(instrument.respondent_roles),
        staged=instrument.staged,
        description=instrument.description,
        origin="built_in" if row is None else row.owner_scope,
        owner_id=None if row is None else row.owner_id,
        used=True if row is None else row.used,
        items=[{**asdict(item), "section": section.code} for section in instrument.sections for item in section.items],
        scales={k: list(v) for k, v in instrument.scales.items()},
        definition=dict(instrument.definition),
    )


def _campaign_out(campaign: Campaign, invitations: list[Invitation], with_invitees: bool = True) -> CampaignOut:
    responded = sum(1 for i in invitations if i.status == "completed")
    return CampaignOut(
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
            InviteeOut(participant_id=i.participant_id, school_id=i.school_id, role=i.role, status=i.status,
                       link_path=link_path(i.token) if i.token else None, response_id=i.response_id)
            for i in invitations
        ] if with_invitees else [],
    )


def _out(row: SurveyResponse) -> ResponseOut:
    return _response_out(row.model_dump())


def _response_out(values: Mapping[str, Any]) -> ResponseOut:
    return ResponseOut(
        id=values["id"],
        submission_id=client_key(values["submission_id"]),
        instrument=InstrumentRef(code=values["instrument_code"], version=values["instrument_version"]),
        respondent_id=values["respondent_id"],
        respondent_role=values["respondent_role"],
        school_id=values["school_id"],
        academic_year=values["academic_year"],
        pair_id=values["pair_id"],
        stage=values["stage"],
        campaign_id=values["campaign_id"],
        scores=values["scores"],
    )
