"""Pairing rules: pure functions, no I/O — the manual pair check, and the matcher (hard rules,
weighted score, exact whole-cohort optimum, explanation) used by curators and bench/matching.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from shared import vocabulary

from services.pairing.assignment import arc_weights, balance, greedy_assignment, optimal_assignment
from services.pairing.cohort import _CATEGORY_CODES, AREAS, TYPES, Cohort, Participant, encode, subject_bits
from services.pairing.pupils import CHOICE_TABLE as _CHOICE_TABLE
from services.pairing.pupils import GRADE_TABLE as _GRADE_TABLE

__all__ = ["AREAS", "TYPES", "Cohort", "Participant", "encode", "subject_bits"]  # re-exported: the matcher's input

FORM_CATEGORIES = vocabulary.FORM_CATEGORIES
"""Which categories may mentor whom, per form (Р-145 and DOMAIN.md)."""


@dataclass(frozen=True)
class Person:
    participant_id: str
    category: str
    grade: int | None = None


def pair_problem(
    form: str,
    mentor: Person,
    mentees: list[Person],
    mentor_capacity: int,
    mentor_load: int,
    already_paired: set[str],
) -> str | None:
    """Why this pair cannot be formed by hand, or None. Messages are for curators: Russian."""
    mentor_category, mentee_category = FORM_CATEGORIES[form]
    if mentor.category != mentor_category:
        return f"В форме {form} наставник должен быть из категории {mentor_category}"
    for mentee in mentees:
        if mentee.participant_id == mentor.participant_id:
            return "Участник не может быть наставником самому себе"
        if mentee.category != mentee_category:
            return f"В форме {form} наставляемый должен быть из категории {mentee_category}"
        if mentee.participant_id in already_paired:
            return f"Наставляемый {mentee.participant_id} уже в паре в этой программе"
        if form == "pupil_pupil" and (mentor.grade or 0) <= (mentee.grade or 0):
            return "В форме «ученик – ученик» наставник учится в более старшем классе"
    if mentor_load + len(mentees) > mentor_capacity:
        return f"Превышена вместимость наставника: {mentor_load} из {mentor_capacity} уже заняты"
    return None


# =====================================================================================
# The matcher: hard rules, weighted score, whole-cohort optimum, explanation.
#
# Everything below is vectorised over candidate pairs (numpy) so that the same code runs a
# school of twenty people and a region of 30,000 mentees (bench/matching.py). The optimum is
# an exact min-cost flow (OR-Tools): source → mentor (capacity) → mentee (1) → sink, plus a
# bypass source → sink for mentees left unmatched.
# =====================================================================================

HOW_FORMS = vocabulary.HOW_FORMS
"""Forms by how (seed 001). A pairing has one form by who (FORM_CATEGORIES) and one by how."""

SCOPES: dict[str, str] = {
    "school": "своя школа (и сетевые партнёры муниципалитета)",
    "municipality": "муниципалитет",
    "region": "весь регион",
}
OBJECTIVES: dict[str, str] = {
    "max_matched": "больше всего пар, затем наибольший суммарный балл",
    "best_score": "наибольший суммарный балл",
}
CRITERIA: dict[str, str] = {
    "deficit_coverage": "сильные стороны наставника закрывают дефициты наставляемого",
    "same_subject": "общий предмет (с учётом словаря предметов региона)",
    "experience_gap": "разумная разница в опыте (в классах для учеников)",
    "same_school": "одна школа",
    "preference": "предпочтение наставляемого",
    "priority": "молодой специалист или вновь пришедший педагог",
    "interests": "профессиональные интересы ученика (ДДО Климова) и то, что показывает наставник",
    "mentor_preference": "предпочтение наставника",
    "grade_fit": "класс ученика подходит наставнику (ступень школы)",
    "class_direction": "направление класса ученика и предметы наставника (с учётом словаря предметов)",
    "chosen_field": "профессиональный выбор ученика и область наставника (педагогика, вуз, колледж, работодатель)",
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "deficit_coverage": 30.0,
    "same_subject": 15.0,
    "experience_gap": 15.0,
    "same_school": 10.0,
    "preference": 5.0,
    "priority": 10.0,
    "interests": 10.0,
    "mentor_preference": 5.0,
    "grade_fit": 10.0,
    "class_direction": 10.0,
    "chosen_field": 10.0,
}
"""Points per criterion at full match. The first eight add up to 100; the last three score only
pupils mentored by a teacher, a student or an employer (their deficits and experience do not exist)."""


SIGNIFICANT = 0.5
"""A deficit (or a strength) counts when its level, on 0..1, is at least this."""

UNMATCHED_REASONS: dict[str, str] = {
    "no_mentor_in_scope": "Нет наставника, подходящего по форме наставничества и области подбора",
    "excluded": "Все подходящие наставники исключены куратором",
    "no_coverage": "Никто из подходящих наставников не закрывает дефициты наставляемого",
    "no_capacity": "У подходящих наставников не осталось свободных мест",
    "low_score": "Ни одна пара с подходящими наставниками не набирает минимального балла",
    "refused": "Все подходящие наставники отказались от этого наставляемого (или ограничили классы)",
    "taken": "Места подходящих наставников заняты: общий результат лучше при другом распределении",
}

_EXTERNAL = ("student", "employer")
# Experience as suitability: full points for a gap inside the band, less beyond it (never
# below the floor): the most senior mentor is not the best one by seniority alone.
_EXPERIENCE_BAND = (5.0, 15.0)  # years
_GRADE_BAND = (2.0, 4.0)  # grades, «ученик – ученик»
_FADE = 0.05  # of the points lost per year (grade: ×5) beyond the band
_FIT_FLOOR = 0.25
_SCORE_SCALE = 100  # scores are kept as integers in hundredths of a point



@dataclass(frozen=True)
class MatchingRules:
    form: str = "teacher_teacher"
    how: str = "one_to_one"
    scope: str = "school"
    objective: str = "max_matched"
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_experience_gap: int = 3
    """учитель – учитель: the mentor has at least this many more years (reverse: fewer)."""
    require_coverage: bool = True
    """A mentee with significant deficits needs a mentor strong in at least one of them."""
    min_score: float = 1.0
    """No pair scoring fewer points is proposed (no 0-point pairs to fill places)."""
    stable: bool = False
    """Stable matching instead of the optimum: no mentor and mentee who would both rather be
    with each other (both sides rank by the pair's score); its cost in total score is reported."""

    def problems(self) -> list[str]:
        found = []
        if self.form not in FORM_CATEGORIES:
            found.append(f"Неизвестная форма наставничества {self.form}")
        if self.how not in HOW_FORMS:
            found.append(f"Неизвестная форма по способу {self.how}")
        if self.scope not in SCOPES:
            found.append(f"Неизвестная область подбора {self.scope}")
        if self.objective not in OBJECTIVES:
            found.append(f"Неизвестная цель подбора {self.objective}")
        for name, weight in self.weights.items():
            if name not in CRITERIA:
                found.append(f"Неизвестный критерий {name}")
            elif not 0 <= weight <= 1000:
                found.append(f"Вес критерия {name} должен быть от 0 до 1000")
        if self.min_experience_gap < 0:
            found.append("Минимальная разница в опыте не может быть отрицательной")
        if not 0 <= self.min_score <= 1000:
            found.append("Минимальный балл пары должен быть от 0 до 1000")
        return found

    def weight_vector(self) -> np.ndarray:
        return np.array([float(self.weights.get(name, DEFAULT_WEIGHTS[name])) for name in CRITERIA], dtype=np.float64)


@dataclass
class Candidates:
    """Candidate pairs that pass every hard rule, with their score per criterion, and for each
    mentee how many mentors survived each rule (the explanation of the unmatched)."""

    mentee: np.ndarray  # int64 index into the mentee cohort
    mentor: np.ndarray  # int64 index into the mentor cohort
    criteria: np.ndarray  # float32 (k, len(CRITERIA)), each 0..1
    score: np.ndarray  # int64, hundredths of a point
    in_scope: np.ndarray  # int64 per mentee: mentors passing form and scope rules
    not_excluded: np.ndarray  # … of those, not excluded by the curator
    not_refused: np.ndarray  # … of those, not refused by the mentor (their own limits)
    covering: np.ndarray  # … of those, covering the deficits
    with_capacity: np.ndarray  # … of those, with a free place
    scoring: np.ndarray  # … of those, scoring at least the minimum

    def __len__(self) -> int:
        return len(self.mentee)


def _pair_keys(mentee: np.ndarray, mentor: np.ndarray, n_mentors: int) -> np.ndarray:
    return mentee.astype(np.int64) * max(n_mentors, 1) + mentor.astype(np.int64)


def _lookup(keys: np.ndarray, table_keys: np.ndarray, table_values: np.ndarray | None = None):  # noqa: ANN202
    """Membership (and value) of `keys` in a sorted key table."""
    if len(table_keys) == 0:
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.float64)
    pos = np.searchsorted(table_keys, keys)
    pos = np.minimum(pos, len(table_keys) - 1)
    found = table_keys[pos] == keys
    values = np.where(found, table_values[pos], 0.0) if table_values is not None else np.zeros(len(keys))
    return found, values


