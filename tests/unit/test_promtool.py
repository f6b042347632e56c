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
        await app.state.demo_filled.wait()  # the demo's school year is played after the start
        reports = app.state.services["reports"].runtime.broker
        school = new_envelope("registry", SchoolRegistered(
            school_id="metrics-school", name="Школа", municipality_id="m1", municipality_name="Район", region_id="demo-region"))
        for _ in range(2):  # the second is a duplicate the inbox skips
            await reports.publish(school.model_dump_json().encode(), exchange=EVENTS_EXCHANGE, routing_key=school.type,
                                  content_type="application/json", message_id=school.id)
        await reports.publish(b'{"specversion": "1.0"}', exchange=EVENTS_EXCHANGE, routing_key=school.type,
                              content_type="application/json", message_id="invalid-1")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
            return {name: (await client.get(f"/{name}/metrics")).text for name in SERVICES}


@pytest.fixture(scope="module")
def scraped() -> dict[str, str]:
    """service → its /metrics text after the demo region was loaded through the APIs."""
    with tempfile.TemporaryDirectory() as data_dir:
        return asyncio.run(_scrape_after_traffic(Path(data_dir)))


def samples(text: str):
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


ALLOWED_LABELS = {"event_type", "reason", "app_name", "broker", "handler", "destination", "status", "exception_type", "le", "quantile",
                  "method", "route",  # HTTP: the route template (/api/v1/pairs/{pair_id}/plan), never the path
                  "operation"}  # consumers' transient failures: an event type or "batch"
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


# -- Grafana dashboards: provisioned JSON whose queries name metrics that really exist ---------

GRAFANA = ROOT / "deploy" / "grafana"
# Exported by the rabbitmq_prometheus plugin: node totals on /metrics, per-queue on /metrics/detailed
# (families queue_coarse_metrics and queue_consumer_count, as deploy/prometheus/prometheus.yml asks).
RABBITMQ_METRICS = {
    "rabbitmq_connections", "rabbitmq_channels", "rabbitmq_consumers", "rabbitmq_queues",
    "rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked", "rabbitmq_queue_messages",
    "rabbitmq_detailed_queue_messages_ready", "rabbitmq_detailed_queue_messages_unacked",
    "rabbitmq_detailed_queue_messages", "rabbitmq_detailed_queue_consumers",
}
PROMETHEUS_METRICS = {"up"}
PROMQL_WORDS = {"by", "without", "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """Metric names in a PromQL expression (label matchers, ranges, strings and groupings removed)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr):
        rest = expr[match.end():].lstrip()
        if not rest.startswith("(") and match.group() not in PROMQL_WORDS and not expr[: match.start()].endswith("$"):
            names.add(match.group())
    return names


def dashboards() -> dict[str, dict]:
    import json

    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((GRAFANA / "dashboards").glob("*.json"))}


def test_metric_names_are_found_in_promql() -> None:
    assert metric_names('sum by (job) (rate(a_total{job=~"$job", q=~".+\\\\.dlq"}[$__rate_interval])) / b > 0 and up') == {"a_total", "b", "up"}


def test_grafana_is_provisioned_with_the_prometheus_data_source_and_the_dashboards() -> None:
    import yaml

    [source] = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    [provider] = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "nastavnik.yml").read_text())["providers"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["grafana"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in compose["volumes"]}
    assert mounts[provider["options"]["path"]] == "./deploy/grafana/dashboards"
    assert mounts["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    assert set(dashboards()) >= {"nastavnik-services.json", "nastavnik-broker.json"}


def test_every_dashboard_query_uses_metrics_that_exist(scraped: dict[str, str]) -> None:
    exported = {s.name for text in scraped.values() for s in samples(text)}
    exported |= {f.name for text in scraped.values() for f in text_string_to_metric_families(text)}
    known = exported | RABBITMQ_METRICS | PROMETHEUS_METRICS
    uids = set()
    for name, dashboard in dashboards().items():
        assert dashboard["uid"] not in uids and dashboard["title"] and dashboard["panels"], name
        uids.add(dashboard["uid"])
        queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
        queries += [v["query"] for v in dashboard.get("templating", {}).get("list", []) if v.get("type") == "query"]
        assert queries, f"{name} has no queries"
        for query in queries:
            for metric in metric_names(re.sub(r"^label_values\((.*),\s*\w+\)$", r"\1", query)):
                assert metric in known, f"{name}: {query!r} uses {metric}, which no service or RabbitMQ exports"


def test_every_alert_rule_uses_metrics_that_exist(scraped: dict[str, str]) -> None:
    import yaml

    exported = {s.name for text in scraped.values() for s in samples(text)}
    exported |= {f.name for text in scraped.values() for f in text_string_to_metric_families(text)}
    groups = yaml.safe_load((PROMETHEUS / "rules" / "nastavnik.yml").read_text(encoding="utf-8"))["groups"]
    for rule in (r for g in groups for r in g["rules"]):
        for metric in metric_names(rule["expr"]):
            assert metric in exported | RABBITMQ_METRICS | PROMETHEUS_METRICS, f"alert {rule['alert']} uses {metric}, which nothing exports"
