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
        "consent": {"given_by": "self"},
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
    person = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={"category": "teacher", "full_name": "Анна", "consent": {"given_by": "self"}})
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


# -- consent, updates, withdrawal, programmes (152-ФЗ and the model) ------------------------------

PUPIL = {"category": "pupil", "full_name": "Соколов Артём", "external_id": "P-1", "grade": 10}
GUARDIAN = {"given_by": "legal_representative", "representative_name": "Соколова Елена", "document": "№ 7"}


async def school_with_programme(client) -> str:
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    programme = await client.post("/api/v1/schools/s1/programmes", headers=ADMIN,
                                  json={"title": "Вместе", "academic_year": "2026/2027", "forms": ["pupil_pupil", "teacher_pupil"]})
    assert programme.status_code == 201, programme.text
    return programme.json()["id"]


async def test_a_pupil_without_guardian_consent_is_stored_silently_and_refused_enrolment(registry) -> None:
    service, client = registry
    programme_id = await school_with_programme(client)
    pupil = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json=PUPIL)
    assert pupil.status_code == 201 and pupil.json()["consent_date"] is None
    assert await emitted(service, "registry.participant.registered.v1") == []
    refused = await client.post(f"/api/v1/programmes/{programme_id}/enrolments", headers=ADMIN,
                                json={"participant_id": pupil.json()["id"], "role": "mentee"})
    assert refused.status_code == 422
    assert "Нет согласия законного представителя" in refused.json()["detail"][0]["msg"]
    assert await emitted(service, "registry.participant.enrolled.v1") == []

    self_consent = await client.post(f"/api/v1/participants/{pupil.json()['id']}/consent", headers=ADMIN, json={"given_by": "self"})
    assert self_consent.status_code == 422 and "законный представитель" in self_consent.text
    consent = await client.post(f"/api/v1/participants/{pupil.json()['id']}/consent", headers=ADMIN, json=GUARDIAN)
    assert consent.status_code == 200 and consent.json()["consent_by"] == "legal_representative"
    [registered] = await emitted(service, "registry.participant.registered.v1")
    assert registered["grade"] == 10 and "Соколова" not in str(registered)
    enrolled = await client.post(f"/api/v1/programmes/{programme_id}/enrolments", headers=ADMIN,
                                 json={"participant_id": pupil.json()["id"], "role": "mentee"})
    assert enrolled.status_code == 201


async def test_withdrawal_ends_enrolments_announces_and_erases(registry) -> None:
    service, client = registry
    programme_id = await school_with_programme(client)
    pupil = (await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={**PUPIL, "consent": GUARDIAN})).json()
    await client.post(f"/api/v1/programmes/{programme_id}/enrolments", headers=ADMIN, json={"participant_id": pupil["id"], "role": "mentee"})
    curator = bearer("school_curator", "school", "s1")
    response = await client.post(f"/api/v1/participants/{pupil['id']}/withdrawal", headers=curator, json={"reason": "consent_withdrawn"})
    assert response.status_code == 200, response.text
    assert response.json() == {"participant_id": pupil["id"], "status": "withdrawn", "ended_programme_ids": [programme_id]}
    [withdrawn] = await emitted(service, "registry.participant.withdrawn.v1")
    assert withdrawn == {"participant_id": pupil["id"], "school_id": "s1", "reason": "consent_withdrawn", "ended_programme_ids": [programme_id]}
    record = (await client.get(f"/api/v1/participants/{pupil['id']}", headers=curator)).json()
    assert record["full_name"] == "Участник (данные удалены)" and record["external_id"] is None and record["grade"] is None
    assert record["status"] == "withdrawn" and record["consent_date"] is not None  # the fact of consent is kept
    enrolments = (await client.get(f"/api/v1/programmes/{programme_id}/enrolments", headers=curator)).json()
    assert [e["active"] for e in enrolments] == [False]
    assert (await client.get("/api/v1/schools/s1/participants", headers=curator)).json() == []
    # Nothing of the person is left in the registry's database, its sent outbox included.
    await service.runtime.relay.wait_idle()
    async with service.runtime.db.engine.connect() as conn:
        for table in ("registry_participant", "outbox", "registry_audit"):
            rows = (await conn.exec_driver_sql(f"SELECT * FROM {table}")).all()
            assert "Соколов" not in str(rows), table
    again = await client.post(f"/api/v1/participants/{pupil['id']}/withdrawal", headers=curator, json={"reason": "left_school"})
    assert again.status_code == 409
    # The same external id comes back only with a newer consent.
    back = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={**PUPIL, "consent": {**GUARDIAN, "date": "2020-01-01"}})
    assert back.status_code == 409 and "новым согласием" in back.text


