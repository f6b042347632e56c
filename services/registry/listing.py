"""Read use cases of the registry's pages: lists that stay fast at a school of 3,000 people
(one count and one page query, filtered in the database) and the facts a page shows next to a
person, a programme or a school. Scope is checked by the caller through RegistryService."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import col, select

from shared.db import Database

from services.registry.models import Enrolment, Municipality, Participant, Programme, School

PAGE_SIZE = 50
STATUSES = {"active": "в базе", "no_consent": "нет согласия", "withdrawn": "отозвал согласие", "left": "выбыл"}


@dataclass
class Page:
    rows: list
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def name_matches(column: Any, query: str) -> ColumnElement[bool]:
    """A name contains `query`, whatever the case of its first letters. SQLite's LIKE folds only
    ASCII case, so Cyrillic is matched in the spellings people type: as typed, lower case,
    Capitalised, Title Case and UPPER case."""
    query = query.strip().replace("%", "").replace("_", "")
    spellings = {query, query.lower(), query.capitalize(), query.title(), query.upper()}
    return or_(*(col(column).like(f"%{spelling}%") for spelling in spellings))


class Listing:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def people(self, school_id: str, *, query: str = "", category: str = "", status: str = "active",
                     page: int = 1, size: int = PAGE_SIZE) -> Page:
        conditions: list[ColumnElement[bool]] = [col(Participant.school_id) == school_id]
        if query.strip():
            conditions.append(name_matches(Participant.full_name, query))
        if category:
            conditions.append(col(Participant.category) == category)
        if status == "no_consent":
            conditions += [col(Participant.status) == "active", col(Participant.consent_date).is_(None)]
        elif status:
            conditions.append(col(Participant.status) == status)
        async with self.db.sessions() as session:
            total = (await session.exec(select(func.count()).select_from(Participant).where(*conditions))).one()
            page = max(1, min(page, max(1, -(-total // size))))
            rows = (await session.exec(
                select(Participant).where(*conditions).order_by(Participant.full_name, Participant.id)
                .offset((page - 1) * size).limit(size)
            )).all()
        return Page(list(rows), total, page, size)

    async def candidates(self, school_id: str, query: str, limit: int = 20) -> list[Participant]:
        """People who may be enrolled: active, with consent, matching the name."""
        if not query.strip():
            return []
        async with self.db.sessions() as session:
            return list((await session.exec(
                select(Participant).where(
                    Participant.school_id == school_id, Participant.status == "active",
                    col(Participant.consent_date).is_not(None), name_matches(Participant.full_name, query),
                ).order_by(Participant.full_name).limit(limit)
            )).all())

    async def teachers_with_consent(self, school_id: str, limit: int = 500) -> list[Participant]:
        async with self.db.sessions() as session:
            return list((await session.exec(
                select(Participant).where(
                    Participant.school_id == school_id, Participant.status == "active", Participant.category == "teacher",
                    col(Participant.consent_date).is_not(None),
                ).order_by(Participant.full_name).limit(limit)
            )).all())

    async def enrolments_of_person(self, participant_id: str) -> list[tuple[Enrolment, Programme]]:
        async with self.db.sessions() as session:
            return [(e, p) for e, p in (await session.exec(
                select(Enrolment, Programme).join(Programme, col(Programme.id) == Enrolment.programme_id)
                .where(Enrolment.participant_id == participant_id).order_by(col(Enrolment.enrolled_at).desc())
            )).all()]

    async def enrolments_of_programme(self, programme_id: str) -> list[tuple[Enrolment, Participant]]:
        async with self.db.sessions() as session:
            return [(e, p) for e, p in (await session.exec(
                select(Enrolment, Participant).join(Participant, col(Participant.id) == Enrolment.participant_id)
                .where(Enrolment.programme_id == programme_id)
                .order_by(col(Enrolment.active).desc(), Enrolment.role, Participant.full_name)
            )).all()]

    async def municipalities(self) -> list[Municipality]:
        async with self.db.sessions() as session:
            return list((await session.exec(select(Municipality).order_by(Municipality.name))).all())

    async def schools(self, *, query: str = "", municipality_id: str = "", visible_municipality: str | None = None,
                      page: int = 1, size: int = PAGE_SIZE) -> Page:
        """Schools with their municipality; `visible_municipality` narrows a coordinator's view."""
        conditions = []
        if query.strip():
            conditions.append(or_(name_matches(School.name, query), col(School.id) == query.strip()))
        if municipality_id:
            conditions.append(col(School.municipality_id) == municipality_id)
        if visible_municipality:
            conditions.append(col(School.municipality_id) == visible_municipality)
        async with self.db.sessions() as session:
            total = (await session.exec(select(func.count()).select_from(School).where(*conditions))).one()
            page = max(1, min(page, max(1, -(-total // size))))
            rows = (await session.exec(
                select(School, Municipality).join(Municipality, col(Municipality.id) == School.municipality_id)
                .where(*conditions).order_by(School.name, School.id).offset((page - 1) * size).limit(size)
            )).all()
        return Page([(s, m) for s, m in rows], total, page, size)

    async def school_counts(self, school_id: str) -> dict[str, int]:
        async with self.db.sessions() as session:
            people = (await session.exec(select(Participant.category, func.count()).where(
                Participant.school_id == school_id, Participant.status == "active").group_by(Participant.category))).all()
            programmes = (await session.exec(select(func.count()).select_from(Programme).where(
                Programme.school_id == school_id, col(Programme.closed_at).is_(None)))).one()
        counts = dict(people)
        counts["programmes"] = programmes
        return counts