def _blocks(mentees: Cohort, mentors: Cohort, rules: MatchingRules, chunk: int):  # noqa: ANN202
    """Yield (mentee indices, mentor indices) blocks whose cross product holds every pair that
    could be in scope: per municipality unless the scope is the whole region (or virtual)."""
    region_wide = rules.scope == "region" or (rules.how == "virtual" and rules.form != "pupil_pupil")
    if region_wide:
        groups = [(np.arange(len(mentees)), np.arange(len(mentors)))]
    else:
        order_e = np.argsort(mentees.municipality, kind="stable")
        order_m = np.argsort(mentors.municipality, kind="stable")
        keys_e, start_e = np.unique(mentees.municipality[order_e], return_index=True)
        keys_m, start_m = np.unique(mentors.municipality[order_m], return_index=True)
        bounds_e = np.append(start_e, len(order_e))
        bounds_m = np.append(start_m, len(order_m))
        where_m = {int(k): i for i, k in enumerate(keys_m)}
        groups = []
        for i, key in enumerate(keys_e):
            j = where_m.get(int(key))
            if j is not None:
                groups.append((order_e[bounds_e[i] : bounds_e[i + 1]], order_m[bounds_m[j] : bounds_m[j + 1]]))
    for block_e, block_m in groups:
        step = max(1, chunk // max(len(block_m), 1))
        for start in range(0, len(block_e), step):
            yield block_e[start : start + step], block_m


def candidate_pairs(
    mentees: Cohort,
    mentors: Cohort,
    rules: MatchingRules,
    exclusions: Iterable[tuple[int, int]] = (),
    preferences: Mapping[tuple[int, int], int] | None = None,
    mentor_preferences: Mapping[tuple[int, int], int] | None = None,
    refusals: Iterable[tuple[int, int]] = (),
    *,
    chunk: int = 2_000_000,
) -> Candidates:
    """Every (mentee, mentor) pair passing the hard rules of `rules`, scored. `exclusions`,
    `refusals` (the mentor's own «not this mentee») and `preferences` are keyed by (mentee index,
    mentor index); a preference is a rank (1 = first)."""
    n, m = len(mentees), len(mentors)
    mentor_category, mentee_category = FORM_CATEGORIES[rules.form]
    excl = np.unique(np.array([_pair_keys(np.int64(e), np.int64(j), m) for e, j in exclusions], dtype=np.int64))
    refused_keys = np.unique(np.array([_pair_keys(np.int64(e), np.int64(j), m) for e, j in refusals], dtype=np.int64))
    pref_items = sorted((int(_pair_keys(np.int64(e), np.int64(j), m)), rank) for (e, j), rank in (preferences or {}).items())
    pref_keys = np.array([k for k, _ in pref_items], dtype=np.int64)
    pref_values = np.array([1.0 / max(r, 1) for _, r in pref_items], dtype=np.float64)
    wished = sorted((int(_pair_keys(np.int64(e), np.int64(j), m)), 1.0 / max(r, 1)) for (e, j), r in (mentor_preferences or {}).items())
    wished_keys = np.array([k for k, _ in wished], dtype=np.int64)
    wished_values = np.array([v for _, v in wished], dtype=np.float64)
    weights = rules.weight_vector()
    flash = rules.how == "flash"
    teachers = mentor_category == "teacher" and mentee_category == "teacher"
    counts = [np.zeros(n, dtype=np.int64) for _ in range(6)]
    floor = round(rules.min_score * _SCORE_SCALE)
    priority = mentees.priority if mentees.priority is not None else np.zeros(n, dtype=bool)
    wants = mentees.interests if mentees.interests is not None else np.zeros((n, len(TYPES)), dtype=np.float32)
    shows = mentors.interests if mentors.interests is not None else np.zeros((m, len(TYPES)), dtype=np.float32)
    wants_total = wants.sum(axis=1)
    direction = mentees.direction if mentees.direction is not None else np.zeros((n, 1), dtype=np.uint64)
    kind = mentors.kind if mentors.kind is not None else np.zeros(m, dtype=np.int8)
    choice = mentees.choice if mentees.choice is not None else np.zeros(n, dtype=np.int8)
    fields = mentors.field if mentors.field is not None else np.zeros(m, dtype=np.int8)
    limits = mentors.grade_limits if mentors.grade_limits is not None else np.zeros((m, 2), dtype=np.int16)
    pupil_code = _CATEGORY_CODES["pupil"]
    with_pupils = mentee_category == "pupil" and mentor_category != "pupil"
    out_e, out_m, out_c, out_s = [], [], [], []
    deficit_total = mentees.profile.sum(axis=1)
    has_deficit = (mentees.profile >= SIGNIFICANT).any(axis=1)

    for block_e, block_m in _blocks(mentees, mentors, rules, chunk):
        ee = np.repeat(block_e, len(block_m))
        mm = np.tile(block_m, len(block_e))
        # 1. form (who and how) and scope
        ok = (mentors.category[mm] == _CATEGORY_CODES[mentor_category]) & (
            mentees.category[ee] == _CATEGORY_CODES[mentee_category]
        )
        ok &= mentees.person[ee] != mentors.person[mm]
        if rules.form == "pupil_pupil":
            ok &= (mentors.school[mm] == mentees.school[ee]) & (mentors.grade[mm] > mentees.grade[ee])
        if teachers:
            gap = mentors.experience[mm] - mentees.experience[ee]  # nan when unknown: fails
            if rules.how == "reverse":
                ok &= gap < 0
            else:
                ok &= gap >= rules.min_experience_gap
        if rules.form != "pupil_pupil" and not (rules.scope == "region" or rules.how == "virtual"):
            same_school = mentors.school[mm] == mentees.school[ee]
            same_municipality = mentors.municipality[mm] == mentees.municipality[ee]
            if rules.scope == "school":
                partner = np.isin(mentors.category[mm], [_CATEGORY_CODES[c] for c in _EXTERNAL])
                ok &= same_school | (partner & same_municipality)
            else:
                ok &= same_municipality
        ee, mm = ee[ok], mm[ok]
        counts[0] += np.bincount(ee, minlength=n)
        # 2. curator's exclusions
        keys = _pair_keys(ee, mm, m)
        if len(excl):
            excluded, _ = _lookup(keys, excl)
            ee, mm, keys = ee[~excluded], mm[~excluded], keys[~excluded]
        counts[1] += np.bincount(ee, minlength=n)
        # 3. the mentor's own limits: «not this mentee», pupils of some grades only
        refused = np.zeros(len(ee), dtype=bool)
        if len(refused_keys):
            refused, _ = _lookup(keys, refused_keys)
        low, high, grade = limits[mm, 0], limits[mm, 1], mentees.grade[ee]
        refused |= (mentees.category[ee] == pupil_code) & (((low > 0) & (grade < low)) | ((high > 0) & (grade > high)))
        ee, mm, keys = ee[~refused], mm[~refused], keys[~refused]
        counts[2] += np.bincount(ee, minlength=n)
        # 4. the mentor covers the mentee's deficits
        strong = mentors.profile[mm] >= SIGNIFICANT
        lacking = mentees.profile[ee] >= SIGNIFICANT
        if rules.how == "situational":  # one situation: the mentee's strongest deficit
            top = np.argmax(mentees.profile[ee], axis=1)
            covers = strong[np.arange(len(ee)), top] | ~has_deficit[ee]
        elif rules.require_coverage:
            covers = (strong & lacking).any(axis=1) | ~has_deficit[ee]
        else:
            covers = np.ones(len(ee), dtype=bool)
        ee, mm, keys = ee[covers], mm[covers], keys[covers]
        counts[3] += np.bincount(ee, minlength=n)
        # 5. a free place (flash pairs hold none)
        if not flash:
            free = mentors.capacity[mm] > 0
            ee, mm, keys = ee[free], mm[free], keys[free]
        counts[4] += np.bincount(ee, minlength=n)
        # score per criterion, each 0..1
        crit = np.zeros((len(ee), len(CRITERIA)), dtype=np.float32)
        total = deficit_total[ee]
        covered = (mentees.profile[ee] * mentors.profile[mm]).sum(axis=1)
        crit[:, 0] = np.where(total > 0, covered / np.where(total > 0, total, 1), 0)
        crit[:, 1] = (mentees.subjects[ee] & mentors.subjects[mm]).any(axis=1)
        if rules.form == "pupil_pupil":
            crit[:, 2] = gap_fit(mentors.grade[mm] - mentees.grade[ee], _GRADE_BAND, _FADE * 5)
        elif rules.how != "reverse":
            gap = np.nan_to_num(mentors.experience[mm] - mentees.experience[ee], nan=0.0)
            crit[:, 2] = gap_fit(gap, _EXPERIENCE_BAND, _FADE)
        crit[:, 3] = mentors.school[mm] == mentees.school[ee]
        if len(pref_keys):
            _, crit[:, 4] = _lookup(keys, pref_keys, pref_values)
        crit[:, 5] = priority[ee]
        if len(wished_keys):
            _, crit[:, 7] = _lookup(keys, wished_keys, wished_values)
        shown = (wants[ee] * shows[mm]).sum(axis=1)  # the pupil's interests the mentor shows, share of them
        crit[:, 6] = np.where(wants_total[ee] > 0, shown / np.where(wants_total[ee] > 0, wants_total[ee], 1), 0)
        if with_pupils:  # what pupils have: grade, class direction, professional choice
            crit[:, 8] = _GRADE_TABLE[kind[mm], np.clip(mentees.grade[ee], 0, 11)]
            if direction.shape[1] == mentors.subjects.shape[1]:
                crit[:, 9] = (direction[ee] & mentors.subjects[mm]).any(axis=1)
            crit[:, 10] = _CHOICE_TABLE[choice[ee], fields[mm]]
        # 6. the minimum acceptable score
        score = points(crit, weights).sum(axis=1)
        enough = score >= floor
        ee, mm, crit, score = ee[enough], mm[enough], crit[enough], score[enough]
        counts[5] += np.bincount(ee, minlength=n)
        out_e.append(ee)
        out_m.append(mm)
        out_c.append(crit)
        out_s.append(score)

    criteria = np.concatenate(out_c) if out_c else np.zeros((0, len(CRITERIA)), dtype=np.float32)
    score = np.concatenate(out_s) if out_s else np.zeros(0, dtype=np.int64)
    return Candidates(
        mentee=np.concatenate(out_e) if out_e else np.zeros(0, dtype=np.int64),
        mentor=np.concatenate(out_m) if out_m else np.zeros(0, dtype=np.int64),
        criteria=criteria,
        score=score,
        in_scope=counts[0],
        not_excluded=counts[1],
        not_refused=counts[2],
        covering=counts[3],
        with_capacity=counts[4],
        scoring=counts[5],
    )


def gap_fit(gap: np.ndarray, band: tuple[float, float], fade: float) -> np.ndarray:
    """0..1: rising to full over (0, band low], full inside the band, then fading by `fade` per
    unit beyond it down to a floor — a sensible gap, not unbounded seniority."""
    low, high = band
    rising = np.clip(gap / low, 0.0, 1.0)
    fading = np.maximum(1.0 - fade * (gap - high), _FIT_FLOOR)
    return np.where(gap <= high, rising, fading)


def points(criteria: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Points per criterion in hundredths (int64): the one rounding rule. A pair's score is the
    sum of its rounded parts, so the explanation always adds up to the score shown."""
    return np.floor(criteria.astype(np.float64) * (weights * _SCORE_SCALE) + 0.5).astype(np.int64)


@dataclass(frozen=True)
class Assignment:
    mentor_id: str
    mentee_id: str
    score: float
    breakdown: dict[str, float]
    """Points per criterion (weight × match); they add up to `score`."""


@dataclass(frozen=True)
class Unmatched:
    mentee_id: str
    reason: str
    message: str
    candidates: int
    """Mentors that passed the form and scope rules."""


@dataclass(frozen=True)
class MatchResult:
    objective: str
    assignments: list[Assignment]
    unmatched: list[Unmatched]
    candidate_pairs: int
    optimum_score: float | None = None
    """With the stable option: the optimum's total score, the price of stability is the gap."""
    optimum_matched: int | None = None

    @property
    def total_score(self) -> float:
        return round(sum(a.score for a in self.assignments), 2)

    @property
    def stability_cost(self) -> float | None:
        return None if self.optimum_score is None else round(self.optimum_score - self.total_score, 2)


def unmatched_reasons(found: Candidates, matched: np.ndarray) -> np.ndarray:
    """A reason code per mentee (None for matched ones): the first rule that left no mentor."""
    reasons = np.full(len(found.in_scope), "taken", dtype=object)
    reasons[found.scoring == 0] = "low_score"
    reasons[found.with_capacity == 0] = "no_capacity"
    reasons[found.covering == 0] = "no_coverage"
    reasons[found.not_refused == 0] = "refused"
    reasons[found.not_excluded == 0] = "excluded"
    reasons[found.in_scope == 0] = "no_mentor_in_scope"
    reasons[matched] = None
    return reasons


def _duplicates(people: Sequence[Participant], who: str) -> list[str]:
    seen: set[str] = set()
    twice = sorted({p.participant_id for p in people if p.participant_id in seen or seen.add(p.participant_id)})  # type: ignore[func-returns-value]
    return [f"{who} {pid} указан дважды" for pid in twice]


def match(
    mentees: Sequence[Participant],
    mentors: Sequence[Participant],
    rules: MatchingRules,
    exclusions: Iterable[tuple[str, str]] = (),
    preferences: Mapping[tuple[str, str], int] | None = None,
    vocabulary: Mapping[str, str] | None = None,
    mentor_preferences: Mapping[tuple[str, str], int] | None = None,
    refusals: Iterable[tuple[str, str]] = (),
) -> MatchResult:
    """The whole cohort at once: an exact optimum under `rules.objective`, explained.
    `exclusions` are (mentor id, mentee id); `preferences` map (mentee id, mentor id) → rank;
    `vocabulary` maps a subject name to the subject it belongs to (the region's list);
    `mentor_preferences` map (mentee id, mentor id) → the mentor's rank of the mentee;
    `refusals` are (mentor id, mentee id) the mentor refused (with `Participant.grade_limits`,
    the mentor's own hard rules: never proposed).
    Flash mentoring holds no capacity: mentors take any number of flash mentees."""
    problems = rules.problems() + _duplicates(mentees, "Наставляемый") + _duplicates(mentors, "Наставник")
    if problems:
        raise ValueError("; ".join(problems))
    mentee_cohort, mentor_cohort = encode(mentees, mentors, vocabulary)
    e_index = {pid: i for i, pid in enumerate(mentee_cohort.ids)}
    m_index = {pid: j for j, pid in enumerate(mentor_cohort.ids)}
    excl = [(e_index[e], m_index[j]) for j, e in exclusions if e in e_index and j in m_index]
    prefs = {(e_index[e], m_index[j]): r for (e, j), r in (preferences or {}).items() if e in e_index and j in m_index}
    wished = {(e_index[e], m_index[j]): r for (e, j), r in (mentor_preferences or {}).items() if e in e_index and j in m_index}
    refused = [(e_index[e], m_index[j]) for j, e in refusals if e in e_index and j in m_index]
    found = candidate_pairs(mentee_cohort, mentor_cohort, rules, excl, prefs, wished, refused)
    capacity = mentor_cohort.capacity if rules.how != "flash" else np.full(len(mentors), len(mentees), dtype=np.int64)
    chosen = optimal_assignment(
        len(mentees),
        len(mentors),
        found.mentee,
        found.mentor,
        arc_weights(found.score, len(mentees), rules.objective),
        capacity,
    )
    optimum: tuple[float, int] | None = None
    if rules.stable:
        optimum = int(found.score[chosen].sum()) / _SCORE_SCALE, len(chosen)
        chosen = greedy_assignment(len(mentees), found.mentee, found.mentor, found.score, capacity)
    else:  # ties: the optimum spread across mentors (moves among equal scores keep it optimal)
        load = np.array([0 if rules.how == "flash" else p.load for p in mentors], dtype=np.int64)
        chosen = balance(found.mentee, found.mentor, found.score, chosen, capacity, load)
    parts = points(found.criteria[chosen], rules.weight_vector())
    assignments = []
    for row, arc in enumerate(chosen.tolist()):
        assignments.append(
            Assignment(
                mentor_id=mentor_cohort.ids[found.mentor[arc]],
                mentee_id=mentee_cohort.ids[found.mentee[arc]],
                score=int(found.score[arc]) / _SCORE_SCALE,
                breakdown={name: int(p) / _SCORE_SCALE for name, p in zip(CRITERIA, parts[row], strict=True)},
            )
        )
    reasons = unmatched_reasons(found, found.mentee[chosen])
    unmatched = [
        Unmatched(mentee_cohort.ids[i], str(reason), UNMATCHED_REASONS[str(reason)], int(found.in_scope[i]))
        for i, reason in enumerate(reasons)
        if reason is not None
    ]
    assignments.sort(key=lambda a: (a.mentor_id, -a.score, a.mentee_id))
    return MatchResult(
        rules.objective, assignments, unmatched, len(found), *(optimum if optimum else (None, None))
    )
