"""The curator's «what to do now» (the home page's registry part) knows the programme's year:
a running programme of this academic year without its three documents or an appointed curator,
and mentors without training this year — and forgets each once it is recorded through the API."""

from __future__ import annotations

from shared import clock
from shared.auth import COOKIE_NAME, Principal
from shared.clock import academic_year_of
from shared.web import issue_session

from services.registry.main import create_service
from tests.component.helpers import ADMIN, bearer, running

CURATOR = bearer("school_curator", "school", "s1")
PDF = b"%PDF-1.4\n%%EOF\n"


async def test_missing_documents_and_untrained_mentors_are_on_the_curators_list(settings) -> None:
    service = create_service(settings)
    async with running(service) as client:
        await client.post("/api/v1/schools", headers=ADMIN, json={
            "school_id": "s1", "name": "Школа 1", "municipality_id": "m1", "municipality_name": "Район 1"})
        people = []
        for name in ("Наставникова Анна", "Кураторова Ольга"):
            r = await client.post("/api/v1/schools/s1/participants", headers=ADMIN, json={
                "category": "teacher", "full_name": name, "consent": {"given_by": "self"}})
            people.append(r.json()["id"])
        r = await client.post("/api/v1/schools/s1/programmes", headers=CURATOR, json={
            "title": "Вместе", "academic_year": academic_year_of(clock.today())})
        programme = r.json()["id"]
        r = await client.post(f"/api/v1/programmes/{programme}/enrolments", headers=CURATOR,
                              json={"participant_id": people[0], "role": "mentor", "capacity": 2})
        assert r.status_code == 201, r.text
        curator = Principal(sub="curator", role="school_curator", scope="school", scope_id="s1", name="Куратор", sid="s-c")
        client.cookies.set(COOKIE_NAME, issue_session(settings.jwt_secret, curator))

        todo = (await client.get("/todo")).text
        assert (f"/registry/programmes/{programme}/documents" in todo and "нет — приказ о внедрении целевой модели "
                "наставничества; положение о наставничестве; дорожная карта реализации программы; приказ о назначении "
                "куратора" in todo)
        assert "Наставники без обучения в этом учебном году" in todo

        order = None
        for kind in ("order", "regulation", "roadmap", "curator_order"):
            r = await client.post("/api/v1/documents", headers=CURATOR, files={"file": (f"{kind}.pdf", PDF)},
                                  data={"programme_id": programme, "kind": kind, "number": "1", "issued_on": clock.today().isoformat()})
            assert r.status_code == 201, r.text
            order = r.json()["id"]
        todo = (await client.get("/todo")).text
        assert "нет — приказ о назначении куратора" in todo and "положение" not in todo
        r = await client.put(f"/api/v1/programmes/{programme}/curator-appointment", headers=CURATOR,
                             json={"participant_id": people[1], "order_document_id": order})
        assert r.status_code == 200, r.text
        r = await client.post("/api/v1/schools/s1/training", headers=CURATOR, json={
            "person_ids": [people[0]], "kind": "intensive", "title": "Интенсив", "organiser": "ИРО", "completed_on": clock.today().isoformat()})
        assert r.status_code == 201, r.text
        todo = (await client.get("/todo")).text
        assert "/documents" not in todo and "без обучения" not in todo
