"""Development plans (ИОМ / индивидуальный план развития) of formed pairs: goals, measures, results."""

from __future__ import annotations

import uuid

from sqlmodel import col, select

from shared import clock
from shared.auth import Principal
from shared.clock import utcnow
from shared.contracts.pairing import (
    PlanMeasureCompleted,
    PlanUpdated,
)
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from shared.messaging.outbox import Work

from services.pairing import domain
from services.pairing.commands import Goal, MeasureDetails, PlannedMeasure, PlanResult, RecordMeasureResult, SetGoals
from services.pairing.models import (
    Pair,
    Plan,
    PlanMeasure,
)
from services.pairing.pairs import PairingBase


class PlanUseCases(PairingBase):
    async def pair(self, pair_id: str, principal: Principal) -> Pair:
        """The pair, for the curator in scope or one of its people (others: 404)."""
        async with self.db.sessions() as session:
            return await self._pair_for_member(session, pair_id, principal)

    async def plan(self, pair_id: str, principal: Principal) -> PlanResult:
        async with self.db.sessions() as session:
            pair = await self._pair_for_member(session, pair_id, principal)
            return await _plan_out(session, pair.id)

    async def set_goals(self, pair_id: str, request: SetGoals, principal: Principal, correlation_id: str | None = None) -> PlanResult:
        for goal in request.goals:
            if goal.area not in domain.AREAS:
                raise Unprocessable(f"Неизвестная область дефицитов {goal.area}", field="goals")
        async with self.uow(correlation_id) as work:
            pair = await self._plan_editor(work, pair_id, principal)
            await work.session.merge(Plan(pair_id=pair.id, goals=[{"area": g.area, "goal": g.goal} for g in request.goals], updated_at=utcnow()))
            await work.session.flush()
            out = await _plan_out(work.session, pair.id)
            work.emit(_plan_updated(pair, out))
        return out

    async def add_measure(self, pair_id: str, request: MeasureDetails, principal: Principal, correlation_id: str | None = None) -> PlannedMeasure:
        if request.area is not None and request.area not in domain.AREAS:
            raise Unprocessable(f"Неизвестная область дефицитов {request.area}", field="area")
        if request.starts_on and request.starts_on > request.due_on:
            raise Unprocessable("Срок выполнения раньше начала", field="due_on")
        async with self.uow(correlation_id) as work:
            pair = await self._plan_editor(work, pair_id, principal)
            measure = PlanMeasure(id=str(uuid.uuid4()), pair_id=pair.id, **request.fields())
            work.session.add(measure)
            await work.session.flush()
            work.emit(_plan_updated(pair, await _plan_out(work.session, pair.id)))
        return _measure(measure)

    async def edit_measure(
        self, pair_id: str, measure_id: str, request: MeasureDetails, principal: Principal, correlation_id: str | None = None
    ) -> PlannedMeasure:
        """Correct a measure's title, area, kind or dates (its result stays)."""
        if request.area is not None and request.area not in domain.AREAS:
            raise Unprocessable(f"Неизвестная область дефицитов {request.area}", field="area")
        if request.starts_on and request.starts_on > request.due_on:
            raise Unprocessable("Срок выполнения раньше начала", field="due_on")
        async with self.uow(correlation_id) as work:
            pair = await self._plan_editor(work, pair_id, principal)
            measure = await work.session.get(PlanMeasure, measure_id)
            if measure is None or measure.pair_id != pair.id:
                raise NotFound(f"Мероприятие {measure_id} не найдено")
            for name, value in request.fields().items():
                setattr(measure, name, value)
            work.session.add(measure)
        return _measure(measure)

    async def record_result(
        self, pair_id: str, measure_id: str, request: RecordMeasureResult, principal: Principal, correlation_id: str | None = None
    ) -> PlannedMeasure:
        """A measure's result: its product and completion (the pair's people or the curator), and
        the mentee's own view of it (only a mentee of the pair writes that)."""
        async with self.uow(correlation_id) as work:
            pair = await self._pair_for_member(work.session, pair_id, principal)
            if pair.status != "formed":
                raise Conflict("Пара завершена: план больше не меняется")
            measure = await work.session.get(PlanMeasure, measure_id)
            if measure is None or measure.pair_id != pair.id:
                raise NotFound(f"Мероприятие {measure_id} не найдено")
            if request.mentee_view is not None:
                if principal.role != "mentee":
                    raise Forbidden("Своё отношение к результату записывает только наставляемый")
                measure.mentee_view = request.mentee_view
            newly_done = False
            if request.product is not None:
                measure.product = request.product
            if request.done_on is not None or (request.product and measure.done_on is None):
                newly_done = measure.done_on is None
                measure.done_on = request.done_on or clock.today()
            work.session.add(measure)
            await work.session.flush()
            if newly_done:
                out = await _plan_out(work.session, pair.id)
                work.emit(
                    PlanMeasureCompleted(
                        pair_id=pair.id,
                        measure_id=measure.id,
                        programme_id=pair.programme_id,
                        school_id=pair.school_id,
                        academic_year=pair.academic_year,
                        area=measure.area,
                        measures_total=out.measures_total,
                        measures_done=out.measures_done,
                    )
                )
        return _measure(measure)

    async def _plan_editor(self, work: Work, pair_id: str, principal: Principal) -> Pair:
        pair = await self._pair_for_member(work.session, pair_id, principal)
        if principal.role == "mentee":
            raise Forbidden("План составляют наставник и куратор; наставляемый записывает свой взгляд на результат")
        if pair.status != "formed":
            raise Conflict("Пара завершена: план больше не меняется")
        return pair


async def _plan_out(session, pair_id: str) -> PlanResult:  # noqa: ANN001
    plan = await session.get(Plan, pair_id)
    measures = (
        await session.exec(select(PlanMeasure).where(PlanMeasure.pair_id == pair_id).order_by(col(PlanMeasure.due_on), col(PlanMeasure.id)))
    ).all()
    return PlanResult(
        pair_id=pair_id,
        goals=[Goal(area=g["area"], goal=g["goal"]) for g in (plan.goals if plan else [])],
        measures=[_measure(m) for m in measures],
        measures_done=sum(m.done_on is not None for m in measures),
        measures_total=len(measures),
    )


def _measure(measure: PlanMeasure) -> PlannedMeasure:
    return PlannedMeasure(
        id=measure.id, title=measure.title, area=measure.area, kind=measure.kind, starts_on=measure.starts_on, due_on=measure.due_on,
        done_on=measure.done_on, product=measure.product, mentee_view=measure.mentee_view,
    )


def _plan_updated(pair: Pair, plan: PlanResult) -> PlanUpdated:
    return PlanUpdated(
        pair_id=pair.id,
        programme_id=pair.programme_id,
        school_id=pair.school_id,
        academic_year=pair.academic_year,
        goal_areas=sorted({g.area for g in plan.goals}),
        measures_total=plan.measures_total,
        measures_done=plan.measures_done,
    )
