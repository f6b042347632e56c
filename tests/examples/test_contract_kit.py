"""The contract test kit: its samples follow the schemas and the pydantic models, and a
consumer built on ServiceRuntime (here: reports) applies the valid ones and dead-letters the rest."""

from __future__ import annotations

import pytest

from shared.contracts import EVENTS
from shared.contracts.testkit import samples
from shared.settings import Settings


@pytest.mark.parametrize("sample", samples(), ids=lambda s: f"{s.event_type}:{'valid' if s.valid else 'invalid'}:{s.rule}")
def test_every_sample_is_valid_or_invalid_as_it_says(sample) -> None:
    sample.assert_matches_contract()


def test_every_event_type_has_valid_and_invalid_samples() -> None:
    for event in EVENTS:
        kinds = {s.valid for s in samples([event.event_type])}
        assert kinds == {True, False}, event.event_type


async def test_a_real_consumer_passes_the_kit(tmp_path) -> None:
    from shared.contracts.testkit import check_consumer

    from nastavnik.services import FACTORIES

    service = FACTORIES["reports"](Settings(data_dir=tmp_path, rabbitmq_url=None, database_url=None, region_id="test-region"))
    counts = await check_consumer(service.runtime)
    assert counts["valid"] >= 10 and counts["invalid"] >= 20
