"""Reports' domain metrics for operators (on the service's registry; no ids as labels)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ReportsMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.indicator_updates = Counter(
            "reports_indicator_updates", "Indicator sets announced (one per scope and year touched by an event).", registry=registry
        )
        self.completion_lag = Histogram(
            "reports_completion_to_indicator_lag_seconds",
            "From a completed questionnaire's event time to the announcement of the indicators it moved.",
            registry=registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
        )
        self.parked = Gauge(
            "reports_events_parked",
            "Events waiting in reports_parked_event for the school, person or pair they refer to (not registered yet); "
            "applied as soon as it is. Read at each scrape.",
            registry=registry,
        )
