"""The matcher: hard rules per form, exact optimum, explanation."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import numpy as np
import pytest

from services.pairing.domain import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    MatchingRules,
    Participant,
    arc_weights,
    greedy_assignment,
    match,
    optimal_assignment,
)
from services.pairing.profiles import (
    deficit_levels,
    interest_levels,
    offered_types,
    strength_levels,
    strengths_from_subjects,
    subject_terms,
)
from services.pairing.pupils import field_of_work

ICT = {"ict_digital": 0.9}


def teacher(pid: str, years: int, school: str = "s1", municipality: str = "m1", **kw) -> Participant:
    return Participant(pid, "teacher", school, municipality, experience_years=years, **kw)


def pupil(pid: str, grade: int, school: str = "s1", **kw) -> Participant:
    return Participant(pid, "pupil", school, "m1", grade=grade, **kw)


def pairs(result) -> set[tuple[str, str]]:
    return {(a.mentor_id, a.mentee_id) for a in result.assignments}


def reason(result, mentee_id: str) -> str:
    return next(u.reason for u in result.unmatched if u.mentee_id == mentee_id)


# -- hard rules per form --------------------------------------------------------------------


def test_teacher_teacher_needs_a_mentor_with_enough_more_experience() -> None:
    young = teacher("young", 1)
    result = match([young], [teacher("close", 3), teacher("senior", 15)], MatchingRules(min_experience_gap=3))
    assert pairs(result) == {("senior", "young")}
    alone = match([young], [teacher("close", 3)], MatchingRules(min_experience_gap=3))
    assert alone.assignments == [] and reason(alone, "young") == "no_mentor_in_scope"


def test_reverse_mentoring_lets_the_younger_mentor_the_older() -> None:
    senior = teacher("senior", 20, profile=ICT)
    young = teacher("young", 2, profile={"ict_digital": 1.0})
    result = match([senior], [young], MatchingRules(how="reverse"))
    assert pairs(result) == {("young", "senior")}
    assert match([senior], [young], MatchingRules(how="one_to_one")).assignments == []


def test_pupil_pupil_needs_a_higher_grade_in_the_same_school() -> None:
    mentee = pupil("p5", 5)
    mentors = [pupil("p5b", 5), pupil("p9-other", 9, school="s2"), pupil("p8", 8)]
    assert pairs(match([mentee], mentors, MatchingRules(form="pupil_pupil"))) == {("p8", "p5")}
    # not even a virtual programme takes a pupil mentor from another school
    virtual = match([mentee], mentors[:2], MatchingRules(form="pupil_pupil", how="virtual"))
    assert virtual.assignments == [] and reason(virtual, "p5") == "no_mentor_in_scope"


def test_categories_follow_the_form() -> None:
    result = match([pupil("p5", 5)], [teacher("t", 10)], MatchingRules(form="teacher_teacher"))
    assert result.assignments == [] and reason(result, "p5") == "no_mentor_in_scope"
    assert pairs(match([pupil("p5", 5)], [teacher("t", 10)], MatchingRules(form="teacher_pupil"))) == {("t", "p5")}


def test_scope_school_municipality_region_and_network_partners() -> None:
    mentee = teacher("e", 1, school="s1", municipality="m1")
    same_mun = teacher("m", 10, school="s2", municipality="m1")
    far = teacher("far", 10, school="s9", municipality="m2")
    assert match([mentee], [same_mun, far], MatchingRules(scope="school")).assignments == []
    assert pairs(match([mentee], [same_mun, far], MatchingRules(scope="municipality"))) == {("m", "e")}
    assert pairs(match([mentee], [far], MatchingRules(scope="region"))) == {("far", "e")}
    assert pairs(match([mentee], [far], MatchingRules(scope="school", how="virtual"))) == {("far", "e")}
    # a network partner (student, employer) works with the schools of its municipality
    kid = pupil("kid", 7)
    student = Participant("stud", "student", "s2", "m1")
    student_far = Participant("stud-far", "student", "s9", "m2")
    partners = MatchingRules(form="student_pupil", min_score=0)  # hard rules only: the pair scores 0 points
    assert pairs(match([kid], [student, student_far], partners)) == {("stud", "kid")}


def test_capacity_is_respected_and_flash_holds_none() -> None:
    mentees = [teacher(f"e{i}", 1) for i in range(4)]
    mentor = teacher("t", 12, capacity=3, load=1)
    result = match(mentees, [mentor], MatchingRules())
    assert len(result.assignments) == 2
    assert sorted(u.reason for u in result.unmatched) == ["taken", "taken"]
    full = match(mentees, [teacher("t", 12, capacity=1, load=1)], MatchingRules())
    assert full.assignments == [] and {u.reason for u in full.unmatched} == {"no_capacity"}
    flash = match(mentees, [teacher("t", 12, capacity=1, load=1)], MatchingRules(how="flash"))
    assert len(flash.assignments) == 4


def test_group_form_puts_several_mentees_with_one_mentor() -> None:
    mentees = [teacher(f"e{i}", 1) for i in range(3)]
    result = match(mentees, [teacher("t", 12, capacity=3)], MatchingRules(how="group"))
    assert pairs(result) == {("t", "e0"), ("t", "e1"), ("t", "e2")}


def test_situational_needs_the_mentee_s_strongest_deficit_covered() -> None:
    mentee = teacher("e", 1, profile={"ict_digital": 0.9, "methodological": 0.6})
    methods = teacher("methods", 12, profile={"methodological": 1.0})
    ict = teacher("ict", 12, profile={"ict_digital": 1.0})
    assert pairs(match([mentee], [methods], MatchingRules(how="one_to_one"))) == {("methods", "e")}
    situational = match([mentee], [methods, ict], MatchingRules(how="situational"))
    assert pairs(situational) == {("ict", "e")}
    assert reason(match([mentee], [methods], MatchingRules(how="situational")), "e") == "no_coverage"


def test_nobody_mentors_themself_even_when_enrolled_on_both_sides() -> None:
    both = teacher("x", 10)
    result = match([both], [both], MatchingRules(min_experience_gap=0))
    assert result.assignments == [] and reason(result, "x") == "no_mentor_in_scope"


def test_curator_exclusions_are_hard() -> None:
    mentee = teacher("e", 1)
    result = match([mentee], [teacher("a", 10), teacher("b", 12)], MatchingRules(), exclusions=[("b", "e")])
    assert pairs(result) == {("a", "e")}
    none = match([mentee], [teacher("b", 12)], MatchingRules(), exclusions=[("b", "e")])
    assert reason(none, "e") == "excluded"


def test_deficits_must_be_covered() -> None:
    mentee = teacher("e", 1, profile={"ict_digital": 0.8})
    result = match([mentee], [teacher("t", 12, profile={"methodological": 1.0})], MatchingRules())
    assert result.assignments == [] and reason(result, "e") == "no_coverage"
    relaxed = match([mentee], [teacher("t", 12, profile={"methodological": 1.0})], MatchingRules(require_coverage=False))
    assert pairs(relaxed) == {("t", "e")}


# -- score and explanation --------------------------------------------------------------------


def test_every_pair_carries_its_score_by_criterion() -> None:
    mentee = teacher("e", 2, subjects=("математика",), profile={"ict_digital": 1.0, "methodological": 1.0})
    mentor = teacher("t", 12, subjects=("Математика",), profile={"ict_digital": 1.0})
    result = match([mentee], [mentor], MatchingRules(), preferences={("e", "t"): 1})
    [a] = result.assignments
    assert set(a.breakdown) == set(CRITERIA)
    assert a.breakdown == {
        "deficit_coverage": 15.0,  # half of the deficits covered × 30
        "same_subject": 15.0,
        "experience_gap": 15.0,  # 10 years: inside the sensible band of 5..15
        "same_school": 10.0,
        "preference": 5.0,  # ranked first
        "priority": 0.0,
        "interests": 0.0,  # teachers: no pupil's interests to show
        "mentor_preference": 0.0,
        "grade_fit": 0.0,  # the pupil criteria: only forms with pupils
        "class_direction": 0.0,
        "chosen_field": 0.0,
    }
    assert a.score == pytest.approx(sum(a.breakdown.values())) == 60.0
    assert result.total_score == 60.0


def test_weights_change_the_choice() -> None:
    mentee = teacher("e", 1, subjects=("физика",), profile={"ict_digital": 1.0})
    subject_mate = teacher("same", 12, subjects=("физика",), profile={"ict_digital": 0.5})
    ict_expert = teacher("ict", 12, profile={"ict_digital": 1.0})
    assert pairs(match([mentee], [subject_mate, ict_expert], MatchingRules())) == {("same", "e")}
    weights = {**DEFAULT_WEIGHTS, "same_subject": 0.0}
    assert pairs(match([mentee], [subject_mate, ict_expert], MatchingRules(weights=weights))) == {("ict", "e")}


def test_preference_ranks_break_a_tie() -> None:
    mentee = teacher("e", 1)
    mentors = [teacher("a", 12), teacher("b", 12)]
    assert pairs(match([mentee], mentors, MatchingRules(), preferences={("e", "b"): 1, ("e", "a"): 2})) == {("b", "e")}


def test_objectives_differ_when_count_and_score_conflict() -> None:
    # star mentor with one place: the best score pairs it with e1, which leaves e2 without anyone
    e1 = teacher("e1", 1, subjects=("химия",), profile={"ict_digital": 1.0})
    e2 = teacher("e2", 1, profile={"ict_digital": 1.0})
    star = teacher("star", 12, subjects=("химия",), profile={"ict_digital": 1.0})
    weak = teacher("weak", 12, school="s2", profile={"ict_digital": 0.5})  # only e1's municipality? same
    rules = dict(scope="municipality")
    most = match([e1, e2], [star, weak], MatchingRules(objective="max_matched", **rules))
    assert len(most.assignments) == 2
    weights = {**DEFAULT_WEIGHTS, "same_school": 0.0, "experience_gap": 0.0, "deficit_coverage": 0.0}
    best = match([e1, e2], [star], MatchingRules(objective="best_score", weights=weights, min_score=0, **rules))
    assert pairs(best) == {("star", "e1")} and reason(best, "e2") == "taken"


def test_diagnostic_scores_become_levels() -> None:
    assert deficit_levels({"ict_digital": 10, "methodological": 1, "unknown": 5}) == {"ict_digital": 1.0, "methodological": 0.0}
    assert deficit_levels({"ict_digital": 1}) == {"ict_digital": 0.0}  # 1 = no deficit on the 1..10 scale
    assert deficit_levels({"ict_digital": 3}, scale=(1, 5)) == {"ict_digital": 0.5}
    assert strength_levels({"ict_digital": 0.25}) == {"ict_digital": 0.75}
    strengths = strengths_from_subjects(["Информатика"], 15)
    assert strengths["ict_digital"] == 1.0 and strengths["subject_professional"] == 1.0
    assert strengths_from_subjects([], 15) == {}


def test_invalid_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="Неизвестная форма"):
        match([], [], MatchingRules(how="telepathic"))


# -- optimality against independent exact solvers ----------------------------------------------


def _random_instance(rng: random.Random, n: int, m: int, density: float):
    arcs = [(e, j, rng.randint(0, 50)) for e in range(n) for j in range(m) if rng.random() < density]
    capacity = [rng.randint(0, 3) for _ in range(m)]
    return arcs, capacity


def _brute_force(n: int, arcs, capacity, objective: str) -> tuple[int, int]:
    """(matched, total score) of the best assignment by enumeration of every mentee's choice."""
    options = [[None] + [(j, s) for (e2, j, s) in arcs if e2 == e] for e in range(n)]
    best = None
    for choice in itertools.product(*options):
        used = [0] * len(capacity)
        ok = True
        for c in choice:
            if c is not None:
                used[c[0]] += 1
                if used[c[0]] > capacity[c[0]]:
                    ok = False
                    break
        if not ok:
            continue
        count = sum(c is not None for c in choice)
        total = sum(c[1] for c in choice if c is not None)
        key = (count, total) if objective == "max_matched" else (total, count)
        best = key if best is None or key > best else best
    return best if objective == "max_matched" else (best[1], best[0])


