"""The registry's part of "what to do now" on the home page: a few counts per role, each one
or two queries, so that the home page stays fast for a region of a thousand schools."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.db import Database

from services.registry.models import Account, Enrolment, Participant, Programme, School


@dataclass(frozen=True)
class Task:
    text: str
    href: str
    count: int | None = None


async def registry_tasks(db: Database, principal: Principal) -> list[Task]:
    async with db.sessions() as session:
        if principal.role in ("region_admin", "municipal_coordinator"):
            with_programme = select(Programme.school_id).where(col(Programme.stage) != "closed")
            query = select(func.count()).select_from(School).where(col(School.id).not_in(with_programme))
            if principal.role == "municipal_coordinator":
                query = query.where(School.municipality_id == principal.scope_id)
            tasks = []
            idle = (await session.exec(query)).one()
            if idle:
                # the coordinator's list of schools with their state is the reports' one
                href = "/registry/schools" if principal.role == "region_admin" else "/reports/schools"
                tasks.append(Task("Школы без запущенной программы наставничества", href, idle))
            if principal.role == "region_admin":
                pending = (await session.exec(select(func.count()).select_from(Account).where(Account.state == "invited"))).one()
                if pending:
                    tasks.append(Task("Приглашения, по которым ещё не вошли", "/registry/accounts?state=invited", pending))
                locked = (await session.exec(select(func.count()).select_from(Account).where(col(Account.locked_until) > utcnow()))).one()
                if locked:
                    tasks.append(Task("Заблокированные учётные записи", "/registry/accounts?state=locked", locked))
            return tasks
        if principal.role == "data_protection_officer":  # the audit of personal data, one page per service
            return [Task("Журнал обработки персональных данных: реестр", "/registry/audit"),
                    Task("Журнал: пары и планы", "/pairing/audit"), Task("Журнал: анкеты и ответы", "/surveys/audit"),
                    Task("Журнал: письма", "/notifications/audit"), Task("Журнал: банк практик", "/practices/audit")]
        if principal.role != "school_curator":
            return []
        school_id = principal.scope_id
        tasks = []
        no_consent = (await session.exec(select(func.count()).select_from(Participant).where(
            Participant.school_id == school_id, Participant.status == "active", col(Participant.consent_date).is_(None)))).one()
        if no_consent:
            tasks.append(Task("Люди без согласия на обработку персональных данных", "/registry/people?status=no_consent", no_consent))
        running = (await session.exec(select(func.count()).select_from(Programme).where(
            Programme.school_id == school_id, col(Programme.stage) != "closed"))).one()
        if not running:
            tasks.append(Task("Запустите программу наставничества на этот учебный год", "/registry/programmes"))
        enrolled = select(Enrolment.participant_id).join(Programme, col(Programme.id) == Enrolment.programme_id).where(
            Programme.school_id == school_id, Enrolment.active == True)  # noqa: E712
        with_password = select(Account.participant_id).where(Account.school_id == school_id, Account.state != "invited")
        without = (await session.exec(select(func.count(func.distinct(Participant.id))).where(
            col(Participant.id).in_(enrolled), col(Participant.id).not_in(with_password), Participant.status == "active"))).one()
        if without:
            tasks.append(Task("Участники программы, которые ещё не вошли в систему", "/registry/accounts", without))
        return tasks
