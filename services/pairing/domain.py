"""Pairing rules: pure functions, no I/O — the manual pair check, and the matcher (hard rules,
weighted score, exact whole-cohort optimum, explanation) used by curators and bench/matching.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from shared.contracts.surveys import DEFICIT_AREAS
from shared.contracts.surveys import DEFICIT_SCALE as SURVEYS_DEFICIT_SCALE

# Which categories may mentor whom, per form (Р-145 and DOMAIN.md).
FORM_CATEGORIES: dict[str, tuple[str, str]] = {
    "teacher_teacher": ("teacher", "teacher"),
    "teacher_pupil": ("teacher", "pupil"),
    "pupil_pupil": ("pupil", "pupil"),
    "student_pupil": ("student", "pupil"),
    "employer_pupil": ("employer", "pupil"),
    "employer_student": ("employer", "student"),
    "head_teacher": ("teacher", "teacher"),
}


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

HOW_FORMS: dict[str, str] = {
    "one_to_one": "традиционная (один на один)",
    "group": "групповая (один наставник, группа)",
    "reverse": "реверсивная (младший наставляет старшего)",
    "situational": "ситуационная (помощь в одной ситуации)",
    "flash": "флеш-наставничество (короткие встречи, без учёта вместимости)",
    "virtual": "виртуальная (дистанционная, без привязки к школе)",
}
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
    "same_subject": "общий предмет",
    "experience_gap": "разница в опыте (в классах для учеников)",
    "same_school": "одна школа",
    "preference": "предпочтение наставляемого",
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "deficit_coverage": 40.0,
    "same_subject": 20.0,
    "experience_gap": 15.0,
    "same_school": 10.0,
    "preference": 15.0,
}
"""Points per criterion at full match; the defaults add up to 100."""

AREAS: tuple[str, ...] = tuple(DEFICIT_AREAS)
"""Deficit areas in a fixed order (the codes of shared.contracts.surveys.DEFICIT_AREAS)."""

SIGNIFICANT = 0.5
"""A deficit (or a strength) counts when its level, on 0..1, is at least this."""

UNMATCHED_REASONS: dict[str, str] = {
    "no_mentor_in_scope": "Нет наставника, подходящего по форме наставничества и области подбора",
    "excluded": "Все подходящие наставники исключены куратором",
    "no_coverage": "Никто из подходящих наставников не закрывает дефициты наставляемого",
    "no_capacity": "У подходящих наставников не осталось свободных мест",
    "taken": "Места подходящих наставников заняты: общий результат лучше при другом распределении",
}

# Strengths a mentor without a diagnostic gets from the registry's subjects (seed 001's list).
_SUBJECT_AREAS: dict[str, tuple[str, ...]] = {
    "информатик": ("ict_digital",),
    "психолог": ("psychological_pedagogical",),
    "классное руководство": ("extracurricular_upbringing",),
    "воспитат": ("extracurricular_upbringing",),
    "физическая культура": ("health_saving",),
    "управлен": ("regulatory_legal",),
}
_EXTERNAL = ("student", "employer")
_CATEGORY_CODES = {"teacher": 0, "pupil": 1, "student": 2, "employer": 3}
_EXPERIENCE_CAP = 10.0
_GRADE_CAP = 3.0
_SCORE_SCALE = 100  # scores are kept as integers in hundredths of a point


def strengths_from_subjects(subjects: Sequence[str], experience_years: int | None) -> dict[str, float]:
    """A mentor's strengths when no diagnostic is known: subject work and methods from having
    subjects at all (more with experience), and a few areas named by the subject itself."""
    if not subjects:
        return {}
    seasoned = 1.0 if (experience_years or 0) >= 10 else 0.7
    strengths = {"subject_professional": seasoned, "methodological": round(seasoned * 0.8, 2)}
    for subject in subjects:
        for stem, areas in _SUBJECT_AREAS.items():
            if stem in subject.lower():
                for area in areas:
                    strengths[area] = 1.0
    return strengths


DEFICIT_SCALE: tuple[float, float] = tuple(float(v) for v in SURVEYS_DEFICIT_SCALE)  # type: ignore[assignment]
"""The deficit diagnostic's range per area, from the surveys contract (1 = no deficit)."""