def _solve(n: int, m: int, arcs, capacity, objective: str) -> tuple[int, int, np.ndarray]:
    mentee = np.array([a[0] for a in arcs], dtype=np.int64)
    mentor = np.array([a[1] for a in arcs], dtype=np.int64)
    score = np.array([a[2] for a in arcs], dtype=np.int64)
    chosen = optimal_assignment(n, m, mentee, mentor, arc_weights(score, n, objective), np.array(capacity, dtype=np.int64))
    assert len(set(mentee[chosen].tolist())) == len(chosen), "a mentee got two mentors"
    assert all(np.bincount(mentor[chosen], minlength=m) <= capacity), "capacity exceeded"
    return len(chosen), int(score[chosen].sum()), chosen


@pytest.mark.parametrize("objective", ["max_matched", "best_score"])
@pytest.mark.parametrize("seed", range(25))
def test_optimum_equals_brute_force_on_small_random_instances(seed: int, objective: str) -> None:
    rng = random.Random(seed)
    n, m = rng.randint(1, 6), rng.randint(1, 3)
    arcs, capacity = _random_instance(rng, n, m, 0.6)
    matched, total, _ = _solve(n, m, arcs, capacity, objective)
    assert (matched, total) == _brute_force(n, arcs, capacity, objective)


@pytest.mark.parametrize("seed", range(10))
def test_best_score_equals_networkx_min_cost_flow(seed: int) -> None:
    rng = random.Random(1000 + seed)
    n, m = rng.randint(10, 40), rng.randint(3, 10)
    arcs, capacity = _random_instance(rng, n, m, 0.3)
    _, total, _ = _solve(n, m, arcs, capacity, "best_score")
    graph = nx.DiGraph()
    graph.add_node("s", demand=-n)
    graph.add_node("t", demand=n)
    graph.add_edge("s", "t", capacity=n, weight=0)
    for j in range(m):
        graph.add_edge("s", ("m", j), capacity=capacity[j], weight=0)
    for e in range(n):
        graph.add_edge(("e", e), "t", capacity=1, weight=0)
    for e, j, s in arcs:
        graph.add_edge(("m", j), ("e", e), capacity=1, weight=-s)
    assert -nx.min_cost_flow_cost(graph) == total


