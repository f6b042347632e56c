"""What the HTTP layer records in the practices service's audit log after a successful request
(shared/audit.py): a practice's page and answer name its authors."""

from shared.audit import READ, WRITE, AuditRules, Rule

RULES: AuditRules = {
    "GET /api/v1/practices/{practice_id}": Rule("practice_authors", READ, "practice_id"),
    "GET /{practice_id:uuid}": Rule("practice_authors", READ, "practice_id"),
    "POST /api/v1/practices": Rule("practice", WRITE),
    "PUT /api/v1/practices/{practice_id}": Rule("practice", WRITE, "practice_id"),
    "POST /mine": Rule("practice", WRITE),
    "POST /mine/{practice_id}": Rule("practice", WRITE, "practice_id"),
}