def deficit_levels(scores: Mapping[str, float], scale: tuple[float, float] = DEFICIT_SCALE) -> dict[str, float]:
    """Deficit diagnostic scores (per area code) → levels 0..1 (1 = strong deficit); codes
    outside the known areas are ignored."""
    low, high = scale
    return {
        area: round(min(max((float(value) - low) / (high - low), 0.0), 1.0), 3)
        for area, value in scores.items()
        if area in AREAS
    }


def strength_levels(deficits: Mapping[str, float]) -> dict[str, float]:
    """A mentor's own diagnostic: a low deficit is a strength."""
    return {area: round(1.0 - level, 3) for area, level in deficits.items()}


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
        return found

    def weight_vector(self) -> np.ndarray:
        return np.array([float(self.weights.get(name, DEFAULT_WEIGHTS[name])) for name in CRITERIA], dtype=np.float64)


@dataclass(frozen=True)
class Participant:
    """One candidate as the matcher sees them. For a mentee `profile` is deficit levels, for a
    mentor strength levels (0..1 per area). `load` is the mentor's places already taken."""

    participant_id: str
    category: str
    school_id: str
    municipality_id: str | None = None
    subjects: tuple[str, ...] = ()
    experience_years: int | None = None
    grade: int | None = None
    profile: Mapping[str, float] = field(default_factory=dict)
    capacity: int = 1
    load: int = 0


@dataclass
class Cohort:
    """Participants as arrays (one row per person) for vectorised rules and scores."""

    ids: list[str]
    person: np.ndarray  # int64 code of participant_id, shared between mentees and mentors
    category: np.ndarray  # int8
    school: np.ndarray  # int64
    municipality: np.ndarray  # int64
    subjects: np.ndarray  # uint64 bit mask
    experience: np.ndarray  # float32, nan when unknown
    grade: np.ndarray  # int16, 0 when unknown
    profile: np.ndarray  # float32 (n, len(AREAS))
    capacity: np.ndarray  # int64: free places (mentors)

    def __len__(self) -> int:
        return len(self.ids)