def test_the_optimum_is_never_worse_than_greedy_and_sometimes_better() -> None:
    better = 0
    for seed in range(30):
        rng = random.Random(seed)
        n, m = 30, 6
        arcs, capacity = _random_instance(rng, n, m, 0.3)
        _, total, _ = _solve(n, m, arcs, capacity, "best_score")
        mentee = np.array([a[0] for a in arcs], dtype=np.int64)
        mentor = np.array([a[1] for a in arcs], dtype=np.int64)
        score = np.array([a[2] for a in arcs], dtype=np.int64)
        greedy = greedy_assignment(n, mentee, mentor, score, np.array(capacity))
        assert total >= score[greedy].sum()
        better += total > score[greedy].sum()
    assert better > 0


def test_match_end_to_end_is_optimal_against_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(10):
        mentees = [teacher(f"e{i}", rng.randint(0, 3), subjects=(rng.choice("ab"),), profile={"ict_digital": rng.random()}) for i in range(5)]
        mentors = [
            teacher(f"t{j}", rng.randint(5, 20), subjects=(rng.choice("ab"),), profile={"ict_digital": rng.random()}, capacity=rng.randint(1, 2))
            for j in range(3)
        ]
        rules = MatchingRules(require_coverage=False, objective="best_score")
        result = match(mentees, mentors, rules)
        scores = {}  # every admissible pair's score, from matching it alone
        for e in mentees:
            for t in mentors:
                single = match([e], [t], MatchingRules(require_coverage=False))
                if single.assignments:
                    scores[(t.participant_id, e.participant_id)] = single.assignments[0].score
        best = 0.0
        cap = {t.participant_id: t.capacity for t in mentors}
        for choice in itertools.product(*[[None] + [t.participant_id for t in mentors] for _ in mentees]):
            if any(sum(c == t for c in choice) > cap[t] for t in cap):
                continue
            if any(c is not None and (c, e.participant_id) not in scores for c, e in zip(choice, mentees, strict=False)):
                continue
            best = max(best, sum(scores[(c, e.participant_id)] for c, e in zip(choice, mentees, strict=False) if c is not None))
        assert result.total_score == pytest.approx(best, abs=0.05)


