"""What the HTTP layer records in notifications' audit log after a successful request
(shared/audit.py): the mail folder names people and their addresses."""

from shared.audit import READ, WRITE, AuditRules, Rule

RULES: AuditRules = {
    "GET /api/v1/mail": Rule("mails", READ),
    "GET /mail": Rule("mails", READ),
    "POST /mail/{mail_id}/retry": Rule("mail", WRITE, "mail_id"),
}
