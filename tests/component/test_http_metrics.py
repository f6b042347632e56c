"""HTTP request metrics of every service: rate, errors and latency by route template — the
template, never the path, so no id becomes a label."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from services.pairing.main import create_service
from tests.component.helpers import ADMIN, running


def samples(text: str, name: str) -> dict[tuple, float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


async def test_requests_are_counted_and_timed_by_route_template_and_status_class(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        assert (await client.get("/health")).status_code == 200
        for pair in ("pair-secret-1", "pair-secret-2"):
            assert (await client.get(f"/api/v1/pairs/{pair}/plan", headers=ADMIN)).status_code == 404
        assert (await client.get("/api/v1/pairs/pair-secret-3/plan")).status_code == 401
        assert (await client.get("/no/such/page")).status_code == 404
        text = (await client.get("/metrics")).text
    requests = samples(text, "nastavnik_http_requests_total")
    plan = "/api/v1/pairs/{pair_id}/plan"
    assert requests[(("method", "GET"), ("route", plan), ("status", "4xx"))] == 3
    assert requests[(("method", "GET"), ("route", "/health"), ("status", "2xx"))] == 1
    assert requests[(("method", "GET"), ("route", "unmatched"), ("status", "4xx"))] == 1
    assert samples(text, "nastavnik_http_request_duration_seconds_count")[(("method", "GET"), ("route", plan))] == 3
    assert "pair-secret" not in text and "/no/such/page" not in text
