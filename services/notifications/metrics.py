"""Notifications' figures for operators (on the service's registry; no ids, no addresses)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class NotificationsMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.queued = Counter(
            "notifications_mail_queued", "Mails written for delivery, by the event that asked for them.", ["event_type"], registry=registry
        )
        self.skipped = Counter(
            "notifications_mail_skipped",
            "Events that asked for a mail which was not written: no_address (nobody agreed to be written to), "
            "invalid_address, withdrawn.",
            ["event_type", "reason"],
            registry=registry,
        )
        self.sent = Counter("notifications_mail_sent", "Mails the mail server (or the mail folder) accepted.", registry=registry)
        self.send_failures = Counter(
            "notifications_mail_send_failures", "Delivery attempts that failed for now (server away, 4xx): tried again later.", registry=registry
        )
        self.bounced = Counter(
            "notifications_mail_bounced", "Mails the server refused for good (5xx): parked as dead letters, never retried.", registry=registry
        )
        self.pending = Gauge("notifications_mail_pending", "Mails waiting for delivery.", registry=registry)