async def test_updates_are_announced_with_what_changed(registry) -> None:
    service, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    teacher = (await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={
        "category": "teacher", "full_name": "Анна", "external_id": "T-1", "experience_years": 10, "birth_year": 1980,
        "consent": {"given_by": "self"}})).json()
    assert teacher["young_specialist"] is False
    same = await client.patch(f"/api/v1/participants/{teacher['id']}", headers=ADMIN, json={"experience_years": 10})
    assert same.status_code == 200 and await emitted(service, "registry.participant.updated.v1") == []
    internal = await client.patch(f"/api/v1/participants/{teacher['id']}", headers=ADMIN, json={"qualification": "высшая"})
    assert internal.json()["qualification"] == "высшая" and await emitted(service, "registry.participant.updated.v1") == []
    changed = await client.patch(f"/api/v1/participants/{teacher['id']}", headers=ADMIN, json={"birth_year": 1995, "position": "учитель"})
    assert changed.json()["young_specialist"] is True
    [update] = await emitted(service, "registry.participant.updated.v1")
    assert update["changed"] == ["young_specialist", "position"] and update["position"] == "учитель"
    school = await client.patch("/api/v1/schools/s1", headers=ADMIN, json={"difficult_conditions": True})
    assert school.json()["difficult_conditions"] is True
    [school_update] = await emitted(service, "registry.school.updated.v1")
    assert school_update["difficult_conditions"] is True and school_update["municipality_name"] == "Северный район"


async def test_programme_with_curator_stages_and_closing(registry) -> None:
    service, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    teacher = (await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={
        "category": "teacher", "full_name": "Анна", "consent": {"given_by": "self"}})).json()
    bad = await client.post("/api/v1/schools/s1/programmes", headers=ADMIN,
                            json={"title": "П", "academic_year": "2026/2027", "forms": ["teacher_alien"]})
    assert bad.status_code == 422 and "Неизвестные формы" in bad.text
    programme = (await client.post("/api/v1/schools/s1/programmes", headers=ADMIN, json={
        "title": "П", "academic_year": "2026/2027", "code": "PR-1", "curator_id": teacher["id"]})).json()
    assert programme["curator_id"] == teacher["id"] and programme["stage"] == "preparing"
    [launched] = await emitted(service, "registry.programme.launched.v1")
    assert launched["curator_id"] == teacher["id"]
    [curator] = await emitted(service, "registry.participant.enrolled.v1")
    assert curator["role"] == "curator"
    moved = await client.patch(f"/api/v1/programmes/{programme['id']}", headers=ADMIN, json={"stage": "pairing"})
    assert moved.json()["stage"] == "pairing"
    [updated] = await emitted(service, "registry.programme.updated.v1")
    assert updated["changed"] == ["stage"]
    closed = await client.patch(f"/api/v1/programmes/{programme['id']}", headers=ADMIN, json={"stage": "closed"})
    assert closed.json()["closed_at"] is not None
    assert len(await emitted(service, "registry.programme.closed.v1")) == 1
    enrolments = (await client.get(f"/api/v1/programmes/{programme['id']}/enrolments", headers=ADMIN)).json()
    assert [e["active"] for e in enrolments] == [False]
    late = await client.post(f"/api/v1/programmes/{programme['id']}/enrolments", headers=ADMIN,
                             json={"participant_id": teacher["id"], "role": "mentee"})
    assert late.status_code == 409


async def test_partners_and_their_people(registry) -> None:
    service, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    coordinator = bearer("municipal_coordinator", "municipality", "m1")
    partner = await client.post("/api/v1/partners", headers=coordinator,
                                json={"partner_id": "college", "name": "Педколледж", "kind": "college", "municipality_id": "m1"})
    assert partner.status_code == 201, partner.text
    [event] = await emitted(service, "registry.partner.registered.v1")
    assert event["kind"] == "college" and event["region_id"] == "test-region"
    other = bearer("municipal_coordinator", "municipality", "m9")
    assert (await client.post("/api/v1/partners", headers=other, json={"name": "X", "kind": "employer", "municipality_id": "m1"})).status_code == 403
    student = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={
        "category": "student", "full_name": "Орлова Дарья", "partner_id": "college", "consent": {"given_by": "self"}})
    assert student.status_code == 201
    [registered] = await emitted(service, "registry.participant.registered.v1")
    assert registered["partner_id"] == "college" and registered["category"] == "student"
    teacher_with_partner = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={
        "category": "teacher", "full_name": "Y", "partner_id": "college"})
    assert teacher_with_partner.status_code == 422


async def test_region_and_scopes_of_people(registry) -> None:
    _, client = registry
    await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
    region = (await client.get("/api/v1/region", headers=ADMIN)).json()
    assert region["id"] == "test-region" and [m["id"] for m in region["municipalities"]] == ["m1"]
    person = (await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={"category": "teacher", "full_name": "Анна"})).json()
    mentee_self = bearer("mentee", "school", "s1", sub=person["id"])
    assert (await client.get(f"/api/v1/participants/{person['id']}", headers=mentee_self)).status_code == 200
    someone_else = bearer("mentee", "school", "s1", sub="another")
    assert (await client.get(f"/api/v1/participants/{person['id']}", headers=someone_else)).status_code == 404
    assert (await client.get("/api/v1/schools/s1/participants", headers=mentee_self)).status_code == 403


async def test_openapi_documents_the_routes(registry) -> None:
    _, client = registry
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in ("/api/v1/region", "/api/v1/imports", "/api/v1/participants/{participant_id}/withdrawal",
                 "/api/v1/participants/{participant_id}/consent", "/api/v1/programmes/{programme_id}", "/api/v1/partners"):
        assert path in paths, path
