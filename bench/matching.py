"""Matching benchmark: the whole-cohort optimum for a generated region.

Generates a region (municipalities of schools; young teachers as mentees, experienced ones as
mentors with capacities 1..12; deficit and strength profiles over the eight areas; subjects),
then times the real matcher of services/pairing/domain.py: vectorised candidate generation
and scoring (hard rules of учитель – учитель, scope = municipality, deficit coverage), and the
exact optimum (OR-Tools min-cost flow). Beside it, the greedy baseline's total score.
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
        subjects = (np.uint64(1) << rng.integers(0, 12, n).astype(np.uint64)).astype(np.uint64)
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


def one_run(args: argparse.Namespace, seed: int, queue) -> None:
    import numpy as np

    from services.pairing.domain import (
        MatchingRules,
        arc_weights,
        candidate_pairs,
        greedy_assignment,
        optimal_assignment,
    )

    mentees, mentors, prefs = generate(args.mentees, args.mentors, args.per_mentee, args.max_capacity, seed)
    rules = MatchingRules(scope="municipality", objective=args.objective)
    t0 = time.perf_counter()
    found = candidate_pairs(mentees, mentors, rules, preferences=prefs)
    t1 = time.perf_counter()
    weights = arc_weights(found.score, len(mentees), rules.objective)
    chosen = optimal_assignment(len(mentees), len(mentors), found.mentee, found.mentor, weights, mentors.capacity)
    t2 = time.perf_counter()
    greedy = greedy_assignment(len(mentees), found.mentee, found.mentor, found.score, mentors.capacity)
    assert len(np.unique(found.mentee[chosen])) == len(chosen)
    assert (np.bincount(found.mentor[chosen], minlength=len(mentors)) <= mentors.capacity).all()
    queue.put(
        {
            "candidates": len(found),
            "places": int(mentors.capacity.sum()),
            "generate_s": t1 - t0,
            "solve_s": t2 - t1,
            "total_s": t2 - t0,
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
            f"optimum {r['solve_s']:.2f} s, total {r['total_s']:.2f} s; peak {r['peak_mib']:.0f} MiB; "
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
    print(f"median total                {med('total_s'):.2f} s   (target ≤ 5 s)")
    print(f"median peak memory          {med('peak_mib'):.0f} MiB (target < 2048 MiB)")
    print(f"median matched              optimum {med('matched'):,.0f} · greedy {med('greedy_matched'):,.0f}")
    print(f"median total score          optimum {med('score'):,.0f} · greedy {med('greedy_score'):,.0f} "
          f"(+{100 * (med('score') / max(med('greedy_score'), 1) - 1):.2f} %)")


if __name__ == "__main__":
    main()