def encode(mentees: Sequence[Participant], mentors: Sequence[Participant]) -> tuple[Cohort, Cohort]:
    """Both sides as arrays with shared code books (schools, municipalities, subjects, people)."""
    books: dict[str, dict[str, int]] = {"person": {}, "school": {}, "municipality": {}, "subject": {}}

    def code(book: str, value: str | None) -> int:
        if value is None:
            return -1
        table = books[book]
        return table.setdefault(value, len(table))

    def cohort(people: Sequence[Participant]) -> Cohort:
        n = len(people)
        profile = np.zeros((n, len(AREAS)), dtype=np.float32)
        for row, p in enumerate(people):
            for area, level in p.profile.items():
                if area in AREAS:
                    profile[row, AREAS.index(area)] = level
        masks = []
        for p in people:
            mask = 0
            for subject in p.subjects:
                mask |= 1 << (code("subject", subject.strip().lower()) % 64)
            masks.append(mask)
        return Cohort(
            ids=[p.participant_id for p in people],
            person=np.array([code("person", p.participant_id) for p in people], dtype=np.int64),
            category=np.array([_CATEGORY_CODES.get(p.category, -1) for p in people], dtype=np.int8),
            school=np.array([code("school", p.school_id) for p in people], dtype=np.int64),
            municipality=np.array(  # unknown municipality: the school stands for it
                [code("municipality", p.municipality_id or f"school:{p.school_id}") for p in people], dtype=np.int64
            ),
            subjects=np.array(masks, dtype=np.uint64),
            experience=np.array([np.nan if p.experience_years is None else p.experience_years for p in people], dtype=np.float32),
            grade=np.array([p.grade or 0 for p in people], dtype=np.int16),
            profile=profile,
            capacity=np.array([max(p.capacity - p.load, 0) for p in people], dtype=np.int64),
        )

    return cohort(mentees), cohort(mentors)


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
    covering: np.ndarray  # … of those, covering the deficits
    with_capacity: np.ndarray  # … of those, with a free place

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
    *,
    chunk: int = 2_000_000,
) -> Candidates:
    """Every (mentee, mentor) pair passing the hard rules of `rules`, scored. `exclusions` and
    `preferences` are keyed by (mentee index, mentor index); a preference is a rank (1 = first)."""
    n, m = len(mentees), len(mentors)
    mentor_category, mentee_category = FORM_CATEGORIES[rules.form]
    excl = np.unique(np.array([_pair_keys(np.int64(e), np.int64(j), m) for e, j in exclusions], dtype=np.int64))
    pref_items = sorted((int(_pair_keys(np.int64(e), np.int64(j), m)), rank) for (e, j), rank in (preferences or {}).items())
    pref_keys = np.array([k for k, _ in pref_items], dtype=np.int64)
    pref_values = np.array([1.0 / max(r, 1) for _, r in pref_items], dtype=np.float64)
    weights = rules.weight_vector()
    flash = rules.how == "flash"
    teachers = mentor_category == "teacher" and mentee_category == "teacher"
    counts = [np.zeros(n, dtype=np.int64) for _ in range(4)]
    out_e, out_m, out_c = [], [], []
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
        # 3. the mentor covers the mentee's deficits
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
        counts[2] += np.bincount(ee, minlength=n)
        # 4. a free place (flash pairs hold none)
        if not flash:
            free = mentors.capacity[mm] > 0
            ee, mm, keys = ee[free], mm[free], keys[free]
        counts[3] += np.bincount(ee, minlength=n)
        # score per criterion, each 0..1
        crit = np.zeros((len(ee), len(CRITERIA)), dtype=np.float32)
        total = deficit_total[ee]
        covered = (mentees.profile[ee] * mentors.profile[mm]).sum(axis=1)
        crit[:, 0] = np.where(total > 0, covered / np.where(total > 0, total, 1), 0)
        crit[:, 1] = (mentees.subjects[ee] & mentors.subjects[mm]) != 0
        if rules.form == "pupil_pupil":
            crit[:, 2] = np.clip((mentors.grade[mm] - mentees.grade[ee]) / _GRADE_CAP, 0, 1)
        elif rules.how != "reverse":
            gap = np.nan_to_num(mentors.experience[mm] - mentees.experience[ee], nan=0.0)
            crit[:, 2] = np.clip(gap / _EXPERIENCE_CAP, 0, 1)
        crit[:, 3] = mentors.school[mm] == mentees.school[ee]
        if len(pref_keys):
            _, crit[:, 4] = _lookup(keys, pref_keys, pref_values)
        out_e.append(ee)
        out_m.append(mm)
        out_c.append(crit)

    criteria = np.concatenate(out_c) if out_c else np.zeros((0, len(CRITERIA)), dtype=np.float32)
    score = np.rint(criteria.astype(np.float64) @ (weights * _SCORE_SCALE)).astype(np.int64)
    return Candidates(
        mentee=np.concatenate(out_e) if out_e else np.zeros(0, dtype=np.int64),
        mentor=np.concatenate(out_m) if out_m else np.zeros(0, dtype=np.int64),
        criteria=criteria,
        score=score,
        in_scope=counts[0],
        not_excluded=counts[1],
        covering=counts[2],
        with_capacity=counts[3],
    )


def arc_weights(score: np.ndarray, n_mentees: int, objective: str) -> np.ndarray:
    """Integer weights whose maximum-weight assignment is the lexicographic optimum:
    max_matched → (matched count, total score); best_score → (total score, matched count)."""
    score = score.astype(np.int64)
    if objective == "max_matched":
        big = n_mentees * int(score.max(initial=0)) + 1
        return big + score
    return score * (n_mentees + 1) + 1


