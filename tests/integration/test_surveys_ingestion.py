"""The surveys group commit on PostgreSQL: the component tests of the submit path
(tests/component/test_surveys_ingestion.py) again, with the service's database on the real
PostgreSQL (multi-row INSERT … ON CONFLICT DO NOTHING RETURNING through asyncpg)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.settings import Settings

from tests.component.test_surveys_ingestion import (  # noqa: F401 - collected here as well
    surveys,
    test_a_batch_the_database_refuses_is_retried_one_by_one,
    test_a_rejected_submit_in_a_batch_does_not_fail_the_others,
    test_a_submission_id_sent_concurrently_is_stored_once,
    test_a_submission_stored_meanwhile_elsewhere_answers_as_a_retry,
    test_a_swot_response_names_its_variants_form,
    test_concurrent_submits_are_stored_together_each_with_its_event,
    test_the_event_names_the_programme_and_form_of_the_campaign,
)
from tests.conftest import SECRET

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path: Path, databases: dict[str, str]) -> Settings:
    """In-memory broker, the surveys database on PostgreSQL."""
    return Settings(data_dir=tmp_path, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None,
                    database_url=databases["surveys"])


async def test_these_run_on_postgresql(surveys) -> None:
    service, _ = surveys
    assert service.runtime.db.is_postgres