# -- regressions of issue 14 --------------------------------------------------------------------


def test_subjects_beyond_64_never_collide() -> None:
    # the 65th distinct subject name shared a bit with the 1st in a 64-bit mask
    mentee = teacher("e", 1, subjects=("математика",))
    history = teacher("history", 12, subjects=("история", *(f"предмет {i}" for i in range(63))))
    maths = teacher("maths", 12, subjects=("математика",))
    result = match([mentee], [history, maths], MatchingRules(require_coverage=False))
    [a] = result.assignments
    assert a.mentor_id == "maths" and a.breakdown["same_subject"] == 15.0
    alone = match([mentee], [history], MatchingRules(require_coverage=False))
    assert alone.assignments[0].breakdown["same_subject"] == 0.0


def test_subject_sets_are_exact_with_hundreds_of_names() -> None:
    rng = random.Random(3)
    names = [f"предмет {i}" for i in range(300)]
    mentees = [teacher(f"e{i}", 1, subjects=tuple(rng.sample(names, 3))) for i in range(20)]
    mentors = [teacher(f"t{j}", 12, subjects=tuple(rng.sample(names, 40)), capacity=20) for j in range(5)]
    for e in mentees:
        for t in mentors:
            [a] = match([e], [t], MatchingRules(require_coverage=False)).assignments
            assert a.breakdown["same_subject"] == (15.0 if set(e.subjects) & set(t.subjects) else 0.0)


