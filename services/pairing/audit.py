"""What the HTTP layer records in pairing's audit log after a successful request (shared/audit.py):
reads and changes of pairs, matching results, mentors' limits and development plans (they name people)."""

from shared.audit import READ, WRITE, AuditRules, Rule

_API = "/api/v1"
RULES: AuditRules = {
    f"GET {_API}/programmes/{{programme_id}}/pairs": Rule("pairs", READ, "programme_id"),
    f"POST {_API}/programmes/{{programme_id}}/pairs": Rule("pairs", WRITE, "programme_id"),
    f"POST {_API}/programmes/{{programme_id}}/pairs/{{pair_id}}/end": Rule("pair", WRITE, "pair_id"),
    f"POST {_API}/programmes/{{programme_id}}/matching/runs": Rule("matching_run", WRITE, "programme_id"),
    f"GET {_API}/programmes/{{programme_id}}/matching/runs/{{run_id}}": Rule("matching_run", READ, "run_id", ("programme_id",)),
    f"GET {_API}/programmes/{{programme_id}}/proposals/{{proposal_id}}": Rule("proposal", READ, "proposal_id"),
    f"POST {_API}/programmes/{{programme_id}}/proposals/{{proposal_id}}/confirm": Rule("proposal", WRITE, "proposal_id"),
    f"POST {_API}/programmes/{{programme_id}}/proposals/{{proposal_id}}/reject": Rule("proposal", WRITE, "proposal_id"),
    f"POST {_API}/programmes/{{programme_id}}/proposals/{{proposal_id}}/replace": Rule("proposal", WRITE, "proposal_id"),
    f"PUT {_API}/programmes/{{programme_id}}/preferences/{{mentee_id}}": Rule("preferences", WRITE, "mentee_id"),
    f"GET {_API}/programmes/{{programme_id}}/mentor-limits/{{mentor_id}}": Rule("mentor_limits", READ, "mentor_id", ("programme_id",)),
    f"PUT {_API}/programmes/{{programme_id}}/mentor-limits/{{mentor_id}}": Rule("mentor_limits", WRITE, "mentor_id", ("programme_id",)),
    f"GET {_API}/pairs/{{pair_id}}/plan": Rule("plan", READ, "pair_id"),
    f"PUT {_API}/pairs/{{pair_id}}/plan/goals": Rule("plan", WRITE, "pair_id"),
    f"POST {_API}/pairs/{{pair_id}}/plan/measures": Rule("plan", WRITE, "pair_id"),
    f"PATCH {_API}/pairs/{{pair_id}}/plan/measures/{{measure_id}}": Rule("plan", WRITE, "pair_id", ("measure_id",)),
    "GET /pairs": Rule("pairs", READ, "programme"),
    "GET /pairs/{pair_id}": Rule("plan", READ, "pair_id"),
    "POST /pairs/{pair_id}/end": Rule("pair", WRITE, "pair_id"),
    "GET /my": Rule("own_pairs", READ),
    "GET /my/{pair_id}": Rule("plan", READ, "pair_id"),
    "POST /pairs/{pair_id}/plan/goals": Rule("plan", WRITE, "pair_id"),
    "POST /pairs/{pair_id}/plan/measures": Rule("plan", WRITE, "pair_id"),
    "POST /pairs/{pair_id}/plan/measures/{measure_id}/edit": Rule("plan", WRITE, "pair_id", ("measure_id",)),
    "POST /pairs/{pair_id}/plan/measures/{measure_id}/result": Rule("plan", WRITE, "pair_id", ("measure_id",)),
    "GET /matching/{programme_id}": Rule("matching", READ, "programme_id"),
    "GET /matching/{programme_id}/runs/{run_id}": Rule("matching_run", READ, "run_id", ("programme_id",)),
    "POST /matching/{programme_id}/runs/{run_id}/confirm": Rule("matching_run", WRITE, "run_id", ("programme_id",)),
    "GET /matching/{programme_id}/proposals/{proposal_id}": Rule("proposal", READ, "proposal_id"),
    "POST /matching/{programme_id}/proposals/{proposal_id}/confirm": Rule("proposal", WRITE, "proposal_id"),
    "POST /matching/{programme_id}/proposals/{proposal_id}/reject": Rule("proposal", WRITE, "proposal_id"),
    "POST /matching/{programme_id}/proposals/{proposal_id}/replace": Rule("proposal", WRITE, "proposal_id"),
    "POST /matching/{programme_id}/pairs": Rule("pairs", WRITE, "programme_id"),
    "POST /matching/{programme_id}/limits": Rule("mentor_limits", WRITE, "programme_id"),
    "GET /my/limits": Rule("mentor_limits", READ),
    "POST /my/limits/{programme_id}": Rule("mentor_limits", WRITE, "programme_id"),
}
