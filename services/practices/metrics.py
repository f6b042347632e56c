"""The practices service's figures for operators (on the service's registry; no ids, no names)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class PracticesMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.status_changes = Counter(
            "practices_status_changes", "Practices moved through the review, by the status they reached.", ["status"],
            registry=registry,
        )
        self.files_refused = Counter(
            "practices_files_refused", "Uploaded files refused (wrong type by content, too large, a bad name, empty).",
            registry=registry,
        )
        self.roadmap_saved = Counter("practices_roadmap_items_saved", "Roadmap items added or changed.", registry=registry)
