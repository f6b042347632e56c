"""What the HTTP layer records in the registry's audit log after a successful request (shared/audit.py):
the reads of personal data. Changes are recorded by the use cases themselves, in their transaction."""

from shared.audit import READ, AuditRules, Rule

RULES: AuditRules = {
    "GET /api/v1/schools/{school_id}/participants": Rule("participants", READ, "school_id"),
    "GET /api/v1/participants/{participant_id}": Rule("participant", READ, "participant_id"),
    "GET /api/v1/programmes/{programme_id}/enrolments": Rule("enrolments", READ, "programme_id"),
    "GET /people": Rule("participants", READ, "school"),
    "GET /people/{participant_id}": Rule("participant", READ, "participant_id"),
    "GET /people/{participant_id}/edit": Rule("participant", READ, "participant_id"),
    "GET /people/{participant_id}/withdraw": Rule("participant", READ, "participant_id"),
    "GET /programmes/{programme_id}": Rule("enrolments", READ, "programme_id"),
    "GET /programmes/{programme_id}/candidates": Rule("participants", READ, "programme_id"),
    "GET /accounts": Rule("accounts", READ, "school"),
    # a programme's documents name its appointed curator
    "GET /api/v1/programmes/{programme_id}/documents": Rule("curator", READ, "programme_id"),
    "GET /programmes/{programme_id}/documents": Rule("curator", READ, "programme_id"),
}