def test_the_explanation_adds_up_to_the_score_exactly() -> None:
    # 0.75 × 22.3 = 16.725: rounded apart from the total it showed 16.73 against a score of 16.72
    weights = {**DEFAULT_WEIGHTS, "deficit_coverage": 22.3}
    mentee = teacher("e", 1, profile={"ict_digital": 1.0, "methodological": 1.0})
    mentor = teacher("t", 3, profile={"ict_digital": 1.0, "methodological": 0.5})
    [a] = match([mentee], [mentor], MatchingRules(weights=weights, min_experience_gap=0, scope="region")).assignments
    assert round(sum(a.breakdown.values()), 2) == a.score
    rng = random.Random(14)
    for _ in range(300):
        weights = {name: round(rng.uniform(0, 50), 1) for name in CRITERIA}
        e = teacher("e", rng.randint(0, 3), profile={"ict_digital": rng.random(), "methodological": rng.random()})
        t = teacher("t", rng.randint(5, 30), profile={"ict_digital": rng.random(), "methodological": rng.random()})
        ranks = {("e", "t"): rng.randint(1, 7)}  # 1/3, 1/7: a second part with digits beyond the hundredth
        for a in match([e], [t], MatchingRules(weights=weights, require_coverage=False), preferences=ranks).assignments:
            assert round(sum(a.breakdown.values()), 2) == a.score


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="Наставляемый e указан дважды"):
        match([teacher("e", 1), teacher("e", 2)], [teacher("t", 12)], MatchingRules())
    with pytest.raises(ValueError, match="Наставник t указан дважды"):
        match([teacher("e", 1)], [teacher("t", 12), teacher("t", 12)], MatchingRules())


# -- criteria of the seeds (issue 14) ----------------------------------------------------------


