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
    # a programme's year (issue 15): who came to an activity, a mentor's training and recognition
    "GET /api/v1/activities/{activity_id}": Rule("activity", READ, "activity_id"),
    "GET /api/v1/schools/{school_id}/training": Rule("training", READ, "school_id"),
    "GET /api/v1/schools/{school_id}/recognitions": Rule("recognitions", READ, "school_id"),
    "GET /api/v1/participants/{participant_id}/training-and-recognition": Rule("training", READ, "participant_id"),
    "GET /programmes/{programme_id}/activities": Rule("participants", READ, "programme_id"),
    "GET /programmes/{programme_id}/activities/{activity_id}": Rule("activity", READ, "activity_id"),
    "GET /training": Rule("training", READ, "school"),
    "GET /my/training": Rule("training", READ),
    # a programme's documents name its appointed curator
    "GET /api/v1/programmes/{programme_id}/documents": Rule("curator", READ, "programme_id"),
    "GET /programmes/{programme_id}/documents": Rule("curator", READ, "programme_id"),
}
