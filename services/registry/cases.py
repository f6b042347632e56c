"""What the registry's use cases share: the fields a person is announced with and their
snapshot, the school and programme events' fields, and RegistryBase (the database, the unit of
work, the settings; who sees a school or a person; the audit record). The use cases themselves:
schools and partners (service.py), people and their consent (participants.py), programmes and
enrolments (programmes.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from shared import clock
from shared.auth import Principal
from shared.contracts.registry import Consent
from shared.db import Database
from shared.errors import NotFound, Unprocessable
from shared.messaging.outbox import UnitOfWork, Work
from shared.settings import Settings

from services.registry.models import AuditRecord, Municipality, Participant, Programme, School

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
        return clock.today()
    try:
        return date.fromisoformat(consent.date)
    except ValueError:
        raise Unprocessable("Дата согласия — в формате ГГГГ-ММ-ДД", field="consent.date") from None



class RegistryBase:
    """The base of RegistryService (its constructor) and the helpers its use cases share."""

    def __init__(self, db: Database, uow: UnitOfWork, settings: Settings) -> None:
        self.db = db
        self.uow = uow
        self.settings = settings

    async def school(self, school_id: str, principal: Principal) -> School:
        async with self.db.sessions() as session:
            school = await session.get(School, school_id)
        if school is None or not principal.sees_school(school.id, school.municipality_id):
            raise NotFound(f"Школа {school_id} не найдена")
        return school

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