def test_young_specialists_and_newcomers_come_first_when_places_are_short() -> None:
    regular = teacher("regular", 1)
    young = teacher("young", 1, priority=True)
    mentor = teacher("t", 10)
    asked = {("regular", "t"): 1}  # the regular teacher asked for this mentor (5 points)
    result = match([regular, young], [mentor], MatchingRules(), preferences=asked)
    [a] = result.assignments
    assert a.mentee_id == "young" and a.breakdown["priority"] == 10.0
    assert reason(result, "regular") == "taken"
    plain = {**DEFAULT_WEIGHTS, "priority": 0.0}
    assert pairs(match([regular, young], [mentor], MatchingRules(weights=plain), preferences=asked)) == {("t", "regular")}


def test_no_pair_below_the_minimum_score_is_proposed() -> None:
    mentee = teacher("e", 1, school="s1")
    stranger = teacher("t", 4, school="s2")  # another school, no subject, a small gap: 9 points
    rules = dict(scope="municipality", weights={**DEFAULT_WEIGHTS, "experience_gap": 0.0})
    result = match([mentee], [stranger], MatchingRules(**rules))  # 0 points: not proposed
    assert result.assignments == [] and reason(result, "e") == "low_score"
    assert pairs(match([mentee], [stranger], MatchingRules(**rules, min_score=0))) == {("t", "e")}
    assert match([mentee], [stranger], MatchingRules(scope="municipality", min_score=10)).assignments == []
    assert pairs(match([mentee], [stranger], MatchingRules(scope="municipality", min_score=9))) == {("t", "e")}


def test_experience_prefers_a_sensible_gap_over_seniority() -> None:
    mentee = teacher("e", 2)
    fit = {y: match([mentee], [teacher("t", y)], MatchingRules(min_experience_gap=0)).assignments[0].breakdown["experience_gap"] for y in (4, 7, 12, 17, 27, 40)}
    assert fit == {4: 6.0, 7: 15.0, 12: 15.0, 17: 15.0, 27: 7.5, 40: 3.75}
    assert pairs(match([mentee], [teacher("veteran", 40), teacher("close", 12)], MatchingRules())) == {("close", "e")}


def test_stable_matching_reports_what_it_costs() -> None:
    # a–x 70, a–y 40, b–x 60 (b of another school; b–y excluded). The optimum a–y, b–x (100)
    # has a and x who would both rather be together; the stable matching keeps a–x (70) alone
    w = dict.fromkeys(CRITERIA, 0.0) | {"preference": 60.0, "same_school": 10.0}
    a, b = teacher("a", 1), teacher("b", 1, school="s2")
    x, y = teacher("x", 12), teacher("y", 12)
    prefs = {("a", "x"): 1, ("a", "y"): 2, ("b", "x"): 1}
    rules = dict(weights=w, scope="municipality")
    best = match([a, b], [x, y], MatchingRules(**rules), [("y", "b")], prefs)
    assert pairs(best) == {("x", "b"), ("y", "a")} and best.total_score == 100.0 and best.stability_cost is None
    stable = match([a, b], [x, y], MatchingRules(**rules, stable=True), [("y", "b")], prefs)
    assert pairs(stable) == {("x", "a")} and reason(stable, "b") == "taken"
    assert stable.total_score == 70.0 and stable.optimum_score == 100.0 and stable.optimum_matched == 2
    assert stable.stability_cost == 30.0


def test_subjects_relate_through_the_region_s_vocabulary() -> None:
    vocabulary = {"Алгебра": "математика", "геометрия": "Математика", "матем.": "математика", "физика": "естествознание"}
    mentee = teacher("e", 1, subjects=("алгебра",))
    rules = MatchingRules(require_coverage=False)

    def shared(*subjects: str, words: dict | None = vocabulary) -> float:
        [a] = match([mentee], [teacher("t", 10, subjects=subjects)], rules, vocabulary=words).assignments
        return a.breakdown["same_subject"]

    assert shared("Математика") == shared("геометрия") == shared("  МАТЕМ. ") == 15.0
    assert shared("физика") == 0.0
    assert shared("геометрия", words=None) == 0.0  # without the vocabulary: exact names only
    looped = {"а": "б", "б": "а"}  # a cycle ends where it started
    assert subject_terms("а", looped) == {"а", "б"}


