"""Registry use cases: change state and enqueue the events in one transaction.

Each use case exists twice: the public method opens its own unit of work (HTTP API), the
`*_in(work, ...)` one runs inside a given one (school systems' commands, whose inbox claim
shares the transaction). Consent rules (152-ФЗ), as docs/registry.md explains them:

- a person is stored when registered, but announced (`registry.participant.registered.v1`) only
  once their consent is recorded — for a pupil, the legal representative's;
- nobody without consent is enrolled;
- withdrawal of consent or leaving the school ends the enrolments, announces
  `registry.participant.withdrawn.v1`, and erases the person's data from the registry, keeping a
  tombstone (ids, category, dates of consent and withdrawal) and a keyed hash of the external id.

The use cases are split by what they change: schools and partners (here), people and their
consent (participants.py), programmes and enrolments (programmes.py); what they share is in
cases.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import select

from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.registry import PartnerRegistered, SchoolRegistered, SchoolUpdated
from shared.errors import Conflict, Forbidden, Unprocessable
from shared.messaging.outbox import Work

from services.registry.cases import _actor, new_id, school_event
from services.registry.commands import MunicipalityResult, RegionResult, RegisterPartner, RegisterSchool
from services.registry.documents import RegistryDocuments
from services.registry.models import Municipality, Partner, School
from services.registry.participants import RegistryParticipants
from services.registry.programmes import RegistryProgrammes
from services.registry.year_activities import YearActivities
from services.registry.year_training import YearTraining


class RegistryService(RegistryDocuments, RegistryParticipants, RegistryProgrammes, YearActivities, YearTraining):
    """The registry use cases: RegistryBase's constructor (db, unit of work, settings); schools and
    partners here, people in participants.py, programmes and enrolments in programmes.py, a
    programme's documents and its curator's appointment in documents.py; its activities in
    year_activities.py, the training and recognition of mentors in year_training.py."""

    # -- region, municipalities, schools ----------------------------------------------------

    async def region(self, principal: Principal) -> RegionResult:
        async with self.db.sessions() as session:
            rows = (await session.exec(select(Municipality).order_by(Municipality.name))).all()
        visible = [m for m in rows if principal.sees_municipality(m.id) or principal.scope == "school"]
        if principal.scope == "school":
            school = await self._school(principal.scope_id)
            visible = [m for m in rows if school is not None and m.id == school.municipality_id]
        return RegionResult(id=self.settings.region_id, name=self.settings.region_name,
                            municipalities=[MunicipalityResult(id=m.id, name=m.name) for m in visible])

    async def _school(self, school_id: str) -> School | None:
        async with self.db.sessions() as session:
            return await session.get(School, school_id)

    async def register_school(self, school: RegisterSchool, principal: Principal | None = None, correlation_id: str | None = None) -> School:
        async with self.uow(correlation_id) as work:
            return await self.register_school_in(work, school, _actor(principal))

    async def register_school_in(self, work: Work, school: RegisterSchool, actor: str) -> School:
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

    async def update_school(self, school_id: str, changes: Mapping[str, Any], principal: Principal,
                            correlation_id: str | None = None) -> School:
        """Change the fields given (name, municipality_id with municipality_name if new, the flags)."""
        async with self.uow(correlation_id) as work:
            row = await self._visible_school(work, school_id, principal)
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

    # -- network partners -----------------------------------------------------------------

    async def register_partner(self, partner: RegisterPartner, principal: Principal, correlation_id: str | None = None) -> Partner:
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
