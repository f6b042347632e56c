"""The common base of the practices service's use cases: the database, the unit of work, the file
store, and who sees and who may change a practice."""

from __future__ import annotations

from structlog.stdlib import BoundLogger

from shared import clock
from shared.auth import Principal
from shared.contracts.practices import PracticeStatusChanged
from shared.db import Database
from shared.errors import NotFound
from shared.files import FileStore
from shared.messaging.outbox import UnitOfWork, Work
from shared.settings import Settings

from services.practices import domain
from services.practices.metrics import PracticesMetrics
from services.practices.models import Practice

NOT_FOUND = "Практика не найдена или вам недоступна."


def sees(principal: Principal, practice: Practice) -> bool:
    """Everyone signed in sees a published practice; a school's curator also the school's own in
    any status; the region administrator every practice a school has submitted."""
    if practice.status == "published":
        return True
    if principal.role == domain.REGION_ADMIN:
        return practice.status != "draft"
    return principal.role == domain.CURATOR and practice.school_id == principal.scope_id


def may_edit(principal: Principal, practice: Practice) -> bool:
    return principal.role == domain.CURATOR and practice.school_id == principal.scope_id and practice.status in domain.EDITABLE


class PracticesBase:
    def __init__(self, db: Database, uow: UnitOfWork, store: FileStore, settings: Settings, metrics: PracticesMetrics,
                 log: BoundLogger) -> None:
        self.db = db
        self.uow = uow
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.log = log

    async def _visible(self, work: Work, practice_id: str, principal: Principal) -> Practice:
        practice = await work.session.get(Practice, practice_id)
        if practice is None or not sees(principal, practice):
            raise NotFound(NOT_FOUND)
        return practice

    @staticmethod
    def _announce(work: Work, practice: Practice) -> None:
        """PracticeStatusChanged in the change's own unit of work: the whole current state."""
        work.emit(PracticeStatusChanged(
            practice_id=practice.id, school_id=practice.school_id,
            academic_year=practice.academic_year or domain.academic_year(clock.today()),
            status=practice.status,
            form=practice.form,
            deficit_areas=domain.codes_of(practice.deficit_areas),
            school_levels=domain.codes_of(practice.school_levels),
            published_on=practice.published_on,
        ))
