"""Reading the bank: one practice (text, authors, files, history, what the caller may do now) and
the search (by form, deficit area, school level, municipality and text; paginated), each limited to
what the caller sees (base.sees)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import col, select

from shared.auth import Principal

from services.practices import domain
from services.practices.base import PracticesBase, may_edit
from services.practices.commands import (
    AuthorResult,
    FileResult,
    HistoryResult,
    PageResult,
    PracticeResult,
    PracticeSummaryResult,
    Search,
)
from services.practices.models import Attachment, Author, HistoryEntry, Person, Practice, School

PER_PAGE_MAX = 100


def summary(practice: Practice, school: School | None) -> PracticeSummaryResult:
    return PracticeSummaryResult(
        id=practice.id, school_id=practice.school_id, school_name=school.name if school else practice.school_id,
        municipality_id=school.municipality_id if school else None,
        municipality_name=school.municipality_name if school else "",
        title=practice.title, form=practice.form, deficit_areas=domain.codes_of(practice.deficit_areas),
        school_levels=domain.codes_of(practice.school_levels), status=practice.status,
        status_name=domain.PRACTICE_STATUSES.get(practice.status, practice.status), academic_year=practice.academic_year,
        published_on=practice.published_on, updated_at=practice.updated_at,
    )


def file_result(attachment: Attachment) -> FileResult:
    return FileResult(id=attachment.id, name=attachment.name, kind=attachment.kind, size=attachment.size,
                      uploaded_at=attachment.uploaded_at)


def visible_to(principal: Principal) -> Any:
    published = col(Practice.status) == "published"
    if principal.role == domain.REGION_ADMIN:
        return col(Practice.status) != "draft"
    if principal.role == domain.CURATOR:
        return or_(published, col(Practice.school_id) == principal.scope_id)
    return published


class CatalogueMixin(PracticesBase):
    async def practice(self, practice_id: str, principal: Principal) -> PracticeResult:
        async with self.uow() as work:
            session = work.session
            practice = await self._visible(work, practice_id, principal)
            school = await session.get(School, practice.school_id)
            authors = (await session.exec(
                select(Author.participant_id, Person.display_name).join(Person, col(Person.participant_id) == Author.participant_id)
                .where(Author.practice_id == practice_id).order_by(col(Author.position)))).all()
            files = (await session.exec(select(Attachment).where(Attachment.practice_id == practice_id)
                                        .order_by(col(Attachment.uploaded_at)))).all()
            history = (await session.exec(select(HistoryEntry).where(HistoryEntry.practice_id == practice_id)
                                          .order_by(col(HistoryEntry.at)))).all()
        return PracticeResult(
            **asdict(summary(practice, school)), description=practice.description, results=practice.results,
            authors=[AuthorResult(participant_id=pid, display_name=name) for pid, name in authors],
            files=[file_result(f) for f in files],
            history=[HistoryResult(status=h.status, status_name=domain.PRACTICE_STATUSES.get(h.status, h.status),
                                actor_name=h.actor_name, actor_role=h.actor_role, comment=h.comment, at=h.at) for h in history],
            actions=[t.action for t in domain.actions_for(principal.role, practice.status)
                     if principal.role == domain.REGION_ADMIN or practice.school_id == principal.scope_id],
            editable=may_edit(principal, practice),
        )

    async def search(self, principal: Principal, search: Search) -> PageResult:
        conditions: list[Any] = [visible_to(principal)]
        if search.form:
            conditions.append(col(Practice.form) == search.form)
        if search.deficit_area:
            conditions.append(col(Practice.deficit_areas).contains(f",{search.deficit_area},", autoescape=True))
        if search.school_level:
            conditions.append(col(Practice.school_levels).contains(f",{search.school_level},", autoescape=True))
        if search.municipality_id:
            conditions.append(col(School.municipality_id) == search.municipality_id)
        if search.text and search.text.strip():
            conditions.append(col(Practice.search).contains(search.text.strip().casefold(), autoescape=True))
        if search.status:
            conditions.append(col(Practice.status) == search.status)
        if search.school_id:
            conditions.append(col(Practice.school_id) == search.school_id)
        per_page = min(max(search.per_page, 1), PER_PAGE_MAX)
        page = max(search.page, 1)
        joined = select(Practice, School).outerjoin(School, col(School.school_id) == Practice.school_id).where(*conditions)
        counted = select(func.count()).select_from(Practice).outerjoin(
            School, col(School.school_id) == Practice.school_id).where(*conditions)
        async with self.db.sessions() as session:
            total = (await session.exec(counted)).one()
            rows = (await session.exec(joined.order_by(col(Practice.updated_at).desc(), col(Practice.id))
                                       .offset((page - 1) * per_page).limit(per_page))).all()
        return PageResult(total=total, page=page, per_page=per_page, items=[summary(p, s) for p, s in rows])
