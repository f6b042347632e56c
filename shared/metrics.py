"""Prometheus metrics: one registry per service app, never at module level.

Reliability figures are named `nastavnik_*` (the same on every service; Prometheus adds the
job); domain figures are named `<service>_*` by each service. No person or school id is ever
a label."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.events_published = Counter(
            "nastavnik_events_published", "Events published from the outbox, by type.", ["event_type"], registry=r
        )
        self.events_consumed = Counter(
            "nastavnik_events_consumed", "Events applied by a consumer, by type.", ["event_type"], registry=r
        )
        self.events_ignored = Counter(
            "nastavnik_events_ignored",
            "Events a consumer acknowledged without applying: not relevant to it (e.g. questionnaires pairing does not read).",
            ["event_type"],
            registry=r,
        )
        self.inbox_duplicates = Counter(
            "nastavnik_inbox_duplicates_skipped", "Redelivered events skipped by the inbox.", ["event_type"], registry=r
        )
        self.dead_lettered = Counter(
            "nastavnik_events_dead_lettered",
            "Events sent to a dead-letter queue, by type and reason.",
            ["event_type", "reason"],
            registry=r,
        )
        self.handler_duration = Histogram(
            "nastavnik_handler_duration_seconds",
            "Time to apply one consumed event (or the batch it was applied in), commit included.",
            ["event_type"],
            registry=r,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.batch_size = Histogram(
            "nastavnik_consumer_batch_size",
            "Events applied in one transaction by a batching consumer (grows when events queue up).",
            registry=r,
            buckets=(1, 2, 5, 10, 20, 50, 100, 200),
        )
        self.outbox_pending = Gauge(
            "nastavnik_outbox_pending_events", "Events committed but not yet confirmed by the broker.", registry=r
        )
        self.outbox_oldest_age = Gauge(
            "nastavnik_outbox_oldest_pending_age_seconds", "Age of the oldest unsent outbox event.", registry=r
        )
        self.publish_failures = Counter(
            "nastavnik_outbox_publish_failures", "Relay attempts that failed (broker away).", registry=r
        )
        self.transient_failures = Counter(
            "nastavnik_consumer_transient_failures",
            "Failures to apply a message because the database (or a connection) was away: the message was kept and "
            "applied again once the database answered; no delivery attempt spent. By what was being done.",
            ["operation"],
            registry=r,
        )
        self.consumer_stalls = Counter(
            "nastavnik_consumer_stall_recoveries",
            "Reconnections to restore a consumer the broker stopped feeding (messages ready, none delivered), by queue.",
            ["queue"],
            registry=r,
        )
        self.consumers_waiting = Gauge(
            "nastavnik_consumer_waiting_for_database",
            "Consumers holding a message until the database answers again (consumption paused).",
            registry=r,
        )
        self.broker_blocked = Gauge(
            "nastavnik_broker_connection_blocked",
            "1 while the broker blocks this service's connection (a resource alarm: memory or disk): publishing waits.",
            registry=r,
        )
        self.http_requests = Counter(
            "nastavnik_http_requests",
            "HTTP requests answered, by method, route template and status class (2xx, 3xx, 4xx, 5xx).",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "nastavnik_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
