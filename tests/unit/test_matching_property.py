"""The matcher against an independent model: hard rules and scores recomputed in plain Python
(sets, no bit masks, no numpy), the optimum by networkx's network simplex (not OR-Tools), on
random instances of every form, with more than 64 subjects, a vocabulary of related subjects,
ties and zero weights, the minimum score, priorities, what pupils have (grade, class direction,
professional choice), mentors' refusals and grade limits, and the stable option."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from services.pairing.domain import (
    AREAS,
    CRITERIA,
    FORM_CATEGORIES,
    HOW_FORMS,
    SCOPES,
    TYPES,
    MatchingRules,
    Participant,
    match,
)

SUBJECTS = [f"предмет {i}" for i in range(90)]  # more than 64 names in one programme
LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)  # exact in float32: the model and the matcher agree to the hundredth
PEOPLE_OF = {"teacher": "t", "pupil": "p", "student": "s", "employer": "w"}


def person(rng: random.Random, pid: str, category: str) -> Participant:
    municipality = rng.choice(["m1", "m2"])
    school = f"{municipality}-s{rng.randint(1, 2)}"  # a school lies in one municipality
    return Participant(
        pid,
        category,
        school,
        municipality,
        subjects=tuple(rng.sample(SUBJECTS, rng.randint(0, 30))) + (("начальные классы",) if rng.random() < 0.2 else ()),
        experience_years=rng.choice([None, *range(0, 30)]) if category == "teacher" else None,
        grade=rng.randint(1, 11) if category == "pupil" else None,
        profile={area: rng.choice(LEVELS) for area in rng.sample(AREAS, rng.randint(0, 4))},
        capacity=rng.randint(0, 3),
        load=rng.choice([0, 0, 1]),
        priority=rng.random() < 0.3,
        interests={kind: rng.choice(LEVELS) for kind in rng.sample(TYPES, rng.randint(0, 3))},
        class_direction=tuple(rng.sample(SUBJECTS, rng.randint(0, 2))) if category == "pupil" else (),
        choice=rng.choice([None, "pedagogical", "other", "undecided"]) if category == "pupil" else None,
        field_of_work=rng.choice([None, "school_teacher", "pedagogical", "other"]),
        grade_limits=rng.choice([None, None, (1, 4), (5, 9), (0, 8), (9, 0)]),
    )


def instance(seed: int):
    rng = random.Random(seed)
    form = rng.choice(sorted(FORM_CATEGORIES))
    mentor_category, mentee_category = FORM_CATEGORIES[form]
    weights = {name: rng.choice([0.0, 0.0, 7.5, 10.0, 22.3, 40.0]) for name in CRITERIA}
    rules = MatchingRules(
        form=form,
        how=rng.choice(sorted(HOW_FORMS)),
        scope=rng.choice(sorted(SCOPES)),
        objective=rng.choice(["max_matched", "best_score"]),
        weights=weights,
        min_experience_gap=rng.randint(0, 5),
        require_coverage=rng.random() < 0.5,
        min_score=rng.choice([0.0, 1.0, 1.0, 25.0]),
        stable=rng.random() < 0.25,
    )
    categories = sorted(PEOPLE_OF)
    mentees = [person(rng, f"e{i}", mentee_category if rng.random() < 0.85 else rng.choice(categories)) for i in range(rng.randint(1, 10))]
    mentors = [person(rng, f"m{j}", mentor_category if rng.random() < 0.85 else rng.choice(categories)) for j in range(rng.randint(1, 6))]
    if rng.random() < 0.3 and mentees:  # someone enrolled on both sides
        mentors.append(Participant(**{**mentees[0].__dict__, "capacity": 1, "load": 0}))
    exclusions = [(t.participant_id, e.participant_id) for e in mentees for t in mentors if rng.random() < 0.1]
    preferences = {}
    for e in mentees:
        for rank, t in enumerate(rng.sample(mentors, min(len(mentors), rng.randint(0, 3))), start=1):
            preferences[(e.participant_id, t.participant_id)] = rank
    # the region's vocabulary: some names belong to a broader subject (chains of two too)
    vocabulary = {name: f"область {rng.randint(0, 5)}" for name in rng.sample(SUBJECTS, rng.choice([0, 10, 40]))}
    vocabulary |= {f"область {k}": "всё" for k in range(2) if rng.random() < 0.3}
    wished = {}
    for t in mentors:
        for rank, e in enumerate(rng.sample(mentees, min(len(mentees), rng.randint(0, 3))), start=1):
            wished[(e.participant_id, t.participant_id)] = rank
    refusals = [(t.participant_id, e.participant_id) for e in mentees for t in mentors if rng.random() < 0.1]
    return mentees, mentors, rules, exclusions, preferences, vocabulary, wished, refusals


# -- the model ------------------------------------------------------------------------------------


def admissible(e: Participant, t: Participant, rules: MatchingRules, excluded: set, refused: set) -> bool:
    mentor_category, mentee_category = FORM_CATEGORIES[rules.form]
    if t.category != mentor_category or e.category != mentee_category or e.participant_id == t.participant_id:
        return False
    municipality = lambda p: p.municipality_id or f"school:{p.school_id}"  # noqa: E731
    region_wide = rules.scope == "region" or (rules.how == "virtual" and rules.form != "pupil_pupil")
    if not region_wide and municipality(e) != municipality(t):
        return False
    if rules.form == "pupil_pupil" and not (t.school_id == e.school_id and (t.grade or 0) > (e.grade or 0)):
        return False
    if mentor_category == mentee_category == "teacher":
        if t.experience_years is None or e.experience_years is None:
            return False
        gap = t.experience_years - e.experience_years
        if (rules.how == "reverse" and gap >= 0) or (rules.how != "reverse" and gap < rules.min_experience_gap):
            return False
    if rules.form != "pupil_pupil" and rules.scope == "school" and rules.how != "virtual":
        partner = t.category in ("student", "employer") and municipality(t) == municipality(e)
        if t.school_id != e.school_id and not partner:
            return False
    if (t.participant_id, e.participant_id) in excluded:
        return False
    if (t.participant_id, e.participant_id) in refused:  # the mentor's own «not this mentee»
        return False
    if e.category == "pupil" and t.grade_limits:  # the mentor's own grades from..to (0: open)
        low, high = t.grade_limits
        if (low and (e.grade or 0) < low) or (high and (e.grade or 0) > high):
            return False
    lacking = {a for a, v in e.profile.items() if v >= 0.5}
    strong = {a for a, v in t.profile.items() if v >= 0.5}
    if rules.how == "situational" and lacking:
        top = max(AREAS, key=lambda a: (e.profile.get(a, 0.0), -AREAS.index(a)))
        if top not in strong:
            return False
    elif rules.how != "situational" and rules.require_coverage and lacking and not lacking & strong:
        return False
    return rules.how == "flash" or t.capacity - t.load > 0


def terms(subjects: tuple[str, ...], vocabulary: dict[str, str]) -> set[str]:
    found = set()
    for name in subjects:
        while name not in found:
            found.add(name)
            name = vocabulary.get(name, name)
    return found


def criteria(e: Participant, t: Participant, rules: MatchingRules, rank: int | None, vocabulary: dict, wish: int | None) -> dict[str, float]:
    total = sum(e.profile.values())
    shown = sum(v * t.interests.get(kind, 0.0) for kind, v in e.interests.items())
    covered = sum(v * t.profile.get(a, 0.0) for a, v in e.profile.items())
    if rules.form == "pupil_pupil":
        experience = fit((t.grade or 0) - (e.grade or 0), 2, 4, 0.25)
    elif rules.how == "reverse" or t.experience_years is None or e.experience_years is None:
        experience = 0.0
    else:
        experience = fit(t.experience_years - e.experience_years, 5, 15, 0.05)
    return {
        "deficit_coverage": covered / total if total else 0.0,
        "same_subject": float(bool(terms(e.subjects, vocabulary) & terms(t.subjects, vocabulary))),
        "experience_gap": experience,
        "same_school": float(e.school_id == t.school_id),
        "preference": 1 / rank if rank else 0.0,
        "priority": float(e.priority),
        "interests": shown / wanted if (wanted := sum(e.interests.values())) else 0.0,
        "mentor_preference": 1 / wish if wish else 0.0,
        **pupil_criteria(e, t, rules, vocabulary),
    }


def pupil_criteria(e: Participant, t: Participant, rules: MatchingRules, vocabulary: dict) -> dict[str, float]:
    """Forms where a teacher, a student or an employer mentors a pupil: what the pupil has."""
    mentor_category, mentee_category = FORM_CATEGORIES[rules.form]
    if mentee_category != "pupil" or mentor_category == "pupil":
        return {"grade_fit": 0.0, "class_direction": 0.0, "chosen_field": 0.0}
    g = e.grade or 0
    if g == 0:
        grade_fit = 0.0
    elif t.category == "teacher" and any("начальн" in name for name in t.subjects):
        grade_fit = 1.0 if g <= 4 else 0.0
    elif t.category == "teacher":
        grade_fit = 1.0 if g >= 5 else 0.5
    elif t.category == "student":
        grade_fit = 1.0 if g >= 9 else 0.5 if g >= 7 else 0.0
    else:  # employer
        grade_fit = 1.0 if g >= 8 else 0.5 if g >= 5 else 0.0
    fit_of = {
        ("pedagogical", "school_teacher"): 1.0,
        ("pedagogical", "pedagogical"): 1.0,
        ("other", "other"): 1.0,
        ("undecided", "pedagogical"): 0.5,
        ("undecided", "other"): 0.5,
    }
    return {
        "grade_fit": grade_fit,
        "class_direction": float(bool(terms(e.class_direction, vocabulary) & terms(t.subjects, vocabulary))),
        "chosen_field": fit_of.get((e.choice, t.field_of_work), 0.0),
    }


def fit(gap: float, low: float, high: float, fade: float) -> float:
    """Full points for a gap in [low, high], rising before, fading after, never below 0.25."""
    if gap <= high:
        return min(max(gap / low, 0.0), 1.0)
    return max(1 - fade * (gap - high), 0.25)


def hundredths(parts: dict[str, float], rules: MatchingRules) -> int:
    return sum(int(v * rules.weights[name] * 100 + 0.5) for name, v in parts.items())


def optimum(mentees, mentors, rules, scores: dict) -> tuple[int, int]:
    """(matched, total hundredths) of the best assignment: networkx network simplex on
    source → mentor (capacity) → mentee → sink; max_matched = the maximum flow of least cost."""
    graph = nx.DiGraph()
    n = len(mentees)
    for t in mentors:
        places = n if rules.how == "flash" else max(t.capacity - t.load, 0)
        graph.add_edge("source", ("m", t.participant_id), capacity=places, weight=0)
    for e in mentees:
        graph.add_edge(("e", e.participant_id), "sink", capacity=1, weight=0)
    for (t, e), s in scores.items():
        # best_score: a pair counts by its score, and one more pair breaks a tie of scores
        graph.add_edge(("m", t), ("e", e), capacity=1, weight=-(s if rules.objective == "max_matched" else s * (n + 1) + 1))
    if rules.objective == "max_matched":
        flow = nx.max_flow_min_cost(graph, "source", "sink") if scores else {}
    else:
        graph.add_edge("source", "sink", capacity=n, weight=0)
        graph.nodes["source"]["demand"], graph.nodes["sink"]["demand"] = -n, n
        flow = nx.min_cost_flow(graph)
    chosen = [(t, e) for (t, e) in scores if flow.get(("m", t), {}).get(("e", e), 0) > 0]
    return len(chosen), sum(scores[p] for p in chosen)


@pytest.mark.parametrize("seed", range(150))
def test_the_matcher_equals_the_independent_model(seed: int) -> None:
    mentees, mentors, rules, exclusions, preferences, vocabulary, wished, refusals = instance(seed)
    excluded, refused = set(exclusions), set(refusals)
    scores = {
        (t.participant_id, e.participant_id): hundredths(criteria(e, t, rules, preferences.get((e.participant_id, t.participant_id)), vocabulary, wished.get((e.participant_id, t.participant_id))), rules)
        for e in mentees
        for t in mentors
        if admissible(e, t, rules, excluded, refused)
    }
    scores = {pair: s for pair, s in scores.items() if s >= round(rules.min_score * 100)}  # no pair below the minimum
    result = match(mentees, mentors, rules, exclusions, preferences, vocabulary, wished, refusals)
    for a in result.assignments:
        assert (a.mentor_id, a.mentee_id) in scores, f"{a} breaks a hard rule"
        assert abs(round(a.score * 100) - scores[(a.mentor_id, a.mentee_id)]) <= 1, a  # one hundredth of float32
        assert round(sum(a.breakdown.values()), 2) == a.score
    matched = {a.mentee_id for a in result.assignments}
    assert len(matched) == len(result.assignments)
    assert matched | {u.mentee_id for u in result.unmatched} == {e.participant_id for e in mentees}
    assert not matched & {u.mentee_id for u in result.unmatched}
    if rules.how != "flash":
        load = {t.participant_id: 0 for t in mentors}
        for a in result.assignments:
            load[a.mentor_id] += 1
        assert all(load[t.participant_id] <= max(t.capacity - t.load, 0) for t in mentors)
    count, total = optimum(mentees, mentors, rules, scores)
    if rules.stable:  # no blocking pair; the optimum it gave up is reported
        assert_stable(result, mentors, rules, scores)
        assert (result.optimum_matched, round(result.optimum_score * 100)) == (count, pytest.approx(total, abs=count))
        assert result.stability_cost >= -0.01 * count
        return
    assert result.optimum_score is None
    assert len(result.assignments) == count
    assert abs(round(result.total_score * 100) - total) <= len(result.assignments)


def assert_stable(result, mentors, rules, scores: dict) -> None:
    partner = {a.mentee_id: scores[(a.mentor_id, a.mentee_id)] for a in result.assignments}
    taken: dict[str, list[int]] = {}
    for a in result.assignments:
        taken.setdefault(a.mentor_id, []).append(scores[(a.mentor_id, a.mentee_id)])
    places = {t.participant_id: (10**9 if rules.how == "flash" else max(t.capacity - t.load, 0)) for t in mentors}
    for (t, e), s in scores.items():
        mentee_would = e not in partner or s > partner[e]
        own = taken.get(t, [])
        mentor_would = len(own) < places[t] or s > min(own)
        assert not (mentee_would and mentor_would), f"{t} and {e} would both rather be together"
