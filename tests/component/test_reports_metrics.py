"""Operators' metrics of reports: announcements and the completion-to-indicator lag."""

from __future__ import annotations

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
