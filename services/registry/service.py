"""Registry use cases: change state and enqueue the events in one transaction.

Each use case exists twice: the public method opens its own unit of work (HTTP API), the
`*_in(work, ...)` one runs inside a given one (school systems' commands, whose inbox claim
shares the transaction). Consent rules (152-ФЗ), as docs/registry.md explains them:

- a person is stored when registered, but announced (`registry.participant.registered.v1`) only
  once their consent is recorded — for a pupil, the legal representative's;
- nobody without consent is enrolled;
- withdrawal of consent or leaving the school ends the enrolments, announces
  `registry.participant.withdrawn.v1`, and erases the person's data from the registry, keeping a
  tombstone (ids, category, dates of consent and withdrawal) and a keyed hash of the external id."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry import (
    Consent,
    ContactUpdated,
    EnrolmentEnded,
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    PartnerRegistered,
    ProgrammeClosed,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
    SchoolUpdated,
)
from shared.db import Database
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import OutboxMessage, UnitOfWork, Work
from shared.settings import Settings

from services.registry import domain
from services.registry.models import (
    Account,
    AccountLink,
    AuditRecord,
    Enrolment,
    Municipality,
    Participant,
    Partner,
    Programme,
    School,
)
from services.registry.revocations import revoke
from services.registry.schemas import (
    EnrolmentIn,
    ParticipantIn,
    ParticipantPatch,
    PartnerIn,
    ProgrammeIn,
    ProgrammePatch,
    RegionOut,
    SchoolIn,
    SchoolPatch,
)

ANNOUNCED_FIELDS = (
    "category", "full_name", "subjects", "experience_years", "young_specialist", "grade", "position",
    "newly_arrived", "partner_id", "self_determination", "class_direction",
)
"""Participant fields that events carry (full_name as display_name)."""

PERSON_FIELDS = (
    "full_name", "external_id", "subjects", "position", "experience_years", "birth_year", "age_band",
    "qualification", "newly_arrived", "grade", "partner_id", "self_determination", "class_direction",
)
"""Participant fields a school may change."""

STATUS_OF_REASON = {"consent_withdrawn": "withdrawn", "left_school": "left"}


def new_id() -> str:
    return str(uuid.uuid4())


def today() -> date:
    return utcnow().date()


def snapshot(row: Participant) -> dict[str, Any]:
    """What consumers are told about a person (ParticipantRegistered / ParticipantUpdated fields)."""
    return {
        "participant_id": row.id,
        "school_id": row.school_id,
        "category": row.category,
        "display_name": row.full_name,
        "subjects": list(row.subjects or []),
        "experience_years": row.experience_years,
        "young_specialist": row.young_specialist,
        "grade": row.grade,
        "position": row.position,
        "newly_arrived": bool(row.newly_arrived),
        "partner_id": row.partner_id,
        "self_determination": row.self_determination,
        "class_direction": row.class_direction,
    }


def school_event(cls, school: School, municipality: Municipality, region_id: str):  # noqa: ANN001, ANN201
    return cls(
        school_id=school.id,
        name=school.name,
        municipality_id=municipality.id,
        municipality_name=municipality.name,
        region_id=region_id,
        low_results=school.low_results,
        difficult_conditions=school.difficult_conditions,
    )


def programme_fields(row: Programme) -> dict[str, Any]:
    return {
        "programme_id": row.id,
        "school_id": row.school_id,
        "academic_year": row.academic_year,
        "title": row.title,
        "forms": list(row.forms or []),
        "stage": row.stage,
        "curator_id": row.curator_id,
    }


def consent_date(consent: Consent) -> date:
    if not consent.date:
        return today()
    try:
        return date.fromisoformat(consent.date)
    except ValueError:
        raise Unprocessable("Дата согласия — в формате ГГГГ-ММ-ДД", field="consent.date") from None


class RegistryService:
    def __init__(self, db: Database, uow: UnitOfWork, settings: Settings) -> None:
        self.db = db
        self.uow = uow
        self.settings = settings

    # -- region, municipalities, schools ----------------------------------------------------

    async def region(self, principal: Principal) -> RegionOut:
        async with self.db.sessions() as session:
            rows = (await session.exec(select(Municipality).order_by(Municipality.name))).all()
        visible = [m for m in rows if principal.sees_municipality(m.id) or principal.scope == "school"]
        if principal.scope == "school":
            school = await self._school(principal.scope_id)
            visible = [m for m in rows if school is not None and m.id == school.municipality_id]
        return RegionOut(id=self.settings.region_id, name=self.settings.region_name,
                         municipalities=[{"id": m.id, "name": m.name} for m in visible])

    async def _school(self, school_id: str) -> School | None:
        async with self.db.sessions() as session:
            return await session.get(School, school_id)

    async def register_school(self, school: SchoolIn, principal: Principal | None = None, correlation_id: str | None = None) -> School:
        async with self.uow(correlation_id) as work:
            return await self.register_school_in(work, school, _actor(principal))

    async def register_school_in(self, work: Work, school: SchoolIn, actor: str) -> School:
        school_id = school.school_id or new_id()
        if await work.session.get(School, school_id):
            raise Conflict(f"Школа {school_id} уже зарегистрирована", field="school_id")
        municipality = await self._municipality(work, school.municipality_id, school.municipality_name)
        row = School(
            id=school_id,
            name=school.name,
            municipality_id=municipality.id,
            low_results=school.low_results,
            difficult_conditions=school.difficult_conditions,
        )
        work.session.add(row)
        work.emit(school_event(SchoolRegistered, row, municipality, self.settings.region_id))
        self._audit(work, actor, "school.registered", row.id)
        return row

    async def update_school(self, school_id: str, patch: SchoolPatch, principal: Principal, correlation_id: str | None = None) -> School:
        async with self.uow(correlation_id) as work:
            row = await self._visible_school(work, school_id, principal)
            changes = patch.model_dump(exclude_unset=True)
            municipality = await work.session.get(Municipality, row.municipality_id)
            if "municipality_id" in changes and changes["municipality_id"] != row.municipality_id:
                name = changes.get("municipality_name")
                existing = await work.session.get(Municipality, changes["municipality_id"])
                if existing is None and not name:
                    raise Unprocessable("Новый муниципалитет: укажите его название", field="municipality_name")
                municipality = await self._municipality(work, changes["municipality_id"], name or "")
            elif changes.get("municipality_name") and municipality is not None and changes["municipality_name"] != municipality.name:
                municipality.name = changes["municipality_name"]
                work.session.add(municipality)
            changed = False
            for name in ("name", "low_results", "difficult_conditions"):
                if name in changes and changes[name] is not None and getattr(row, name) != changes[name]:
                    setattr(row, name, changes[name])
                    changed = True
            if municipality is not None and municipality.id != row.municipality_id:
                row.municipality_id = municipality.id
                changed = True
            if changed or "municipality_name" in changes:
                row.updated_at = utcnow()
                work.session.add(row)
                work.emit(school_event(SchoolUpdated, row, municipality, self.settings.region_id))
                self._audit(work, _actor(principal), "school.updated", row.id, ",".join(sorted(changes)))
            return row

    async def _municipality(self, work: Work, municipality_id: str, name: str) -> Municipality:
        municipality = await work.session.get(Municipality, municipality_id)
        if municipality is None:
            municipality = Municipality(id=municipality_id, name=name)
            work.session.add(municipality)
        return municipality

    async def schools(self, principal: Principal) -> list[School]:
        async with self.db.sessions() as session:
            rows = (await session.exec(select(School).order_by(School.name))).all()
        return [s for s in rows if principal.sees_school(s.id, s.municipality_id)]

    async def school(self, school_id: str, principal: Principal) -> School:
        async with self.db.sessions() as session:
            school = await session.get(School, school_id)
        if school is None or not principal.sees_school(school.id, school.municipality_id):
            raise NotFound(f"Школа {school_id} не найдена")
        return school

    # -- network partners -----------------------------------------------------------------

    async def register_partner(self, partner: PartnerIn, principal: Principal, correlation_id: str | None = None) -> Partner:
        async with self.uow(correlation_id) as work:
            partner_id = partner.partner_id or new_id()
            if await work.session.get(Partner, partner_id):
                raise Conflict(f"Организация-партнёр {partner_id} уже зарегистрирована", field="partner_id")
            if partner.municipality_id:
                municipality = await work.session.get(Municipality, partner.municipality_id)
                if municipality is None:
                    raise Unprocessable(f"Муниципалитет {partner.municipality_id} не найден", field="municipality_id")
                if not principal.sees_municipality(municipality.id):
                    raise Forbidden("Партнёра другого муниципалитета регистрирует регион или его муниципалитет")
            elif principal.scope != "region":
                raise Unprocessable("Укажите муниципалитет партнёра", field="municipality_id")
            row = Partner(id=partner_id, name=partner.name, kind=partner.kind, municipality_id=partner.municipality_id)
            work.session.add(row)
            work.emit(PartnerRegistered(partner_id=row.id, name=row.name, kind=row.kind, region_id=self.settings.region_id,
                                        municipality_id=row.municipality_id))
            self._audit(work, _actor(principal), "partner.registered", row.id)
            return row

    async def partners(self) -> list[Partner]:
        async with self.db.sessions() as session:
            return list((await session.exec(select(Partner).order_by(Partner.name))).all())

    # -- participants ---------------------------------------------------------------------

    async def participants(self, school_id: str, principal: Principal, *, include_withdrawn: bool = False) -> list[Participant]:
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            query = select(Participant).where(Participant.school_id == school_id)
            if not include_withdrawn:
                query = query.where(Participant.status == "active")
            return list((await session.exec(query.order_by(Participant.full_name))).all())

    async def participant(self, participant_id: str, principal: Principal) -> Participant:
        async with self.db.sessions() as session:
            row = await session.get(Participant, participant_id)
            school = await session.get(School, row.school_id) if row else None
        if row is None or school is None or not self._may_read_person(principal, row, school):
            raise NotFound(f"Участник {participant_id} не найден")
        return row

    @staticmethod
    def _may_read_person(principal: Principal, row: Participant, school: School) -> bool:
        if principal.role in ("mentor", "mentee"):
            return principal.sub == row.id and principal.scope_id == row.school_id
        return principal.sees_school(school.id, school.municipality_id)

    async def register_participant(
        self, school_id: str, person: ParticipantIn, principal: Principal, correlation_id: str | None = None
    ) -> Participant:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            return await self.register_participant_in(work, school_id, person, _actor(principal))

    async def register_participant_in(self, work: Work, school_id: str, person: ParticipantIn, actor: str) -> Participant:
        if person.external_id:
            existing = await self.by_external_id(work, school_id, person.external_id)
            if existing is not None:
                raise Conflict(f"Участник с внешним id {person.external_id} уже есть в этой школе", field="external_id")
            await self._check_tombstone(work, school_id, person.external_id, person.consent)
        problem = domain.person_problem(person.category, person.grade, person.partner_id, person.self_determination,
                                        person.class_direction)
        if problem:
            raise Unprocessable(problem[1], field=problem[0])
        await self._check_partner(work, person.partner_id)
        row = Participant(
            id=new_id(),
            school_id=school_id,
            external_id=person.external_id,
            category=person.category,
            full_name=person.full_name,
            subjects=person.subjects,
            position=person.position,
            experience_years=person.experience_years,
            birth_year=person.birth_year,
            age_band=person.age_band,
            qualification=person.qualification,
            newly_arrived=person.newly_arrived,
            grade=person.grade,
            partner_id=person.partner_id,
            self_determination=person.self_determination,
            class_direction=person.class_direction,
            young_specialist=domain.is_young_specialist(
                person.category, person.birth_year, person.experience_years, today(), person.age_band
            ),
        )
        if person.consent is not None:
            self._set_consent(row, person.consent, work)
        work.session.add(row)
        if row.consent_date is not None:
            row.announced = True
            work.emit(ParticipantRegistered(**snapshot(row)))
        self._audit(work, actor, "participant.registered", row.id)
        return row

    async def by_external_id(self, work: Work, school_id: str, external_id: str) -> Participant | None:
        result = await work.session.exec(
            select(Participant).where(Participant.school_id == school_id, Participant.external_id == external_id)
        )
        return result.first()

    async def _check_tombstone(self, work: Work, school_id: str, external_id: str, consent: Consent | None) -> None:
        hashed = domain.external_id_hash(self.settings.jwt_secret, school_id, external_id)
        result = await work.session.exec(
            select(Participant.withdrawn_at)
            .where(Participant.school_id == school_id, Participant.external_id_hash == hashed)
            .order_by(col(Participant.withdrawn_at).desc())
        )
        withdrawn_at = result.first()
        if withdrawn_at is not None:
            problem = domain.reappearance_problem(withdrawn_at.date(), consent_date(consent) if consent else None)
            if problem:
                raise Conflict(problem, field="consent.date")

    async def _check_partner(self, work: Work, partner_id: str | None) -> None:
        if partner_id and await work.session.get(Partner, partner_id) is None:
            raise Unprocessable(f"Организация-партнёр {partner_id} не найдена", field="partner_id")

    def _set_consent(self, row: Participant, consent: Consent, work: Work) -> None:
        problem = domain.consent_problem(row.category, consent.given_by, consent.representative_name)
        if problem:
            raise Unprocessable(problem[1], field=problem[0])
        if consent.contact_email and not consent.contact_email_consent:
            raise Unprocessable("Адрес электронной почты хранится только с согласия на переписку", field="consent.contact_email_consent")
        row.consent_by = consent.given_by
        row.consent_representative = consent.representative_name
        row.consent_document = consent.document
        row.consent_date = consent_date(consent)
        row.account_allowed = consent.account_allowed
        # A consent record is the whole record: one without an address removes the stored one.
        email = consent.contact_email.strip().lower() if consent.contact_email and consent.contact_email_consent else None
        if email != row.contact_email:
            row.contact_email = email
            work.emit(ContactUpdated(participant_id=row.id, school_id=row.school_id, email=email))

    async def update_participant(
        self, participant_id: str, patch: ParticipantPatch, principal: Principal, correlation_id: str | None = None
    ) -> Participant:
        async with self.uow(correlation_id) as work:
            row = await self._visible_person(work, participant_id, principal)
            await self.update_participant_in(work, row, patch.model_dump(exclude_unset=True), _actor(principal))
            return row

    async def update_participant_in(
        self, work: Work, row: Participant, changes: dict[str, Any], actor: str, consent: Consent | None = None
    ) -> list[str]:
        """Apply `changes` (PERSON_FIELDS) and an optional consent; returns the announced fields that changed."""
        if row.status != "active":
            raise Conflict("Участник выбыл или отозвал согласие: его данные не изменяются", field="status")
        if "external_id" in changes and changes["external_id"] != row.external_id and changes["external_id"]:
            if await self.by_external_id(work, row.school_id, changes["external_id"]) is not None:
                raise Conflict(f"Участник с внешним id {changes['external_id']} уже есть в этой школе", field="external_id")
        if "partner_id" in changes:
            await self._check_partner(work, changes["partner_id"])
        before = snapshot(row)
        touched = False
        for name, value in changes.items():
            if name in PERSON_FIELDS and getattr(row, name) != value:
                setattr(row, name, value)
                touched = True
        problem = domain.person_problem(row.category, row.grade, row.partner_id, row.self_determination, row.class_direction)
        if problem:
            raise Unprocessable(problem[1], field=problem[0])
        row.young_specialist = domain.is_young_specialist(row.category, row.birth_year, row.experience_years, today(), row.age_band)
        newly_consented = False
        if consent is not None:
            self._set_consent(row, consent, work)
            touched = True
            newly_consented = not row.announced
        after = snapshot(row)
        changed = [key for key in after if after[key] != before[key]]
        if touched or changed:
            row.updated_at = utcnow()
            work.session.add(row)
            self._audit(work, actor, "participant.updated", row.id, ",".join(sorted(changes)))
        if newly_consented:
            row.announced = True
            work.emit(ParticipantRegistered(**after))
        elif row.announced and changed:
            work.emit(ParticipantUpdated(**after, changed=changed))
        return changed

    async def record_consent(self, participant_id: str, consent: Consent, principal: Principal, correlation_id: str | None = None) -> Participant:
        async with self.uow(correlation_id) as work:
            row = await self._visible_person(work, participant_id, principal)
            await self.update_participant_in(work, row, {}, _actor(principal), consent=consent)
            return row

    async def withdraw(self, participant_id: str, reason: str, principal: Principal, correlation_id: str | None = None) -> tuple[Participant, list[str]]:
        async with self.uow(correlation_id) as work:
            row = await self._visible_person(work, participant_id, principal)
            ended = await self.withdraw_in(work, row, reason, _actor(principal))
            return row, ended

    async def withdraw_in(self, work: Work, row: Participant, reason: str, actor: str) -> list[str]:
        """End the enrolments, announce the withdrawal, erase the person's data (see module doc)."""
        if row.status != "active":
            raise Conflict("Участник уже выбыл или отозвал согласие", field="status")
        now = utcnow()
        enrolments = (await work.session.exec(
            select(Enrolment).where(Enrolment.participant_id == row.id, Enrolment.active == True)  # noqa: E712
        )).all()
        ended = sorted({e.programme_id for e in enrolments})
        for enrolment in enrolments:
            enrolment.active = False
            enrolment.ended_at = now
            work.session.add(enrolment)
        curated = (await work.session.exec(select(Programme).where(Programme.curator_id == row.id))).all()
        for programme in curated:
            programme.curator_id = None
            work.session.add(programme)
            if programme.stage != "closed":
                work.emit(ProgrammeUpdated(**programme_fields(programme), changed=["curator_id"]))
        if row.contact_email:
            work.emit(ContactUpdated(participant_id=row.id, school_id=row.school_id, email=None))
        if row.announced:
            work.emit(ParticipantWithdrawn(participant_id=row.id, school_id=row.school_id, reason=reason, ended_programme_ids=ended))
        self._erase(row, reason, now)
        work.session.add(row)
        await self._redact_outbox(work, row.id)
        # the person's account goes too: no name, no address as login, no password, no live link
        await work.session.exec(update(Account).where(Account.participant_id == row.id).values(
            display_name=domain.ERASED_NAME, login=f"erased-{row.id}", password_hash=None, state="disabled"))
        await work.session.exec(update(AccountLink).where(
            col(AccountLink.account_id).in_(select(Account.id).where(Account.participant_id == row.id)),
            col(AccountLink.used_at).is_(None)).values(used_at=now))
        self._audit(work, actor, f"participant.{STATUS_OF_REASON[reason]}", row.id, reason)
        await revoke(work, row.id, "withdrawn")  # their sessions and tokens end in every service
        return ended

    async def _redact_outbox(self, work: Work, participant_id: str) -> None:
        """The registry's own copies of what it announced about the person: registered and updated
        events in the outbox, sent or not yet sent, lose their personal data (a not-yet-sent one
        then goes out already anonymised)."""
        rows = (await work.session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.event_type).in_([ParticipantRegistered.event_type, ParticipantUpdated.event_type]),
                col(OutboxMessage.body).contains(f'"subject":"{participant_id}"'),
            )
        )).all()
        for message in rows:
            envelope = json.loads(message.body)
            envelope["data"].update(display_name=domain.ERASED_NAME, subjects=[], experience_years=None, grade=None,
                                    position=None, newly_arrived=False, self_determination=None, class_direction=None)
            message.body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
            work.session.add(message)
        contacts = (await work.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.event_type == ContactUpdated.event_type,
                col(OutboxMessage.body).contains(f'"subject":"{participant_id}"'),
            )
        )).all()
        for message in contacts:
            envelope = json.loads(message.body)
            envelope["data"]["email"] = None
            message.body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
            work.session.add(message)

    def _erase(self, row: Participant, reason: str, now) -> None:  # noqa: ANN001
        if row.external_id:
            row.external_id_hash = domain.external_id_hash(self.settings.jwt_secret, row.school_id, row.external_id)
        row.external_id = None
        row.full_name = domain.ERASED_NAME
        row.subjects = []
        for name in ("position", "experience_years", "birth_year", "age_band", "qualification", "grade",
                     "consent_representative", "consent_document", "self_determination", "class_direction"):
            setattr(row, name, None)
        row.newly_arrived = False
        row.account_allowed = False
        row.contact_email = None
        row.status = STATUS_OF_REASON[reason]
        row.withdrawal_reason = reason
        row.withdrawn_at = now
        row.updated_at = now

    # -- programmes and enrolments -------------------------------------------------------

    async def programmes(self, school_id: str, principal: Principal) -> list[Programme]:
        await self.school(school_id, principal)
        async with self.db.sessions() as session:
            query = select(Programme).where(Programme.school_id == school_id).order_by(col(Programme.academic_year).desc(), Programme.title)
            return list((await session.exec(query)).all())

    async def programme(self, programme_id: str, principal: Principal) -> Programme:
        async with self.db.sessions() as session:
            row = await session.get(Programme, programme_id)
        if row is None:
            raise NotFound(f"Программа {programme_id} не найдена")
        await self.school(row.school_id, principal)
        return row

    async def create_programme(
        self, school_id: str, programme: ProgrammeIn, principal: Principal, correlation_id: str | None = None
    ) -> Programme:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            return await self.create_programme_in(work, school_id, programme, _actor(principal))

    async def create_programme_in(self, work: Work, school_id: str, programme: ProgrammeIn, actor: str) -> Programme:
        problem = domain.forms_problem(programme.forms)
        if problem:
            raise Unprocessable(problem, field="forms")
        if programme.code:
            existing = await work.session.exec(select(Programme).where(Programme.school_id == school_id, Programme.code == programme.code))
            if existing.first():
                raise Conflict(f"Программа с кодом {programme.code} уже есть в этой школе", field="code")
        row = Programme(
            id=new_id(),
            school_id=school_id,
            code=programme.code,
            academic_year=programme.academic_year,
            title=programme.title,
            forms=programme.forms,
            stage=programme.stage,
        )
        work.session.add(row)
        curator = await self._curator(work, row, programme.curator_id) if programme.curator_id else None
        if curator is not None:
            row.curator_id = curator.id
        work.emit(ProgrammeLaunched(**programme_fields(row)))
        if curator is not None:
            await self.enrol_in(work, row, curator, EnrolmentIn(participant_id=curator.id, role="curator"))
        self._audit(work, actor, "programme.launched", row.id)
        return row

    async def _curator(self, work: Work, programme: Programme, participant_id: str) -> Participant:
        person = await work.session.get(Participant, participant_id)
        if person is None or person.school_id != programme.school_id or person.status != "active":
            raise Unprocessable(f"Куратор {participant_id} не найден среди участников школы", field="curator_id")
        if person.category != "teacher":
            raise Unprocessable("Куратором может быть только педагог", field="curator_id")
        if person.consent_date is None:
            raise Unprocessable(domain.no_consent_message(person.category), field="curator_id")
        return person

    async def update_programme(self, programme_id: str, patch: ProgrammePatch, principal: Principal, correlation_id: str | None = None) -> Programme:
        async with self.uow(correlation_id) as work:
            row = await work.session.get(Programme, programme_id)
            if row is None:
                raise NotFound(f"Программа {programme_id} не найдена")
            await self._visible_school(work, row.school_id, principal)
            await self.update_programme_in(work, row, patch.model_dump(exclude_unset=True), _actor(principal))
            return row

    async def update_programme_in(self, work: Work, row: Programme, changes: dict[str, Any], actor: str) -> list[str]:
        """Apply title / forms / curator_id / stage changes; returns what changed."""
        if row.stage == "closed":
            raise Conflict("Программа завершена и не изменяется", field="stage")
        if "forms" in changes and (problem := domain.forms_problem(changes["forms"] or [])):
            raise Unprocessable(problem, field="forms")
        if "stage" in changes and changes["stage"] is not None and (problem := domain.stage_problem(row.stage, changes["stage"])):
            raise Unprocessable(problem, field="stage")
        changed = []
        new_curator = None
        for name in ("title", "forms", "stage"):
            if name in changes and changes[name] is not None and getattr(row, name) != changes[name]:
                setattr(row, name, changes[name])
                changed.append(name)
        if "curator_id" in changes and changes["curator_id"] != row.curator_id:
            if changes["curator_id"] is not None:
                new_curator = await self._curator(work, row, changes["curator_id"])
            row.curator_id = changes["curator_id"]
            changed.append("curator_id")
        if not changed:
            return changed
        work.session.add(row)
        if row.stage == "closed":
            await self._close(work, row)
        else:
            work.emit(ProgrammeUpdated(**programme_fields(row), changed=changed))
            if new_curator is not None:
                already = await work.session.exec(select(Enrolment).where(
                    Enrolment.participant_id == new_curator.id, Enrolment.programme_id == row.id, Enrolment.role == "curator"))
                if already.first() is None:
                    await self.enrol_in(work, row, new_curator, EnrolmentIn(participant_id=new_curator.id, role="curator"))
        self._audit(work, actor, "programme.updated", row.id, ",".join(changed))
        return changed

    async def _close(self, work: Work, row: Programme) -> None:
        now = utcnow()
        row.closed_at = now
        await work.session.exec(
            update(Enrolment).where(col(Enrolment.programme_id) == row.id, col(Enrolment.active).is_(True)).values(active=False, ended_at=now)
        )
        work.emit(ProgrammeClosed(programme_id=row.id, school_id=row.school_id, academic_year=row.academic_year))

    async def enrolments(self, programme_id: str, principal: Principal) -> list[Enrolment]:
        await self.programme(programme_id, principal)
        async with self.db.sessions() as session:
            return list((await session.exec(select(Enrolment).where(Enrolment.programme_id == programme_id))).all())

    async def enrol(
        self, programme_id: str, enrolment: EnrolmentIn, principal: Principal, correlation_id: str | None = None
    ) -> Enrolment:
        async with self.uow(correlation_id) as work:
            programme = await work.session.get(Programme, programme_id)
            if programme is None:
                raise NotFound(f"Программа {programme_id} не найдена")
            await self._visible_school(work, programme.school_id, principal)
            person = await work.session.get(Participant, enrolment.participant_id)
            if person is None or person.school_id != programme.school_id:
                raise NotFound(f"Участник {enrolment.participant_id} не найден в школе программы")
            return await self.enrol_in(work, programme, person, enrolment, _actor(principal))

    async def enrol_in(self, work: Work, programme: Programme, person: Participant, enrolment: EnrolmentIn,
                       actor: str = "system") -> Enrolment:
        if programme.stage == "closed":
            raise Conflict("Программа завершена: зачислить нельзя", field="programme_id")
        if person.status != "active":
            raise Conflict("Участник выбыл или отозвал согласие: зачислить нельзя", field="participant_id")
        if person.consent_date is None:
            raise Unprocessable(domain.no_consent_message(person.category), field="participant_id")
        problem = domain.enrolment_problem(enrolment.role, person.category, enrolment.capacity)
        if problem:
            raise Unprocessable(problem, field="capacity" if "capacity" in problem else "role")
        duplicate = await work.session.exec(
            select(Enrolment).where(
                Enrolment.participant_id == person.id,
                Enrolment.programme_id == programme.id,
                Enrolment.role == enrolment.role,
            )
        )
        existing = duplicate.first()
        if existing is not None and existing.active:
            raise Conflict("Участник уже зачислен в эту программу с этой ролью", field="role")
        if existing is not None:  # enrolled again after an ended enrolment: the same row, announced again
            existing.active, existing.ended_at, existing.capacity = True, None, enrolment.capacity
            work.session.add(existing)
            self._audit(work, actor, "enrolment.renewed", existing.id, f"{person.id}:{programme.id}:{existing.role}")
            work.emit(ParticipantEnrolled(participant_id=person.id, programme_id=programme.id, school_id=programme.school_id,
                                          role=existing.role, academic_year=programme.academic_year,
                                          capacity=existing.capacity))
            return existing
        row = Enrolment(
            id=new_id(),
            participant_id=person.id,
            programme_id=programme.id,
            role=enrolment.role,
            capacity=enrolment.capacity,
        )
        work.session.add(row)
        self._audit(work, actor, "enrolment.created", row.id, f"{person.id}:{programme.id}:{row.role}")
        work.emit(
            ParticipantEnrolled(
                participant_id=person.id,
                programme_id=programme.id,
                school_id=programme.school_id,
                role=row.role,
                academic_year=programme.academic_year,
                capacity=row.capacity,
            )
        )
        return row

    async def end_enrolment(self, enrolment_id: str, principal: Principal, correlation_id: str | None = None) -> Enrolment:
        """End one enrolment (the person stays in the school and their other programmes). A
        curator's enrolment also leaves the programme without its curator."""
        async with self.uow(correlation_id) as work:
            row = await work.session.get(Enrolment, enrolment_id)
            programme = await work.session.get(Programme, row.programme_id) if row else None
            if row is None or programme is None:
                raise NotFound(f"Зачисление {enrolment_id} не найдено")
            await self._visible_school(work, programme.school_id, principal)
            if not row.active:
                raise Conflict("Зачисление уже завершено", field="enrolment_id")
            if programme.stage == "closed":
                raise Conflict("Программа завершена и не изменяется", field="stage")
            row.active, row.ended_at = False, utcnow()
            work.session.add(row)
            work.emit(EnrolmentEnded(participant_id=row.participant_id, programme_id=programme.id, school_id=programme.school_id,
                                     role=row.role))
            if row.role == "curator" and programme.curator_id == row.participant_id:
                programme.curator_id = None
                work.session.add(programme)
                work.emit(ProgrammeUpdated(**programme_fields(programme), changed=["curator_id"]))
            self._audit(work, _actor(principal), "enrolment.ended", row.id, f"{row.participant_id}:{row.role}")
            await revoke(work, row.participant_id, "role_changed")  # a session in that role ends with it
            return row

    # -- helpers --------------------------------------------------------------------------

    async def _visible_school(self, work: Work, school_id: str, principal: Principal) -> School:
        school = await work.session.get(School, school_id)
        if school is None or not principal.sees_school(school.id, school.municipality_id):
            raise NotFound(f"Школа {school_id} не найдена")
        return school

    async def _visible_person(self, work: Work, participant_id: str, principal: Principal) -> Participant:
        row = await work.session.get(Participant, participant_id)
        if row is None:
            raise NotFound(f"Участник {participant_id} не найден")
        await self._visible_school(work, row.school_id, principal)
        return row

    @staticmethod
    def _audit(work: Work, actor: str, action: str, target: str, detail: str = "") -> None:
        work.session.add(AuditRecord(actor=actor, action=action, target=target, detail=detail[:500],
                                     entity=action.partition(".")[0], role=actor.partition(":")[0] if ":" in actor else ""))


def _actor(principal: Principal | None) -> str:
    if principal is None:
        return "system"
    return f"{principal.role}:{principal.sub}@{principal.scope}:{principal.scope_id}"
