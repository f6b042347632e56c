"""The registry's people: registering a person (stored, announced once their consent is
recorded), updating them, recording consent, and the withdrawal that ends their enrolments and
erases their data, keeping a tombstone (152-ФЗ; see service.py and docs/registry.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry import (
    Consent,
    ContactUpdated,
    ParticipantRegistered,
    ParticipantUpdated,
    ParticipantWithdrawn,
    ProgrammeUpdated,
)
from shared.errors import Conflict, NotFound, Unprocessable
from shared.messaging.outbox import OutboxMessage, Work

from services.registry import domain
from services.registry.cases import (
    PERSON_FIELDS,
    STATUS_OF_REASON,
    RegistryBase,
    _actor,
    consent_date,
    new_id,
    programme_fields,
    snapshot,
)
from services.registry.commands import RegisterPerson
from services.registry.documents import erase_person
from services.registry.models import Account, AccountLink, Enrolment, Participant, Partner, Programme, School
from services.registry.revocations import revoke
from services.registry.year_activities import forget_attendance
from services.registry.year_training import forget_records


class RegistryParticipants(RegistryBase):
    """People (a mixin of RegistryService)."""

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
        self, school_id: str, person: RegisterPerson, principal: Principal, correlation_id: str | None = None
    ) -> Participant:
        async with self.uow(correlation_id) as work:
            await self._visible_school(work, school_id, principal)
            return await self.register_participant_in(work, school_id, person, _actor(principal))

    async def register_participant_in(self, work: Work, school_id: str, person: RegisterPerson, actor: str) -> Participant:
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
                person.category, person.birth_year, person.experience_years, clock.today(), person.age_band
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
            problem = domain.reappearance_problem(clock.local_date(withdrawn_at), consent_date(consent) if consent else None)
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
        self, participant_id: str, changes: Mapping[str, Any], principal: Principal, correlation_id: str | None = None
    ) -> Participant:
        """Change the fields given (PERSON_FIELDS): see update_participant_in."""
        async with self.uow(correlation_id) as work:
            row = await self._visible_person(work, participant_id, principal)
            await self.update_participant_in(work, row, changes, _actor(principal))
            return row

    async def update_participant_in(
        self, work: Work, row: Participant, changes: Mapping[str, Any], actor: str, consent: Consent | None = None
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
        row.young_specialist = domain.is_young_specialist(row.category, row.birth_year, row.experience_years, clock.today(), row.age_band)
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
        await erase_person(work, row.id, "pseudonym:" + domain.external_id_hash(self.settings.jwt_secret, row.school_id, row.id)[:32])
        self._erase(row, reason, now)
        work.session.add(row)
        await forget_records(work, row.id)  # training and recognition: deleted, each removal announced
        await forget_attendance(work, row.id)  # attendance rows: deleted, their activities announced with new counts
        await self._redact_outbox(work, row.id)
        # the person's account goes too: no name, no address as login, no password, no live link
        await work.session.exec(update(Account).where(col(Account.participant_id) == row.id).values(
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