def test_load_is_balanced_across_mentors_when_scores_tie() -> None:
    mentees = [teacher(f"e{i}", 1) for i in range(4)]
    mentors = [teacher("a", 12, capacity=4), teacher("b", 12, capacity=4, load=1)]
    result = match(mentees, mentors, MatchingRules())
    loads = {m: sum(a.mentor_id == m for a in result.assignments) for m in ("a", "b")}
    assert loads == {"a": 3, "b": 1} or loads == {"a": 2, "b": 2}  # b already has one mentee
    assert abs((loads["a"]) - (loads["b"] + 1)) <= 1 and result.total_score == 4 * result.assignments[0].score
    # a better score is never given up for balance
    star = teacher("star", 12, subjects=("химия",), capacity=4)
    chem = [teacher(f"c{i}", 1, subjects=("химия",)) for i in range(3)]
    assert {a.mentor_id for a in match(chem, [star, teacher("b", 12, capacity=4)], MatchingRules()).assignments} == {"star"}


def test_pupils_are_matched_on_their_professional_interests() -> None:
    # a pupil drawn to «человек – природа» and «знаковая система» (Климов's ДДО, 0..8 per type)
    kid = pupil("kid", 9, interests=interest_levels({"nature": 8, "sign_system": 4, "human": 0}))
    biologist = Participant("bio", "teacher", "s1", "m1", subjects=("биология",), interests=offered_types("teacher", ["биология"]))
    historian = Participant("hist", "teacher", "s1", "m1", subjects=("история",), interests=offered_types("teacher", ["история"]))
    result = match([kid], [historian, biologist], MatchingRules(form="teacher_pupil"))
    [a] = result.assignments
    assert a.mentor_id == "bio" and a.breakdown["interests"] == 6.67  # 8 of the 12 interest points shown × 10
    assert offered_types("employer", ["Инженер-конструктор"]) == {"technology": 1.0}
    assert offered_types("student", []) == {"human": 1.0}
    assert interest_levels({"nature": 8, "other": 3}) == {"nature": 1.0}


def test_mentors_are_heard_too() -> None:
    e1, e2 = teacher("e1", 1), teacher("e2", 1)
    mentor = teacher("t", 12)
    wished = {("e2", "t"): 1}  # the mentor asked for e2
    [a] = match([e1, e2], [mentor], MatchingRules(), mentor_preferences=wished).assignments
    assert a.mentee_id == "e2" and a.breakdown["mentor_preference"] == 5.0
    both = match([e1, e2], [mentor], MatchingRules(), preferences={("e1", "t"): 1}, mentor_preferences={("e2", "t"): 2})
    assert [a.mentee_id for a in both.assignments] == ["e1"]  # the mentee's first choice (5) beats the mentor's second (2.5)


# -- forms with pupils: what pupils have (grade, class direction, professional choice) ----------


def test_a_pupil_s_grade_fits_the_mentor_s_school_level() -> None:
    primary = Participant("prim", "teacher", "s1", "m1", subjects=("Начальные классы",))
    subject = Participant("math", "teacher", "s1", "m1", subjects=("математика",))
    only = dict.fromkeys(CRITERIA, 0.0) | {"grade_fit": 10.0}
    little, senior = pupil("little", 3), pupil("senior", 10)
    assert pairs(match([little], [primary, subject], MatchingRules(form="teacher_pupil", weights=only))) == {("prim", "little")}
    assert pairs(match([senior], [primary, subject], MatchingRules(form="teacher_pupil", weights=only))) == {("math", "senior")}
    student = Participant("st", "student", "s1", "m1")
    scores = {g: match([pupil("p", g)], [student], MatchingRules(form="student_pupil", weights=only, min_score=0)).assignments[0].score
              for g in (5, 7, 9, 11)}
    assert scores == {5: 0.0, 7: 5.0, 9: 10.0, 11: 10.0}  # a student fits the senior grades
    employer = Participant("w", "employer", "s1", "m1")
    [a] = match([pupil("p", 8)], [employer], MatchingRules(form="employer_pupil", weights=only)).assignments
    assert a.breakdown["grade_fit"] == 10.0


