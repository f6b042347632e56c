"""Which schools need attention: each school's state in a year (programme launched, pairs
formed, share of pairs with a development plan, response rate of its own campaigns) and the
reasons it lags, for the coordinator's (and the region's) list of schools and for the home page.

Read straight from reports' own tables with a handful of columns per school (no indicator
computation over all 118 indicators), so that a region of 1,000 schools stays well under
the 300 ms a page may take."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import col, select

from shared.auth import Principal
from shared.errors import NotFound

from services.reports import domain
from services.reports.models import Counter, Programme, School

NEEDED = ("schools_with_programme", "pairs_formed", "pairs_active", "plan_pairs", "campaigns_held", "campaign_invited",
          "campaign_responded", "mentees_pupils")
POPULATION_NEEDED = ("pupils_total",)
LOW_RESPONSE = 50.0
"""A school's own campaigns answered by fewer than half of those invited: «низкий отклик»."""
FEW_PLANS = 50.0
"""Fewer than half of the school's pairs have a development plan: «мало планов»."""

REASONS = {
    "no_programme": "нет программы",
    "no_pairs": "нет пар",
    "few_plans": "мало планов",
    "low_response": "низкий отклик",
}
"""The badges, most serious first: the list is sorted by the first reason a school has."""


@dataclass
class SchoolState:
    school_id: str
    name: str
    municipality_id: str
    municipality_name: str
    low_results: bool
    difficult_conditions: bool
    programmes: int
    running: bool
    pairs_formed: int
    pairs_active: int
    plan_pairs: int
    plan_share: float | None
    campaigns_held: int
    response_rate: float | None
    pupils_share: float | None
    reasons: list[str] = field(default_factory=list)

    @property
    def badges(self) -> list[str]:
        return [REASONS[r] for r in self.reasons]

    @property
    def lagging(self) -> bool:
        return bool(self.reasons)


def _share(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def reasons_of(state: SchoolState) -> list[str]:
    reasons = []
    if not state.programmes and not state.running:
        reasons.append("no_programme")
    if not state.pairs_formed:
        reasons.append("no_pairs")
    elif state.plan_share is not None and state.plan_share < FEW_PLANS:
        reasons.append("few_plans")
    if state.response_rate is not None and state.response_rate < LOW_RESPONSE:
        reasons.append("low_response")
    return reasons


def _order(state: SchoolState) -> tuple:
    first = min((list(REASONS).index(r) for r in state.reasons), default=len(REASONS))
    return (first, -len(state.reasons), state.municipality_name, state.name)


async def school_states(db, region_id: str, level: str, scope_id: str, year: str, principal: Principal) -> list[SchoolState]:  # noqa: ANN001
    """The schools of a region, a municipality (or one school) with their state, lagging ones first."""
    if level == "region":
        visible = principal.scope == "region" and scope_id == region_id
    elif level == "municipality":
        visible = principal.sees_municipality(scope_id)
    else:
        visible = level == "school"  # checked against the school's municipality below
    if not visible:
        raise NotFound(f"Нет данных для {level} {scope_id}")
    async with db.sessions() as session:
        query = select(School.id, School.name, School.municipality_id, School.municipality_name, School.low_results,
                       School.difficult_conditions)
        if level == "region":
            query = query.where(School.region_id == scope_id)
        elif level == "municipality":
            query = query.where(School.municipality_id == scope_id)
        else:
            query = query.where(School.id == scope_id)
        schools = (await session.exec(query)).all()
        if level == "school" and not (schools and principal.sees_school(schools[0][0], schools[0][2])):
            raise NotFound(f"Нет данных для {level} {scope_id}")
        ids = [row[0] for row in schools]
        values: dict[str, dict[str, float]] = defaultdict(dict)
        programmes: dict[str, int] = {}
        if ids:
            counter_query = select(Counter.scope_id, Counter.name, Counter.value).where(
                Counter.scope == "school",
                ((Counter.academic_year == year) & col(Counter.name).in_(NEEDED))
                | ((Counter.academic_year == domain.POPULATION) & col(Counter.name).in_(POPULATION_NEEDED)),
            )
            if level != "region":
                counter_query = counter_query.where(col(Counter.scope_id).in_(ids))
            for school_id, name, value in (await session.exec(counter_query)).all():
                values[school_id][name] = value
            programme_query = select(Programme.school_id, func.count()).where(Programme.academic_year == year).group_by(Programme.school_id)
            programmes = dict((await session.exec(programme_query)).all())
    states = []
    for school_id, name, municipality_id, municipality_name, low, difficult in schools:
        v = values.get(school_id, {})
        pairs_formed = int(v.get("pairs_formed", 0))
        plan_pairs = int(v.get("plan_pairs", 0))
        state = SchoolState(
            school_id=school_id, name=name, municipality_id=municipality_id, municipality_name=municipality_name,
            low_results=low, difficult_conditions=difficult, programmes=programmes.get(school_id, 0),
            running=v.get("schools_with_programme", 0) > 0, pairs_formed=pairs_formed, pairs_active=int(v.get("pairs_active", 0)),
            plan_pairs=plan_pairs, plan_share=_share(plan_pairs, pairs_formed), campaigns_held=int(v.get("campaigns_held", 0)),
            response_rate=_share(v.get("campaign_responded", 0), v.get("campaign_invited", 0)),
            pupils_share=_share(v.get("mentees_pupils", 0), v.get("pupils_total", 0)),
        )
        state.reasons = reasons_of(state)
        states.append(state)
    states.sort(key=_order)
    return states


async def municipalities_of(db, region_id: str) -> list[tuple[str, str]]:  # noqa: ANN001
    """(id, name) of the region's municipalities, for the filter."""
    async with db.sessions() as session:
        rows = (await session.exec(
            select(School.municipality_id, School.municipality_name).where(School.region_id == region_id).distinct()
        )).all()
    return sorted(set(rows), key=lambda r: r[1])
