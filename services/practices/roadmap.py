"""The regional roadmap (seed 004): items with their terms, responsible executors, document types
and execution status, edited by the region administrator; each save announces RoadmapItemSaved."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from sqlmodel import select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.practices import RoadmapItemSaved
from shared.errors import Forbidden, NotFound, Unprocessable

from services.practices import domain
from services.practices.base import PracticesBase
from services.practices.commands import RoadmapItemResult, SaveRoadmapItem
from services.practices.models import RoadmapItem


def item_out(item: RoadmapItem) -> RoadmapItemResult:
    today = clock.today()
    return RoadmapItemResult(
        id=item.id, section=item.section, number=item.number, measure=item.measure, term=item.term, due_on=item.due_on,
        executors=item.executors, document_type=item.document_type, expected_results=item.expected_results,
        status=item.status,
        done_on=item.done_on, note=item.note, status_name=domain.ROADMAP_STATUSES.get(item.status, item.status),
        overdue=domain.overdue(item.status, item.due_on, today), updated_at=item.updated_at,
    )


class RoadmapMixin(PracticesBase):
    async def roadmap(self) -> list[RoadmapItemResult]:
        async with self.db.sessions() as session:
            items = (await session.exec(select(RoadmapItem).where(RoadmapItem.region_id == self.settings.region_id))).all()
        return [item_out(i) for i in sorted(items, key=lambda i: domain.roadmap_sort_key(i.section, i.number))]

    async def roadmap_item(self, item_id: str) -> RoadmapItemResult:
        async with self.db.sessions() as session:
            item = await session.get(RoadmapItem, item_id)
        if item is None or item.region_id != self.settings.region_id:
            raise NotFound("Пункт дорожной карты не найден.")
        return item_out(item)

    async def save_item(self, command: SaveRoadmapItem, principal: Principal, item_id: str | None = None,
                        correlation_id: str | None = None) -> RoadmapItemResult:
        """Adds an item (item_id None) or replaces one: the region administrator only."""
        if principal.role != domain.REGION_ADMIN:
            raise Forbidden("Дорожную карту ведёт администратор региона.")
        today = clock.today()
        if command.done_on is not None and command.status != "done":
            raise Unprocessable("Дата выполнения указывается только для выполненного пункта.", field="done_on")
        if command.done_on is not None and command.done_on > today:
            raise Unprocessable("Дата выполнения не может быть в будущем.", field="done_on")
        async with self.uow(correlation_id) as work:
            if item_id is None:
                item = RoadmapItem(id=str(uuid.uuid4()), region_id=self.settings.region_id, number=command.number,
                                   measure=command.measure, due_on=command.due_on)
            else:
                found = await work.session.get(RoadmapItem, item_id)
                if found is None or found.region_id != self.settings.region_id:
                    raise NotFound("Пункт дорожной карты не найден.")
                item = found
            for field, value in asdict(command).items():
                setattr(item, field, value.strip() if isinstance(value, str) else value)
            item.done_on = domain.done_on_for(command.status, command.done_on, today)
            item.updated_by, item.updated_at = principal.sub, utcnow()
            work.session.add(item)
            work.emit(RoadmapItemSaved(item_id=item.id, region_id=item.region_id, number=item.number, due_on=item.due_on,
                                       status=command.status, done_on=item.done_on))
        self.metrics.roadmap_saved.inc()
        return item_out(item)
