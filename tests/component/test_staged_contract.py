"""The contract between surveys and reports on the two monitoring stages, from both sides:
every instrument of shared.contracts.surveys.STAGED_INSTRUMENTS is accepted with a stage by
surveys (API and school command), refused without one, and the events surveys emits for it are
counted by reports' growth indicators; every other built-in instrument refuses a stage."""

from __future__ import annotations

import pytest

from shared import clock
from shared.clock import academic_year_of
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, SchoolRegistered
from shared.contracts.surveys import STAGED_INSTRUMENTS, ResponseCompleted

from services.reports import domain as reports_domain
from services.reports.main import create_service as create_reports
from services.surveys.domain import BUILT_IN
from services.surveys.main import create_service as create_surveys
from tests.component.helpers import ADMIN, bearer, deliver, emitted, running
from tests.component.test_surveys_campaigns import example, send_command

CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
YEAR = academic_year_of(clock.today())


def test_the_staged_instruments_are_the_same_on_both_sides() -> None:
    assert {code for (code, _), instrument in BUILT_IN.items() if instrument.staged} == STAGED_INSTRUMENTS
    assert set(reports_domain.STAGED_INSTRUMENTS) == STAGED_INSTRUMENTS
    assert set(reports_domain.GROWTH_MEASURED) == STAGED_INSTRUMENTS
    assert set(reports_domain.GROWTH_MEASURED.values()) <= set(reports_domain.BY_CODE)
    growth = BUILT_IN[("growth_measurement", 1)]
    assert [rule.code for rule in growth.scale_rules] == list(reports_domain.GROWTH_SCALES)


@pytest.fixture
async def surveys(settings):
    service = create_surveys(settings)
    async with running(service) as client:
        await deliver(service, ParticipantRegistered(participant_id="e1", school_id="s1", category="teacher", display_name="e1"))
        await deliver(service, ParticipantRegistered(participant_id="m1", school_id="s1", category="teacher", display_name="m1"))
        await deliver(service, ParticipantEnrolled(participant_id="e1", programme_id="prog-1", school_id="s1", role="mentee", academic_year=YEAR))
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="prog-1", school_id="s1", mentor_id="m1",
                                          mentee_ids=["e1"], form="teacher_teacher", academic_year=YEAR))
        yield service, client


def _end_answers(code: str) -> dict:
    """The example answers with every scale item one point lower (the deficit shrinks, or the
    measurement falls: either way a change reports must see)."""
    answers, _ = example(code, 1)
    instrument = BUILT_IN[(code, 1)]
    return {k: (v - 1 if instrument.item(k) and instrument.item(k).kind == "scale" and v > instrument.item(k).minimum else v)
            for k, v in answers.items()}


@pytest.mark.parametrize("code", sorted(STAGED_INSTRUMENTS))
async def test_a_staged_instrument_is_accepted_with_a_stage_and_counted_by_reports(surveys, settings, code) -> None:
    service, client = surveys
    answers, _ = example(code, 1)
    body = {"instrument": {"code": code, "version": 1}, "respondent_id": "e1", "answers": answers}

    missing = await client.post("/api/v1/responses", headers=CURATOR, json={**body, "submission_id": f"none-{code}"})
    assert missing.status_code == 422 and "этап" in missing.text.lower(), missing.text

    start = await client.post("/api/v1/responses", headers=CURATOR, json={**body, "stage": "start", "submission_id": f"start-{code}"})
    assert start.status_code == 201, start.text
    assert start.json()["stage"] == "start"
    # the end stage by a school system's command
    await send_command(service, "s1", {**body, "answers": _end_answers(code), "stage": "end", "submission_id": f"end-{code}-1"})
    events = [e for e in await emitted(service, "surveys.response.completed.v1") if e["instrument"]["code"] == code]
    assert sorted(e["stage"] for e in events) == ["end", "start"]
    assert await emitted(service, "surveys.command.rejected.v1") == []

    # reports counts what surveys emitted
    settings.data_dir = settings.data_dir / "reports"
    settings.data_dir.mkdir()
    reports = create_reports(settings)
    async with running(reports) as reports_client:
        await deliver(reports, SchoolRegistered(school_id="s1", name="Школа 1", municipality_id="m1", municipality_name="Район",
                                                region_id="test-region"))
        await deliver(reports, ParticipantRegistered(participant_id="e1", school_id="s1", category="teacher", display_name="e1"))
        for event in events:
            await deliver(reports, ResponseCompleted.model_validate(event), source="/surveys")
        values = await reports_client.get("/api/v1/indicators/school/s1", params={"academic_year": YEAR}, headers=ADMIN)
    assert values.status_code == 200, values.text
    indicators = {i["code"]: i["value"] for i in values.json()}
    assert indicators[reports_domain.GROWTH_MEASURED[code]] == 1


@pytest.mark.parametrize("code", sorted({c for c, _ in BUILT_IN} - STAGED_INSTRUMENTS))
async def test_an_instrument_that_does_not_measure_growth_refuses_a_stage(surveys, code) -> None:
    _, client = surveys
    version = min(v for c, v in BUILT_IN if c == code)
    answers, _ = example(code, version)
    response = await client.post("/api/v1/responses", headers=CURATOR, json={
        "instrument": {"code": code, "version": version}, "respondent_id": "e1", "answers": answers, "stage": "start",
        "submission_id": f"stage-{code}"})
    assert response.status_code == 422
    assert f"Анкета {code} не измеряется по этапам" in response.text
