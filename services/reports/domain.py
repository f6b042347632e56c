"""Monitoring indicators: every indicator defined once (code, Russian name, unit, formula),
computed from counters that events increment. Pure: no I/O.

Counters are kept per scope (school, municipality, region) and academic year. Population
counters (how many schools, teachers, young specialists, pupils are registered) belong to no
year and are stored under POPULATION; an indicator of year Y reads both. Every counter is a
sum over schools, so any group of schools (e.g. the low-result / difficult-condition schools)
is computed by adding its schools' counters and applying the same formulas."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.reports.domain_indicators import (  # noqa: F401 - re-exported: one place for every indicator
    BY_CODE,
    CATEGORIES,
    CURATOR_INSTRUMENT,
    CURATOR_RATINGS,
    CURATOR_READINESS,
    DEFICIT_AREAS,
    DEFICIT_INSTRUMENT,
    FORMS,
    GROWTH_MEASURED,
    GROWTH_SCALES,
    INDICATORS,
    INTEREST_TYPES,
    INTERESTS_INSTRUMENT,
    KEY_CODES,
    KEY_SHORT_NAMES,
    NOT_GIVEN,
    PAIR_OUTCOMES,
    POPULATION,
    PUPILS_TARGET,
    REGION_ONLY,
    SATISFACTION_BANDS,
    SATISFACTION_INSTRUMENTS,
    STAGED_INSTRUMENTS,
    STAGES,
    SWOT_BREAKDOWN,
    SWOT_PREFIX,
    SWOT_SCALES,
    Counters,
    Indicator,
    _count,
    _indicators,
    _mean,
    _sum,
)


def compute(counters: Counters) -> dict[str, float | None]:
    return {indicator.code: indicator.compute(counters) for indicator in INDICATORS}


def add_up(counter_sets: Iterable[Counters]) -> dict[str, float]:
    """Counters of a group of scopes: the sum of theirs (every counter is additive)."""
    total: dict[str, float] = {}
    for counters in counter_sets:
        for name, value in counters.items():
            total[name] = total.get(name, 0) + value
    return total


def difference(new: Counters, old: Counters) -> dict[str, float]:
    """What to add to go from `old` to `new`."""
    return {name: new.get(name, 0) - old.get(name, 0) for name in set(new) | set(old) if new.get(name, 0) != old.get(name, 0)}


def negate(deltas: Counters) -> dict[str, float]:
    return {name: -value for name, value in deltas.items()}


def pseudonym(participant_id: str) -> str:
    """The one-way name reports keeps of a withdrawn person (idempotent)."""
    if participant_id.startswith("anon-"):
        return participant_id
    return "anon-" + hashlib.sha256(participant_id.encode()).hexdigest()[:24]


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
            f"mentees_{category}": 1,
            "mentees_young_specialists": int(young_specialist),
            "mentees_pupils": int(category == "pupil"),
        }
    return {"curators_total": 1}


def school_running(people_enrolled: int) -> dict[str, float]:
    return {"schools_with_programme": int(people_enrolled > 0)}


def pair_formed(form: str, mentees: int) -> dict[str, float]:
    return {"pairs_formed": 1, "pairs_active": 1, f"pairs_active_{form}": 1, "pair_mentee_slots_active": mentees}


def pair_ended(form: str, mentees: int, outcome: str) -> dict[str, float]:
    outcome = outcome if outcome in PAIR_OUTCOMES else "terminated"
    return {
        "pairs_active": -1,
        f"pairs_active_{form}": -1,
        "pair_mentee_slots_active": -mentees,
        f"pairs_{outcome}": 1,
        f"pairs_{outcome}_{form}": 1,
    }


def mentor_state(capacity: int | None, active_mentees: int) -> dict[str, float]:
    """What one mentor contributes to the load indicators."""
    return {
        "mentors_with_active_pairs": int(active_mentees > 0),
        "mentors_over_capacity": int(capacity is not None and active_mentees > capacity),
    }


def satisfaction_band(value: float) -> str:
    for band, (_, low, high) in SATISFACTION_BANDS.items():
        if low <= value < high:
            return band
    return "low"


def response_completed(
    instrument_code: str, scores: Mapping[str, float], programme_id: str | None = None, form: str | None = None
) -> dict[str, float]:
    """Satisfaction, SWOT, curator's and professional-interest answers (the staged instruments go
    through staged_contribution())."""
    who = SATISFACTION_INSTRUMENTS.get(instrument_code)
    if who is not None and "satisfaction" in scores:
        value = scores["satisfaction"]
        return {f"{who}_satisfaction_sum": value, f"{who}_satisfaction_count": 1, f"{who}_satisfaction_{satisfaction_band(value)}": 1}
    if instrument_code.startswith(SWOT_PREFIX):
        return swot(instrument_code, scores, programme_id, form)
    if instrument_code == CURATOR_INSTRUMENT:
        return curator(scores)
    if instrument_code == INTERESTS_INSTRUMENT:
        return interests(scores)
    return {}


def interests(scores: Mapping[str, float]) -> dict[str, float]:
    """One professional-interest diagnostic: the types it leans to and the scores."""
    present = {kind: float(scores[kind]) for kind in INTEREST_TYPES if kind in scores}
    if not present:
        return {}
    top = max(present.values())
    deltas: dict[str, float] = {"interests_answers": 1}
    for kind, value in present.items():
        deltas[f"interests_sum_{kind}"] = value
        deltas[f"interests_count_{kind}"] = 1
        if value == top:
            deltas[f"interests_leaning_{kind}"] = 1
    return deltas


def curator(scores: Mapping[str, float]) -> dict[str, float]:
    """One curator's questionnaire: its rating scales and the share of conditions met."""
    deltas: dict[str, float] = {"curator_answers": 1}
    for scale in (*CURATOR_RATINGS, CURATOR_READINESS):
        if scale in scores:
            deltas[f"curator_sum_{scale}"] = scores[scale]
            deltas[f"curator_count_{scale}"] = 1
    return deltas


