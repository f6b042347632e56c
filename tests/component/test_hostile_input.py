"""Issue 13, L2, written as the attacks: input that used to answer 500 (and sometimes save half of
it) is now a 422 naming the field, with nothing written — and a failing write never carries the
person's data into the logs."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shared.contracts.registry import ParticipantRegistered

from services.registry.main import create_service as create_registry
from services.surveys.main import create_service as create_surveys
from tests.component.helpers import ADMIN, bearer, deliver, running

SCHOOL = {"school_id": "s1", "name": "МБОУ СОШ № 1", "municipality_id": "m1", "municipality_name": "Северный район"}
NAME = "Смирнова Алиса Игоревна"


@pytest.fixture
async def registry(settings):
    service = create_registry(settings)
    async with running(service) as client:
        assert (await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)).status_code == 201
        person = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={
            "category": "teacher", "full_name": NAME, "subjects": ["математика"], "consent": {"given_by": "self"}})
        assert person.status_code == 201, person.text
        yield service, client, person.json()["id"]


async def test_subjects_null_is_refused_and_the_roster_still_answers(registry) -> None:
    _service, client, person = registry
    response = await client.patch(f"/api/v1/participants/{person}", json={"subjects": None}, headers=ADMIN)
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "subjects"] and problem["type"] == "null_not_allowed"
    roster = await client.get("/api/v1/schools/s1/participants", headers=ADMIN)
    assert roster.status_code == 200 and roster.json()[0]["subjects"] == ["математика"]
    # a field that may be empty is still cleared by null
    cleared = await client.patch(f"/api/v1/participants/{person}", json={"position": None}, headers=ADMIN)
    assert cleared.status_code == 200 and cleared.json()["position"] is None


@pytest.mark.parametrize(("body", "where"), [
    ('{"category": "teacher", "full_name": "Иванов\\u0000 Пётр"}', ["body", "full_name"]),
    ('{"category": "teacher", "full_name": "Иванов \\ud800"}', ["body", "full_name"]),
    ('{"category": "teacher", "full_name": "Иванов", "subjects": ["физика\\u0000"]}', ["body", "subjects", 0]),
    ('{"category": "teacher", "full_name": "Иванов", "experience_years": 99999999999999999999999}', ["body", "experience_years"]),
])
async def test_nul_surrogates_and_huge_numbers_are_422_and_nothing_is_saved(registry, body: str, where: list) -> None:
    _service, client, _person = registry
    response = await client.post("/api/v1/schools/s1/participants", content=body.encode(),
                                 headers={**ADMIN, "Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == where
    roster = await client.get("/api/v1/schools/s1/participants", headers=ADMIN)
    assert [p["full_name"] for p in roster.json()] == [NAME]


async def test_nul_in_the_path_or_the_query_is_422(registry) -> None:
    _service, client, _person = registry
    assert (await client.get("/api/v1/participants/x%00y", headers=ADMIN)).status_code == 422
    response = await client.get("/api/v1/schools/s1/participants", params={"include_withdrawn": "\x00"}, headers=ADMIN)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "include_withdrawn"]


async def test_a_failing_write_does_not_carry_the_persons_data_into_the_error(registry) -> None:
    """What uvicorn logs for an unexpected database error is the exception's text: SQLAlchemy
    prints the statement's parameters there unless the engine hides them (shared.db)."""
    service, _client, _person = registry
    async with service.runtime.db.sessions() as session:
        with pytest.raises(DBAPIError) as failure:  # NOT NULL: no school
            await session.execute(text("INSERT INTO registry_participant (id, full_name) VALUES (:id, :name)"),
                                  {"id": "p-x", "name": NAME})
    assert NAME not in str(failure.value)


async def test_an_instrument_version_above_int32_is_422(settings) -> None:
    service = create_surveys(settings)
    async with running(service) as client:
        await deliver(service, ParticipantRegistered(participant_id="e1", school_id="s1", category="teacher", display_name="e1"))
        mentee = bearer("mentee", "school", "s1", sub="e1")
        response = await client.post("/api/v1/responses", headers=mentee, json={
            "instrument": {"code": "satisfaction_mentee", "version": 2**31}, "respondent_id": "e1",
            "answers": {"effectiveness": 5}, "submission_id": "sub-huge-version"})
        assert response.status_code == 422, response.text
        assert response.json()["detail"][0]["loc"] == ["body", "instrument", "version"]
        growth = await client.get("/api/v1/growth", params={"respondent_id": "e1", "version": 2**63}, headers=mentee)
        assert growth.status_code == 422
