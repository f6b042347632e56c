from __future__ import annotations

import pytest

from services.registry.main import create_service
from services.registry.models import Participant, School
from tests.component.helpers import ADMIN, bearer, count, emitted, running

SCHOOL = {"school_id": "s1", "name": "МБОУ СОШ № 1", "municipality_id": "m1", "municipality_name": "Северный район"}


@pytest.fixture
async def registry(settings):
    service = create_service(settings)
    async with running(service) as client:
        yield service, client


async def test_registering_a_school_stores_it_and_announces_it(registry) -> None:
    service, client = registry
    response = await client.post("/api/v1/schools", json={**SCHOOL, "low_results": True}, headers=ADMIN)
    assert response.status_code == 201, response.text
    events = await emitted(service, "registry.school.registered.v1")
    assert events == [{
        "school_id": "s1", "name": "МБОУ СОШ № 1", "municipality_id": "m1", "municipality_name": "Северный район",
        "region_id": "test-region", "low_results": True, "difficult_conditions": False,
    }]
    await service.runtime.relay.wait_idle()
    assert await service.runtime.relay.pending_count() == 0


async def test_participant_enrolment_flow_emits_events(registry) -> None:
    service, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    curator = bearer("school_curator", "school", "s1")
    person = await client.post("/api/v1/schools/s1/participants", headers=curator, json={
        "category": "teacher", "full_name": "Смирнов Илья", "experience_years": 1, "subjects": ["математика"],
    })
    assert person.status_code == 201, person.text
    assert person.json()["young_specialist"] is True
    programme = await client.post("/api/v1/schools/s1/programmes", headers=curator, json={"title": "Вместе", "academic_year": "2026/2027"})
    enrolment = await client.post(f"/api/v1/programmes/{programme.json()['id']}/enrolments", headers=curator,
                                  json={"participant_id": person.json()["id"], "role": "mentee"})
    assert enrolment.status_code == 201, enrolment.text
    [registered] = await emitted(service, "registry.participant.registered.v1")
    assert registered["young_specialist"] is True and registered["display_name"] == "Смирнов Илья"
    [enrolled] = await emitted(service, "registry.participant.enrolled.v1")
    assert enrolled["role"] == "mentee" and enrolled["academic_year"] == "2026/2027" and enrolled["school_id"] == "s1"


async def test_malformed_body_gets_422_with_the_field_path(registry) -> None:
    _, client = registry
    response = await client.post("/api/v1/schools", json={"name": "Без района"}, headers=ADMIN)
    assert response.status_code == 422
    assert ["body", "municipality_id"] in [error["loc"] for error in response.json()["detail"]]


async def test_a_pupil_needs_a_grade(registry) -> None:
    _, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    response = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={"category": "pupil", "full_name": "Петя"})
    assert response.status_code == 422
    assert "класс" in response.text


async def test_unknown_school_is_404(registry) -> None:
    _, client = registry
    response = await client.post("/api/v1/schools/nope/participants", headers=ADMIN, json={"category": "teacher", "full_name": "X"})
    assert response.status_code == 404


async def test_another_schools_token_sees_nothing_and_writes_nothing(registry) -> None:
    service, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    await client.post("/api/v1/schools", json={**SCHOOL, "school_id": "s2", "name": "Лицей"}, headers=ADMIN)
    other = bearer("school_curator", "school", "s2")
    response = await client.post("/api/v1/schools/s1/participants", headers=other, json={"category": "teacher", "full_name": "X"})
    assert response.status_code == 404
    assert (await client.get("/api/v1/schools/s1", headers=other)).status_code == 404
    assert [s["id"] for s in (await client.get("/api/v1/schools", headers=other)).json()] == ["s2"]
    assert await count(service, Participant) == 0
    assert await emitted(service, "registry.participant.registered.v1") == []


async def test_municipal_coordinator_sees_only_their_municipality(registry) -> None:
    _, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    await client.post("/api/v1/schools", json={**SCHOOL, "school_id": "s9", "municipality_id": "m9", "municipality_name": "Другой"}, headers=ADMIN)
    coordinator = bearer("municipal_coordinator", "municipality", "m1")
    assert [s["id"] for s in (await client.get("/api/v1/schools", headers=coordinator)).json()] == ["s1"]


async def test_no_token_401_wrong_role_403(registry) -> None:
    service, client = registry
    assert (await client.get("/api/v1/schools")).status_code == 401
    mentee = bearer("mentee", "school", "s1")
    assert (await client.post("/api/v1/schools", json=SCHOOL, headers=mentee)).status_code == 403
    assert await count(service, School) == 0


async def test_duplicate_external_id_is_a_conflict(registry) -> None:
    service, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    body = {"category": "teacher", "full_name": "Анна", "external_id": "T-1"}
    assert (await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json=body)).status_code == 201
    again = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json=body)
    assert again.status_code == 409
    assert await count(service, Participant) == 1


async def test_a_mentor_needs_capacity(registry) -> None:
    _, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    person = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={"category": "teacher", "full_name": "Анна"})
    programme = await client.post("/api/v1/schools/s1/programmes", headers=ADMIN, json={"title": "П", "academic_year": "2026/2027"})
    response = await client.post(f"/api/v1/programmes/{programme.json()['id']}/enrolments", headers=ADMIN,
                                 json={"participant_id": person.json()["id"], "role": "mentor"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "capacity"]


async def test_health_ready_metrics(registry) -> None:
    _, client = registry
    assert (await client.get("/health")).json()["status"] == "ok"
    ready = await client.get("/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True, "broker": True}
    metrics = await client.get("/metrics")
    assert "nastavnik_outbox_pending_events" in metrics.text
