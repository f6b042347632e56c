"""The registry's outbox relay: the shared relay in its bulk mode (shared.messaging.bulk), on a
real broker. An import of a region writes ~330,000 events at once; the composition root builds
its runtime with `relay=bulk_relay` (shared.runtime). Kept by this name for the relay tests."""

from __future__ import annotations

from shared.messaging.outbox import OutboxRelay as BulkOutboxRelay

__all__ = ["BulkOutboxRelay"]
