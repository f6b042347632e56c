"""What operators scrape and alert on passes Prometheus' own checks.

Every service's /metrics, after a little real traffic (the demo region, a duplicate and an
invalid event), goes through `promtool check metrics`; the scrape configuration and the alert
rules through `promtool check config/rules`, and the rules' own unit tests through
`promtool test rules`. promtool comes from Debian's `prometheus` package: without it the
tests skip on a developer's machine and fail under CI."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.contracts import EVENTS
from shared.contracts.envelope import new_envelope
from shared.contracts.registry import SchoolRegistered
from shared.messaging.topology import EVENTS_EXCHANGE
from shared.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        message = "promtool not found: install Debian's `prometheus` package (apt-get install prometheus)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI is set, so this check may not be skipped")
        pytest.skip(message)
    return path


def run_promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT)


async def _scrape_after_traffic(data_dir: Path) -> dict[str, str]:
    from nastavnik.app import build_all_in_one

    app = build_all_in_one(Settings(data_dir=data_dir, demo=True, rabbitmq_url=None, database_url=None, region_id="demo-region"))
    async with app.router.lifespan_context(app):
        reports = app.state.services["reports"].runtime.broker
        school = new_envelope("registry", SchoolRegistered(
            school_id="metrics-school", name="Школа", municipality_id="m1", municipality_name="Район", region_id="demo-region"))
        for _ in range(2):  # the second is a duplicate the inbox skips
            await reports.publish(school.model_dump_json().encode(), exchange=EVENTS_EXCHANGE, routing_key=school.type,
                                  content_type="application/json", message_id=school.id)
        await reports.publish(b'{"specversion": "1.0"}', exchange=EVENTS_EXCHANGE, routing_key=school.type,
                              content_type="application/json", message_id="invalid-1")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return {name: (await client.get(f"/{name}/metrics")).text for name in SERVICES}


@pytest.fixture(scope="module")
def scraped() -> dict[str, str]:
    """service → its /metrics text after the demo region was loaded through the APIs."""
    with tempfile.TemporaryDirectory() as data_dir:
        return asyncio.run(_scrape_after_traffic(Path(data_dir)))


def samples(text: str):  # noqa: ANN201
    for family in text_string_to_metric_families(text):
        yield from family.samples


@pytest.mark.parametrize("name", SERVICES)
def test_promtool_finds_nothing_wrong_in_the_metrics(name: str, scraped: dict[str, str]) -> None:
    result = run_promtool("check", "metrics", stdin=scraped[name])
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), (
        f"promtool check metrics on {name}:\n{result.stdout}{result.stderr}")


def test_the_traffic_left_samples_of_the_reliability_metrics(scraped: dict[str, str]) -> None:
    """The check above means something only if the metrics carry samples, not just HELP lines."""
    names = {(s.name, s.labels.get("event_type")) for s in samples(scraped["reports"]) if s.value}
    for expected in (
        ("nastavnik_events_consumed_total", "registry.school.registered.v1"),
        ("nastavnik_inbox_duplicates_skipped_total", "registry.school.registered.v1"),
        ("nastavnik_events_dead_lettered_total", "registry.school.registered.v1"),
        ("nastavnik_events_published_total", "reports.indicators.updated.v1"),
        ("nastavnik_handler_duration_seconds_count", "registry.school.registered.v1"),
    ):
        assert expected in names, f"reports exported no sample {expected}"
    published = {s.labels.get("event_type") for n in SERVICES for s in samples(scraped[n]) if s.name == "nastavnik_events_published_total"}
    assert "surveys.response.completed.v1" in published, "survey completions are not counted"


ALLOWED_LABELS = {"event_type", "reason", "app_name", "broker", "handler", "destination", "status", "exception_type", "le", "quantile"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def test_no_label_is_a_person_or_a_school(scraped: dict[str, str]) -> None:
    from nastavnik.scenario import SCHOOLS

    school_ids = {s[0] for s in SCHOOLS} | {"metrics-school"}
    known_types = {e.event_type for e in EVENTS}
    for name, text in scraped.items():
        for sample in samples(text):
            unknown = set(sample.labels) - ALLOWED_LABELS
            assert not unknown, f"{name}: {sample.name} has labels {unknown}; labels must have a small fixed set of values"
            for label, value in sample.labels.items():
                assert not UUID.search(value), f"{name}: {sample.name}{{{label}={value!r}}} carries an id"
                assert not any(s in value for s in school_ids), f"{name}: {sample.name}{{{label}={value!r}}} names a school"
            if "event_type" in sample.labels and sample.labels["event_type"] != "command":
                value = sample.labels["event_type"]
                assert value in known_types or re.fullmatch(r"[a-z]+(\.[a-z_]+)+\.v\d+", value), f"{name}: event_type {value!r}"


def test_promtool_accepts_the_scrape_config() -> None:
    result = run_promtool("check", "config", "--syntax-only", str(PROMETHEUS / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_alert_rules() -> None:
    files = sorted((PROMETHEUS / "rules").glob("*.yml"))
    assert files
    result = run_promtool("check", "rules", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alerts_fire_when_they_should_and_not_otherwise() -> None:
    """deploy/prometheus/tests/*.yml: series in, alerts expected out (`promtool test rules`)."""
    files = sorted((PROMETHEUS / "tests").glob("*.yml"))
    assert files, "no rule unit tests in deploy/prometheus/tests"
    result = run_promtool("test", "rules", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr
