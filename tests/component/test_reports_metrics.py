"""Operators' metrics of reports: announcements and the completion-to-indicator lag."""

from __future__ import annotations

import structlog

from services.reports.main import create_service
from tests.component.helpers import deliver, running
from tests.component.test_reports import satisfaction, school


async def test_announcements_and_lag_are_measured_without_ids(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        await deliver(service, school("s1"))
        await deliver(service, satisfaction("r1", "s1", 8.0))
        text = (await client.get("/metrics")).text
    lines = [line for line in text.splitlines() if line.startswith("reports_")]
    assert "reports_indicator_updates_total 6.0" in lines  # two events × school, municipality, region
    assert "reports_completion_to_indicator_lag_seconds_count 1.0" in lines
    assert not any("s1" in line or "test-region" in line for line in lines)


async def test_an_event_for_a_school_not_yet_known_is_visible_while_it_waits(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        with structlog.testing.capture_logs() as logs:
            await deliver(service, satisfaction("r1", "s9", 8.0))
        waiting = (await client.get("/metrics")).text
        await deliver(service, school("s9"))
        released = (await client.get("/metrics")).text
    assert "reports_events_parked 1.0" in waiting.splitlines()
    assert "reports_events_parked 0.0" in released.splitlines()
    [parked] = [e for e in logs if e["event"] == "event.parked"]
    assert parked["event_type"] == "surveys.response.completed.v1" and parked["waiting_for"] == "school"
