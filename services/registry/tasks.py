"""The registry's part of "what to do now" on the home page: a few counts per role, each one
or two queries, so that the home page stays fast for a region of a thousand schools."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shared import clock, vocabulary
from shared.auth import Principal
from shared.clock import academic_year_of, utcnow
from shared.db import Database

from services.registry.documents_models import ProgrammeCuratorOrder, ProgrammeDocument
from services.registry.models import Account, Enrolment, Participant, Programme, School
from services.registry.year_models import Training


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
        return tasks + await _year_tasks(session, school_id)


async def _year_tasks(session: AsyncSession, school_id: str) -> list[Task]:
    """The programme's year (issue 15): a running programme without its three documents or an
    appointed curator; mentors without training this academic year."""
    tasks = []
    year = academic_year_of(clock.today())
    programmes = (await session.exec(select(Programme).where(
        Programme.school_id == school_id, col(Programme.stage) != "closed", Programme.academic_year == year))).all()
    for programme in programmes:
        kinds = set((await session.exec(select(ProgrammeDocument.kind).where(
            ProgrammeDocument.programme_id == programme.id))).all())
        appointed = (await session.exec(select(ProgrammeCuratorOrder.id).where(
            ProgrammeCuratorOrder.programme_id == programme.id))).first()
        missing = [vocabulary.DOCUMENT_KINDS[kind] for kind in vocabulary.REQUIRED_DOCUMENTS if kind not in kinds]
        if appointed is None:
            missing.append("приказ о назначении куратора")
        if missing:
            tasks.append(Task(f"Программа «{programme.title}»: нет — {'; '.join(missing)}",
                              f"/registry/programmes/{programme.id}/documents"))
    mentors = select(Enrolment.participant_id).join(Programme, col(Programme.id) == Enrolment.programme_id).where(
        Programme.school_id == school_id, Programme.academic_year == year, Enrolment.role == "mentor",
        Enrolment.active == True)  # noqa: E712
    trained = select(Training.person_id).where(Training.school_id == school_id, Training.academic_year == year)
    untrained = (await session.exec(select(func.count(func.distinct(Participant.id))).where(
        col(Participant.id).in_(mentors), col(Participant.id).not_in(trained), Participant.status == "active"))).one()
    if untrained:
        tasks.append(Task("Наставники без обучения в этом учебном году", "/registry/training", untrained))
    return tasks