def swot_form(instrument_code: str, form: str | None) -> str:
    """The form a SWOT answer is about: the event's, else the variant's (`swot_<form>`), else none."""
    if form:
        return form
    variant = instrument_code[len(SWOT_PREFIX) :].lstrip("_")
    return variant if variant in FORMS else NOT_GIVEN


def swot(instrument_code: str, scores: Mapping[str, float], programme_id: str | None, form: str | None) -> dict[str, float]:
    """One SWOT answer: the overall means, the form's means, and the (programme, form) breakdown."""
    form = swot_form(instrument_code, form)
    by = f"{SWOT_BREAKDOWN}{programme_id or NOT_GIVEN}|{form}|"
    deltas: dict[str, float] = {f"{by}responses": 1}
    if form in FORMS:
        deltas[f"swot_responses_{form}"] = 1
    for scale in SWOT_SCALES:
        if scale in scores:
            deltas[f"swot_sum_{scale}"] = scores[scale]
            deltas[f"swot_count_{scale}"] = 1
            deltas[f"{by}sum_{scale}"] = scores[scale]
            deltas[f"{by}count_{scale}"] = 1
            if form in FORMS:
                deltas[f"swot_sum_{scale}_{form}"] = scores[scale]
                deltas[f"swot_count_{scale}_{form}"] = 1
    return deltas


@dataclass(frozen=True)
class SwotRow:
    """The SWOT summary of one programme and form in a scope."""

    programme_id: str
    form: str
    form_name: str
    responses: int
    means: dict[str, float | None]
    programme_name: str = ""


def programme_name(programme_id: str, titles: Mapping[str, str]) -> str:
    """What people see for a programme: its title, else its id (no launch seen), else «не указана»."""
    return titles.get(programme_id) or programme_id or "не указана"


def swot_breakdown(counters: Counters, titles: Mapping[str, str] | None = None) -> list[SwotRow]:
    """The (programme, form) rows found in a scope's counters, sorted by programme id and form;
    empty programme / form = not given in the answers. `titles`: programme id → title."""
    found: dict[tuple[str, str], dict[str, float]] = {}
    for name, value in counters.items():
        if name.startswith(SWOT_BREAKDOWN):
            programme, form, what = name[len(SWOT_BREAKDOWN) :].rsplit("|", 2)
            found.setdefault((programme, form), {})[what] = value
    rows = []
    for (programme, form), c in sorted(found.items()):
        if round(c.get("responses", 0), 9) <= 0:
            continue  # every answer of it was withdrawn
        means = {scale: _mean(f"sum_{scale}", f"count_{scale}")(c) for scale in SWOT_SCALES}
        rows.append(SwotRow(programme, form, FORMS.get(form, form or "форма не указана"), round(c["responses"]), means,
                            programme_name(programme, titles or {})))
    return rows