def optimal_assignment(
    n_mentees: int, n_mentors: int, mentee: np.ndarray, mentor: np.ndarray, weight: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Indices of the chosen arcs of an exact maximum-weight assignment where each mentee gets
    at most one mentor and mentor j at most capacity[j] mentees (OR-Tools min-cost flow)."""
    from ortools.graph.python import min_cost_flow

    k = len(mentee)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    source, sink = n_mentors + n_mentees, n_mentors + n_mentees + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    cap = np.minimum(capacity.astype(np.int64), n_mentees)
    tails = np.concatenate([np.full(n_mentors, source), mentor, n_mentors + np.arange(n_mentees), [source]])
    heads = np.concatenate([np.arange(n_mentors), n_mentors + mentee, np.full(n_mentees, sink), [sink]])
    caps = np.concatenate([cap, np.ones(k, dtype=np.int64), np.ones(n_mentees, dtype=np.int64), [n_mentees]])
    costs = np.concatenate([np.zeros(n_mentors, dtype=np.int64), -weight.astype(np.int64), np.zeros(n_mentees + 1, dtype=np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    arc_flows = flow.flows(np.arange(n_mentors, n_mentors + k, dtype=np.int32))
    return np.flatnonzero(arc_flows > 0)


def greedy_assignment(n_mentees: int, mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """The baseline a person would do: best-scored pairs first, first come first served."""
    order = np.argsort(-score, kind="stable")
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(n_mentees, dtype=bool)
    chosen = []
    for arc in order.tolist():
        e, j = mentee[arc], mentor[arc]
        if not taken[e] and left[j] > 0:
            taken[e] = True
            left[j] -= 1
            chosen.append(arc)
    return np.array(chosen, dtype=np.int64)


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

    @property
    def total_score(self) -> float:
        return round(sum(a.score for a in self.assignments), 2)


def unmatched_reasons(found: Candidates, matched: np.ndarray) -> np.ndarray:
    """A reason code per mentee (None for matched ones): the first rule that left no mentor."""
    reasons = np.full(len(found.in_scope), "taken", dtype=object)
    reasons[found.with_capacity == 0] = "no_capacity"
    reasons[found.covering == 0] = "no_coverage"
    reasons[found.not_excluded == 0] = "excluded"
    reasons[found.in_scope == 0] = "no_mentor_in_scope"
    reasons[matched] = None
    return reasons


def match(
    mentees: Sequence[Participant],
    mentors: Sequence[Participant],
    rules: MatchingRules,
    exclusions: Iterable[tuple[str, str]] = (),
    preferences: Mapping[tuple[str, str], int] | None = None,
) -> MatchResult:
    """The whole cohort at once: an exact optimum under `rules.objective`, explained.
    `exclusions` are (mentor id, mentee id); `preferences` map (mentee id, mentor id) → rank.
    Flash mentoring holds no capacity: mentors take any number of flash mentees."""
    problems = rules.problems()
    if problems:
        raise ValueError("; ".join(problems))
    mentee_cohort, mentor_cohort = encode(mentees, mentors)
    e_index = {pid: i for i, pid in enumerate(mentee_cohort.ids)}
    m_index = {pid: j for j, pid in enumerate(mentor_cohort.ids)}
    excl = [(e_index[e], m_index[j]) for j, e in exclusions if e in e_index and j in m_index]
    prefs = {(e_index[e], m_index[j]): r for (e, j), r in (preferences or {}).items() if e in e_index and j in m_index}
    found = candidate_pairs(mentee_cohort, mentor_cohort, rules, excl, prefs)
    capacity = mentor_cohort.capacity if rules.how != "flash" else np.full(len(mentors), len(mentees), dtype=np.int64)
    chosen = optimal_assignment(
        len(mentees),
        len(mentors),
        found.mentee,
        found.mentor,
        arc_weights(found.score, len(mentees), rules.objective),
        capacity,
    )
    weights = rules.weight_vector()
    assignments = []
    for arc in chosen.tolist():
        points = found.criteria[arc].astype(np.float64) * weights
        assignments.append(
            Assignment(
                mentor_id=mentor_cohort.ids[found.mentor[arc]],
                mentee_id=mentee_cohort.ids[found.mentee[arc]],
                score=round(found.score[arc] / _SCORE_SCALE, 2),
                breakdown={name: round(float(p), 2) for name, p in zip(CRITERIA, points, strict=True)},
            )
        )
    reasons = unmatched_reasons(found, found.mentee[chosen])
    unmatched = [
        Unmatched(mentee_cohort.ids[i], str(reason), UNMATCHED_REASONS[str(reason)], int(found.in_scope[i]))
        for i, reason in enumerate(reasons)
        if reason is not None
    ]
    assignments.sort(key=lambda a: (a.mentor_id, -a.score, a.mentee_id))
    return MatchResult(rules.objective, assignments, unmatched, len(found))
