"""Read queries of the year's pages (issue 15): who may be an activity's participant, the
school's mentors. Scope is checked by the caller through RegistryService."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import col, select

from shared.db import Database

from services.registry.models import Enrolment, Participant, Programme


async def activity_candidates(db: Database, programme: Programme, limit: int = 500) -> list[Participant]:
    """People enrolled in the programme and the school's teachers: active, with consent."""
    enrolled = select(Enrolment.participant_id).where(Enrolment.programme_id == programme.id, Enrolment.active == True)  # noqa: E712
    async with db.sessions() as session:
        return list((await session.exec(
            select(Participant).where(
                Participant.school_id == programme.school_id, Participant.status == "active",
                col(Participant.consent_date).is_not(None),
                or_(col(Participant.id).in_(enrolled), col(Participant.category) == "teacher"),
            ).order_by(Participant.full_name).limit(limit)
        )).all())


async def school_mentors(db: Database, school_id: str) -> list[Participant]:
    """People holding an active mentor enrolment in a programme of the school, by name."""
    mentors = (select(Enrolment.participant_id).join(Programme, col(Programme.id) == Enrolment.programme_id)
               .where(Programme.school_id == school_id, Enrolment.role == "mentor", Enrolment.active == True))  # noqa: E712
    async with db.sessions() as session:
        return list((await session.exec(
            select(Participant).where(col(Participant.id).in_(mentors), Participant.status == "active")
            .order_by(Participant.full_name)
        )).all())


async def people_by_id(db: Database, ids: set[str]) -> dict[str, Participant]:
    if not ids:
        return {}
    async with db.sessions() as session:
        return {p.id: p for p in (await session.exec(select(Participant).where(col(Participant.id).in_(sorted(ids))))).all()}
