"""Matching benchmark: the whole-cohort optimum for a generated region.

Generates a region (municipalities of schools; young teachers as mentees, experienced ones as
mentors with capacities 1..12; deficit and strength profiles over the eight areas; subjects),
then times the real matcher of services/pairing/domain.py: the whole match() from participant
objects (encoding, hard rules of учитель – учитель, scope = municipality, deficit coverage,
scores with the explanation, exact optimum), and inside it vectorised candidate generation and
scoring and the exact optimum (OR-Tools min-cost flow). Beside it: a raw OR-Tools solve of the
same graph (the solver alone, graph built outside the timing) and the greedy baseline's score.
Each run is a fresh process (peak memory = its max RSS); medians over the runs.

    .venv/bin/python bench/matching.py                   # 30,000 mentees, 3,000 mentors, 3 runs
    .venv/bin/python bench/matching.py --mentees 3000 --mentors 300 --runs 1   # a quick look
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def generate(n_mentees: int, n_mentors: int, per_mentee: int, max_capacity: int, seed: int):
    import numpy as np

    from services.pairing.domain import AREAS, Cohort

    rng = np.random.default_rng(seed)
    municipalities = max(1, n_mentors // per_mentee)  # every mentor of a municipality is a candidate
    schools_per_municipality = 20

    def cohort(n: int, offset: int, young: bool) -> Cohort:
        municipality = rng.integers(0, municipalities, n)
        school = municipality * schools_per_municipality + rng.integers(0, schools_per_municipality, n)
        experience = rng.integers(0, 4, n) if young else rng.integers(8, 35, n)
        if young:  # deficits: 1–3 strong areas, the rest low
            profile = rng.random((n, len(AREAS))) * 0.4
            strong = rng.random((n, len(AREAS))) < 0.25
            profile[strong] = 0.5 + 0.5 * rng.random(strong.sum())
        else:  # strengths (1 − the mentor's own deficit)
            profile = 0.3 + 0.7 * rng.random((n, len(AREAS)))
        subjects = (np.uint64(1) << rng.integers(0, 12, n).astype(np.uint64)).astype(np.uint64)[:, None]  # one word
        return Cohort(
            ids=[f"p{offset + i}" for i in range(n)],
            person=np.arange(offset, offset + n, dtype=np.int64),
            category=np.zeros(n, dtype=np.int8),
            school=school.astype(np.int64),
            municipality=municipality.astype(np.int64),
            subjects=subjects,
            experience=experience.astype(np.float32),
            grade=np.zeros(n, dtype=np.int16),
            profile=profile.astype(np.float32),
            capacity=rng.integers(1, max_capacity + 1, n).astype(np.int64),
        )

    mentees = cohort(n_mentees, 0, True)
    mentors = cohort(n_mentors, n_mentees, False)
    # stated preferences: each mentee ranks three mentors of its municipality
    prefs = {}
    by_municipality = {int(k): np.flatnonzero(mentors.municipality == k) for k in np.unique(mentors.municipality)}
    for e in range(0, n_mentees, 3):
        pool = by_municipality.get(int(mentees.municipality[e]))
        if pool is not None and len(pool):
            for rank, j in enumerate(rng.choice(pool, size=min(3, len(pool)), replace=False), start=1):
                prefs[(e, int(j))] = rank
    return mentees, mentors, prefs


def participants(cohort, subjects: list[str]):
    """The generated cohort as the service hands it to match(): participant objects."""
    from services.pairing.domain import AREAS, Participant

    people = []
    for row, pid in enumerate(cohort.ids):
        bits = int(cohort.subjects[row, 0])
        people.append(
            Participant(
                pid,
                "teacher",
                f"s{cohort.school[row]}",
                f"m{cohort.municipality[row]}",
                subjects=tuple(name for i, name in enumerate(subjects) if bits >> i & 1),
                experience_years=int(cohort.experience[row]),
                profile={area: float(v) for area, v in zip(AREAS, cohort.profile[row], strict=True)},
                capacity=int(cohort.capacity[row]),
            )
        )
    return people


def raw_solve(n_mentees: int, n_mentors: int, mentee, mentor, weight, capacity) -> float:
    """Seconds of OR-Tools alone on the matcher's graph (built beforehand, outside the timing)."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = n_mentors + n_mentees, n_mentors + n_mentees + 1
    tails = np.concatenate([np.full(n_mentors, source), mentor, n_mentors + np.arange(n_mentees), [source]])
    heads = np.concatenate([np.arange(n_mentors), n_mentors + mentee, np.full(n_mentees, sink), [sink]])
    caps = np.concatenate([capacity, np.ones(len(mentee), dtype=np.int64), np.ones(n_mentees + 1, dtype=np.int64)])
    caps[-1] = n_mentees
    costs = np.concatenate([np.zeros(n_mentors, dtype=np.int64), -weight, np.zeros(n_mentees + 1, dtype=np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    t0 = time.perf_counter()
    assert flow.solve() == flow.OPTIMAL
    return time.perf_counter() - t0


def one_run(args: argparse.Namespace, seed: int, queue) -> None:
    import numpy as np

    from services.pairing.domain import (
        MatchingRules,
        arc_weights,
        candidate_pairs,
        greedy_assignment,
        match,
        optimal_assignment,
    )

    mentees, mentors, prefs = generate(args.mentees, args.mentors, args.per_mentee, args.max_capacity, seed)
    rules = MatchingRules(scope="municipality", objective=args.objective)
    subjects = [f"предмет {i}" for i in range(12)]
    people_e, people_m = participants(mentees, subjects), participants(mentors, subjects)
    by_id = {(mentees.ids[e], mentors.ids[j]): rank for (e, j), rank in prefs.items()}
    tm = time.perf_counter()
    whole = match(people_e, people_m, rules, preferences=by_id)
    match_s = time.perf_counter() - tm
    del people_e, people_m
    t0 = time.perf_counter()
    found = candidate_pairs(mentees, mentors, rules, preferences=prefs)
    t1 = time.perf_counter()
    weights = arc_weights(found.score, len(mentees), rules.objective)
    chosen = optimal_assignment(len(mentees), len(mentors), found.mentee, found.mentor, weights, mentors.capacity)
    t2 = time.perf_counter()
    greedy = greedy_assignment(len(mentees), found.mentee, found.mentor, found.score, mentors.capacity)
    raw_s = raw_solve(len(mentees), len(mentors), found.mentee, found.mentor, weights, np.minimum(mentors.capacity, len(mentees)))
    assert len(whole.assignments) == len(chosen) and round(whole.total_score * 100) == int(found.score[chosen].sum())
    assert len(np.unique(found.mentee[chosen])) == len(chosen)
    assert (np.bincount(found.mentor[chosen], minlength=len(mentors)) <= mentors.capacity).all()
    queue.put(
        {
            "candidates": len(found),
            "places": int(mentors.capacity.sum()),
            "generate_s": t1 - t0,
            "solve_s": t2 - t1,
            "total_s": t2 - t0,
            "match_s": match_s,
            "raw_s": raw_s,
            "matched": len(chosen),
            "score": int(found.score[chosen].sum()) / 100,
            "greedy_matched": len(greedy),
            "greedy_score": int(found.score[greedy].sum()) / 100,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentees", type=int, default=30_000)
    parser.add_argument("--mentors", type=int, default=3_000)
    parser.add_argument("--per-mentee", type=int, default=56, help="mentors per municipality: in scope for each mentee (≈50 after the hard rules)")
    parser.add_argument("--max-capacity", type=int, default=12)
    parser.add_argument("--objective", choices=["max_matched", "best_score"], default="max_matched")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    results = []
    for run in range(args.runs):
        queue = context.Queue()
        process = context.Process(target=one_run, args=(args, run, queue))
        process.start()
        results.append(queue.get())
        process.join()
        r = results[-1]
        print(
            f"run {run + 1}: {r['candidates']:,} candidate pairs; generate+score {r['generate_s']:.2f} s, "
            f"optimum {r['solve_s']:.2f} s, total {r['total_s']:.2f} s; match() from participants {r['match_s']:.2f} s; "
            f"raw OR-Tools solve {r['raw_s']:.2f} s; peak {r['peak_mib']:.0f} MiB; "
            f"matched {r['matched']:,} score {r['score']:,.0f}; greedy matched {r['greedy_matched']:,} score {r['greedy_score']:,.0f}"
        )

    def med(key: str) -> float:
        return statistics.median(r[key] for r in results)

    print()
    print(f"conditions: {args.mentees:,} mentees, {args.mentors:,} mentors (capacity 1..{args.max_capacity}, "
          f"{med('places'):,.0f} places), {args.per_mentee} mentors in scope per mentee, objective {args.objective}; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {args.runs} runs (fresh process each)")
    print(f"median candidate pairs      {med('candidates'):,.0f}")
    print(f"median generate + score     {med('generate_s'):.2f} s")
    print(f"median optimum (min-cost flow) {med('solve_s'):.2f} s")
    print(f"median total                {med('total_s'):.2f} s")
    print(f"median match() from participants {med('match_s'):.2f} s   (target ≤ 5 s)")
    print(f"median raw OR-Tools solve   {med('raw_s'):.2f} s   (the solver alone on the same graph)")
    ratio = {key: statistics.median(r[key] / r["raw_s"] for r in results) for key in ("total_s", "match_s")}
    print(f"ratio to the raw solve      generate+score+solve {ratio['total_s']:.2f}× · whole match() {ratio['match_s']:.2f}× "
          f"(median of the runs' ratios: each run's own solver time, the load of the moment shared)")
    print(f"median peak memory          {med('peak_mib'):.0f} MiB (target < 2048 MiB)")
    print(f"median matched              optimum {med('matched'):,.0f} · greedy {med('greedy_matched'):,.0f}")
    print(f"median total score          optimum {med('score'):,.0f} · greedy {med('greedy_score'):,.0f} "
          f"(+{100 * (med('score') / max(med('greedy_score'), 1) - 1):.2f} %)")


if __name__ == "__main__":
    main()
