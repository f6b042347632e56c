"""Schema-based fuzzing (schemathesis) of every service's HTTP API, as part of the normal test
run: each service's OpenAPI document drives generated requests — valid and invalid bodies,
parameters and paths — at the all-in-one app in process (embedded defaults: SQLite, in-memory
broker) with a region administrator's token, so that they reach the handlers.

Checks: no 5xx; every status code, content type and body is the one the route documents (the
error bodies included: shared.api_errors). Reproducible: Hypothesis derandomized (a fixed seed
per operation), no example database. The budget is `NASTAVNIK_FUZZ_EXAMPLES` examples per
operation (default 10; with the coverage phase about 100 s of CPU for the five services);
docs/developing.md says how to run a longer campaign."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared.auth import issue_token
from shared.settings import Settings

from nastavnik.app import build_all_in_one
from nastavnik.services import FACTORIES
from tests.conftest import SECRET

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("NASTAVNIK_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TOKEN = issue_token(SECRET, sub="fuzzer", role="region_admin", scope="region", scope_id="test-region", ttl=timedelta(hours=6))
HEADERS = {"Authorization": f"Bearer {TOKEN}"}

# One app for the whole module: schemathesis starts its lifespan (the services' runtimes) once.
APP = build_all_in_one(Settings(data_dir=Path(tempfile.mkdtemp(prefix="nastavnik-fuzz-")), jwt_secret=SECRET,
                                region_id="test-region", rabbitmq_url=None, database_url=None))
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=True,
                         suppress_health_check=list(HealthCheck))


CONFIG = {
    "generation": {"mode": "all", "deterministic": True, "database": "none", "max-examples": EXAMPLES},
    # the coverage phase: boundary and missing values of every parameter, deterministic
    "phases": {"coverage": {"enabled": os.environ.get("NASTAVNIK_FUZZ_COVERAGE", "1") == "1"}},
}


def _schema(service: str):
    config = SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_asgi(f"/{service}/openapi.json", APP, config=config).include(path_regex="^/api/")


registry, pairing, surveys, reports, notifications, practices = (
    _schema(name) for name in ("registry", "pairing", "surveys", "reports", "notifications", "practices"))
assert set(FACTORIES) == {"registry", "pairing", "surveys", "reports", "notifications", "practices"}, "a new service: fuzz it here too"


@registry.parametrize()
@FUZZ_SETTINGS
def test_registry(case) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@pairing.parametrize()
@FUZZ_SETTINGS
def test_pairing(case) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@surveys.parametrize()
@FUZZ_SETTINGS
def test_surveys(case) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@reports.parametrize()
@FUZZ_SETTINGS
def test_reports(case) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@notifications.parametrize()
@FUZZ_SETTINGS
def test_notifications(case) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@practices.parametrize()
@FUZZ_SETTINGS
def test_practices(case) -> None:
    case.call_and_validate(headers=HEADERS, checks=CHECKS)


@pytest.fixture(scope="module", autouse=True)
def _settled_at_the_end():
    """When the module ends, the relays stop (by their flag, not only a cancel): schemathesis keeps
    the app's lifespan to the end of the process, and a relay still retrying events the fuzzing
    caused when the loop closes could swallow its cancel (Python 3.11) and the process never exit."""
    yield
    from schemathesis.python import asgi

    portal = asgi._get_portal()
    for service in APP.state.services.values():
        portal.call(service.runtime.relay.stop)