def test_the_class_direction_meets_the_mentor_s_subjects_through_the_vocabulary() -> None:
    kid = pupil("kid", 10, class_direction=("Физико-математический профиль",))
    vocabulary = {"физико-математический профиль": "математика", "алгебра": "математика"}
    algebra = Participant("alg", "teacher", "s1", "m1", subjects=("алгебра",))
    history = Participant("hist", "teacher", "s1", "m1", subjects=("история",))
    result = match([kid], [history, algebra], MatchingRules(form="teacher_pupil"), vocabulary=vocabulary)
    [a] = result.assignments
    assert a.mentor_id == "alg" and a.breakdown["class_direction"] == 10.0
    plain = match([kid], [algebra], MatchingRules(form="teacher_pupil"))  # no vocabulary: unrelated names
    assert plain.assignments[0].breakdown["class_direction"] == 0.0


def test_the_pupil_s_professional_choice_meets_the_mentor_s_field() -> None:
    assert field_of_work("teacher", []) == "school_teacher"
    assert field_of_work("student", ["история"], "Хабаровский педагогический колледж") == "pedagogical"
    assert field_of_work("student", [], "ТОГУ") == field_of_work("employer", ["инженер"], "Завод") == "other"
    assert field_of_work("pupil", []) is None
    future_teacher = pupil("ped", 10, choice="pedagogical")
    engineer_to_be = pupil("eng", 10, choice="other")
    ped = Participant("ped-st", "student", "s1", "m1", field_of_work="pedagogical")
    tech = Participant("tech-st", "student", "s1", "m1", field_of_work="other")
    only = dict.fromkeys(CRITERIA, 0.0) | {"chosen_field": 10.0}
    result = match([future_teacher, engineer_to_be], [ped, tech], MatchingRules(form="student_pupil", weights=only))
    assert pairs(result) == {("ped-st", "ped"), ("tech-st", "eng")}
    undecided = match([pupil("u", 9, choice="undecided")], [tech], MatchingRules(form="student_pupil", weights=only))
    assert undecided.assignments[0].breakdown["chosen_field"] == 5.0


def test_pupil_forms_no_longer_leave_most_points_structurally_zero() -> None:
    kid = pupil("kid", 10, class_direction=("химия",), choice="other", interests={"nature": 1.0})
    chemist = Participant("chem", "employer", "s1", "m1", subjects=("химия",), field_of_work="other",
                          interests=offered_types("employer", ["химия"]))
    [a] = match([kid], [chemist], MatchingRules(form="employer_pupil")).assignments
    assert {k for k, v in a.breakdown.items() if v} == {"same_school", "interests", "grade_fit", "class_direction", "chosen_field"}
    assert a.score == 50.0


def test_a_mentor_s_refusal_and_grade_limits_are_hard() -> None:
    e1, e2 = teacher("e1", 1), teacher("e2", 1)
    mentor = teacher("t", 12, capacity=2)
    result = match([e1, e2], [mentor], MatchingRules(), refusals=[("t", "e1")])
    assert pairs(result) == {("t", "e2")} and reason(result, "e1") == "refused"
    other = teacher("o", 12)
    both = match([e1], [mentor, other], MatchingRules(), refusals=[("t", "e1")])
    assert pairs(both) == {("o", "e1")}  # another mentor still takes them
    limited = Participant("lim", "teacher", "s1", "m1", capacity=3, grade_limits=(5, 9))
    result = match([pupil("p3", 3), pupil("p7", 7), pupil("p11", 11)], [limited], MatchingRules(form="teacher_pupil"))
    assert pairs(result) == {("lim", "p7")} and reason(result, "p3") == reason(result, "p11") == "refused"
    excluded = match([e1], [mentor], MatchingRules(), exclusions=[("t", "e1")], refusals=[("t", "e1")])
    assert reason(excluded, "e1") == "excluded"  # the curator's exclusion is the first cause