def plan_progress(measures_total: int, measures_done: int) -> dict[str, float]:
    """What one pair's development plan (its latest version) contributes."""
    if measures_total <= 0:
        return {}
    done = min(measures_done, measures_total)
    return {"plan_pairs": 1, "plan_measures_total": measures_total, "plan_measures_done": done, "plan_pairs_done": int(done >= measures_total)}


def campaign(regional: bool, invited: int, responded: int) -> dict[str, float]:
    """What one opened survey campaign contributes: a region-wide one to the region only."""
    prefix = "regional_" if regional else ""
    return {f"{prefix}campaigns_held": 1, f"{prefix}campaign_invited": invited, f"{prefix}campaign_responded": responded}


def deficit_areas(scores: Mapping[str, float]) -> dict[str, float]:
    return {area: float(value) for area, value in scores.items() if area in DEFICIT_AREAS}


def growth(start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> dict[str, float]:
    """What one mentee's start and end deficit diagnostics contribute (either may be missing).
    A higher score is a larger deficit; the change is over the areas measured both times."""
    deltas: dict[str, float] = {}
    for stage, scores in (("start", start), ("end", end)):
        for area, value in (scores or {}).items():
            deltas[f"deficit_{stage}_sum_{area}"] = value
            deltas[f"deficit_{stage}_count_{area}"] = 1
    common = sorted(set(start or {}) & set(end or {}))
    if start is not None and end is not None and common:
        change = sum(end[a] - start[a] for a in common) / len(common)
        deltas["growth_measured"] = 1
        deltas["growth_change_sum"] = change
        deltas["growth_improved"] = int(change < 0)
    return deltas


def measurement_scales(scores: Mapping[str, float]) -> dict[str, float]:
    return {scale: float(value) for scale, value in scores.items() if scale in GROWTH_SCALES}


def measurement_growth(start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> dict[str, float]:
    """What one participant's start and end growth measurements contribute (either may be
    missing). A higher score is better; the change is over the scales measured both times."""
    deltas: dict[str, float] = {}
    for stage, scores in (("start", start), ("end", end)):
        for scale, value in (scores or {}).items():
            deltas[f"measurement_{stage}_sum_{scale}"] = value
            deltas[f"measurement_{stage}_count_{scale}"] = 1
    common = sorted(set(start or {}) & set(end or {}))
    if start is not None and end is not None and common:
        for scale in common:
            deltas[f"measurement_change_sum_{scale}"] = end[scale] - start[scale]
            deltas[f"measurement_change_count_{scale}"] = 1
        change = sum(end[s] - start[s] for s in common) / len(common)
        deltas["measurement_measured"] = 1
        deltas["measurement_change_sum"] = change
        deltas["measurement_improved"] = int(change > 0)
    return deltas


def staged_contribution(instrument_code: str, start: Mapping[str, float] | None, end: Mapping[str, float] | None) -> dict[str, float]:
    """What one person's start and end answers to a staged instrument contribute."""
    if instrument_code == DEFICIT_INSTRUMENT:
        return growth(start, end)
    return measurement_growth(start, end)


def staged_scores(instrument_code: str, scores: Mapping[str, float]) -> dict[str, float]:
    """The scales of a staged instrument that reports keeps."""
    return deficit_areas(scores) if instrument_code == DEFICIT_INSTRUMENT else measurement_scales(scores)


def counts_for_growth(instrument_code: str, stage: str | None, respondent_role: str) -> bool:
    """Whether an answer feeds the «Рост» section: a staged instrument's, with a stage; the
    deficit self-diagnosis of mentees only (its indicators are about mentees)."""
    if instrument_code not in STAGED_INSTRUMENTS or stage not in STAGES:
        return False
    return instrument_code != DEFICIT_INSTRUMENT or respondent_role == "mentee"


# -- the outcomes the programmes promise (services/reports/domain_outcomes.py) -----------------

from services.reports.domain_outcomes import (  # noqa: E402, F401 - re-exported: one place for every indicator
    CUSTOM_BREAKDOWN,
    DDO_BREAKDOWN,
    MIN_GROUP,
    RETENTION_GROUPS,
    SELF_DETERMINATION,
    SMALL_GROUP,
    STAFF_BREAKDOWN,
    Breakdown,
    custom_answer,
    custom_breakdowns,
    custom_instruments_in,
    interests_breakdowns,
    interests_by,
    mentee_enrolled,
    mentee_withdrawn,
    normal_subject,
    retention_groups,
    self_determination,
    staff_breakdown,
    staff_role_taken,
    subjects_of,
)
