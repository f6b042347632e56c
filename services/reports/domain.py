"""Monitoring indicators: every indicator defined once (code, Russian name, unit, formula),
computed from counters that events increment. Pure: no I/O.

Counters are kept per scope (school, municipality, region) and academic year. Population
counters (how many teachers, young specialists, pupils are registered) belong to no year and
are stored under POPULATION; an indicator of year Y reads both."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

POPULATION = "*"

Counters = Mapping[str, float]


def _share(part: str, whole: str) -> Callable[[Counters], float | None]:
    def formula(c: Counters) -> float | None:
        total = c.get(whole, 0)
        return round(100 * c.get(part, 0) / total, 1) if total else None

    return formula


def _mean(total: str, count: str) -> Callable[[Counters], float | None]:
    def formula(c: Counters) -> float | None:
        n = c.get(count, 0)
        return round(c.get(total, 0) / n, 2) if n else None

    return formula


def _count(name: str) -> Callable[[Counters], float | None]:
    return lambda c: c.get(name, 0)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    formula: str
    compute: Callable[[Counters], float | None]


INDICATORS: tuple[Indicator, ...] = (
    Indicator("schools_total", "Школ всего", "шт.", "число зарегистрированных школ", _count("schools_total")),
    Indicator(
        "schools_with_programme",
        "Школ, реализующих программу наставничества",
        "шт.",
        "школы, где в учебном году зачислен хотя бы один участник программы",
        _count("schools_with_programme"),
    ),
    Indicator("mentors_total", "Наставников", "чел.", "участники, зачисленные наставниками в учебном году", _count("mentors_total")),
    Indicator("mentees_total", "Наставляемых", "чел.", "участники, зачисленные наставляемыми в учебном году", _count("mentees_total")),
    Indicator("pairs_active", "Действующих пар", "шт.", "сформированные и не завершённые пары", _count("pairs_active")),
    Indicator(
        "young_specialists_in_mentoring_share",
        "Доля молодых специалистов, вовлечённых в наставничество",
        "%",
        "наставляемые — молодые специалисты / все молодые специалисты × 100",
        _share("mentees_young_specialists", "young_specialists_total"),
    ),
    Indicator(
        "pupils_in_mentoring_share",
        "Доля обучающихся, вовлечённых в наставничество",
        "%",
        "наставляемые-обучающиеся / все обучающиеся × 100",
        _share("mentees_pupils", "pupils_total"),
    ),
    Indicator(
        "mentee_satisfaction_mean",
        "Удовлетворённость наставляемых (средний балл)",
        "балл из 10",
        "среднее шкалы satisfaction анкет satisfaction_mentee",
        _mean("mentee_satisfaction_sum", "mentee_satisfaction_count"),
    ),
    Indicator(
        "mentee_satisfaction_answers",
        "Анкет удовлетворённости наставляемых",
        "шт.",
        "число заполненных анкет satisfaction_mentee",
        _count("mentee_satisfaction_count"),
    ),
    Indicator(
        "mentor_satisfaction_mean",
        "Удовлетворённость наставников (средний балл)",
        "балл из 10",
        "среднее шкалы satisfaction анкет satisfaction_mentor",
        _mean("mentor_satisfaction_sum", "mentor_satisfaction_count"),
    ),
    Indicator(
        "mentor_satisfaction_answers",
        "Анкет удовлетворённости наставников",
        "шт.",
        "число заполненных анкет satisfaction_mentor",
        _count("mentor_satisfaction_count"),
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def compute(counters: Counters) -> dict[str, float | None]:
    return {indicator.code: indicator.compute(counters) for indicator in INDICATORS}


# -- what each fact adds to the counters ------------------------------------------------------


def school_registered(low_results: bool, difficult_conditions: bool) -> dict[str, float]:
    return {
        "schools_total": 1,
        "schools_low_results": int(low_results),
        "schools_difficult_conditions": int(difficult_conditions),
    }


def participant_registered(category: str, young_specialist: bool) -> dict[str, float]:
    return {
        "teachers_total": int(category == "teacher"),
        "young_specialists_total": int(young_specialist),
        "pupils_total": int(category == "pupil"),
    }


def role_taken(role: str, category: str, young_specialist: bool) -> dict[str, float]:
    """A person's first enrolment in a role in a year (later ones in other programmes add nothing)."""
    if role == "mentor":
        return {"mentors_total": 1}
    if role == "mentee":
        return {
            "mentees_total": 1,
            "mentees_young_specialists": int(young_specialist),
            "mentees_pupils": int(category == "pupil"),
        }
    return {"curators_total": 1}


def pair_formed(form: str) -> dict[str, float]:
    return {"pairs_formed": 1, "pairs_active": 1, f"pairs_active_{form}": 1}


SATISFACTION_INSTRUMENTS = {"satisfaction_mentee": "mentee", "satisfaction_mentor": "mentor"}


def response_completed(instrument_code: str, scores: Mapping[str, float]) -> dict[str, float]:
    who = SATISFACTION_INSTRUMENTS.get(instrument_code)
    if who is None or "satisfaction" not in scores:
        return {}
    return {f"{who}_satisfaction_sum": scores["satisfaction"], f"{who}_satisfaction_count": 1}
