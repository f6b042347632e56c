"""What the HTTP layer records in surveys' audit log after a successful request (shared/audit.py).
Reads of answers (the list, a response, the export) are recorded by services/surveys/answers.py
in the transaction that read them; submitted answers are announced by their event."""

from shared.audit import READ, AuditRules, Rule

RULES: AuditRules = {
    "GET /api/v1/growth": Rule("growth", READ, "respondent_id"),
    "GET /api/v1/campaigns/{campaign_id}": Rule("campaign_respondents", READ, "campaign_id"),
    "GET /campaigns/{campaign_id}": Rule("campaign_respondents", READ, "campaign_id"),
    "GET /my": Rule("own_answers", READ),
    "GET /my/growth": Rule("own_growth", READ),
}
