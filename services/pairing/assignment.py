"""The exact assignment behind the matcher: each mentee at most one mentor, each mentor at
most its capacity, the best total under lexicographic integer weights (OR-Tools min-cost flow);
and the greedy pass, which is also the stable matching when both sides rank by the pair score."""

from __future__ import annotations

import numpy as np


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
    """Best-scored pairs first, first come first served: the baseline a person would do, and
    the stable matching when both sides rank by the pair's score — a pair both would rather
    form was looked at before either side's worse partner, so it was formed or one side was
    already full with better pairs (ties: earlier arcs first, deterministic)."""
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


def balance(
    mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray, chosen: np.ndarray, capacity: np.ndarray, load: np.ndarray
) -> np.ndarray:
    """Spread mentees across mentors where scores tie: move a mentee to another mentor of the
    same score whose load (places taken before, plus this assignment) is lower by two or more,
    until no such move is left. Count and total score stay exactly the optimum's; every move
    lowers the sum of squared loads, so it ends."""
    chosen = chosen.copy()
    current = np.full(int(mentee.max(initial=-1)) + 1, -1, dtype=np.int64)
    current[mentee[chosen]] = chosen
    arc_of_mentee = current[mentee]
    ties = np.flatnonzero((arc_of_mentee >= 0) & (score == score[np.maximum(arc_of_mentee, 0)]) & (np.arange(len(mentee)) != arc_of_mentee))
    if len(ties) == 0:
        return chosen
    taken = load.astype(np.int64) + np.bincount(mentor[chosen], minlength=len(load))
    free = capacity.astype(np.int64) - np.bincount(mentor[chosen], minlength=len(load))
    moved = True
    while moved:
        moved = False
        for arc in ties.tolist():
            e, to = mentee[arc], mentor[arc]
            now = current[e]
            frm = mentor[now]
            if free[to] > 0 and taken[to] + 1 < taken[frm]:
                current[e] = arc
                taken[to] += 1
                taken[frm] -= 1
                free[to] -= 1
                free[frm] += 1
                moved = True
    return np.sort(current[current >= 0])
