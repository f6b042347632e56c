"""The school developers' example, end to end: with the school's own broker credentials, the
plain-pika client registers a person (the registry applies it), learns the person's id from the
answer in its own queue, and submits that person's questionnaire with the example's answers to
the real instrument (surveys scores and stores it) — services on the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from shared import clock
from shared.clock import academic_year_of
from shared.settings import Settings

from nastavnik.cli import cli
from nastavnik.cli_operators import delete_school_user
from nastavnik.services import FACTORIES
from services.surveys.models import Enrolment, Respondent, SurveyResponse
from tests import infra
from tests.component.helpers import ADMIN
from tests.conftest import SECRET

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "school_client"))
from client import SATISFACTION_MENTEE_V1, SchoolClient

pytestmark = pytest.mark.integration


async def eventually(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (result := await check()):
        assert time.monotonic() < deadline, "the command had no effect in time"
        await asyncio.sleep(0.2)
    return result


async def test_a_school_system_registers_a_person_and_submits_their_questionnaire(vhost_url, databases, tmp_path) -> None:
    management = infra.management_url()
    if not management:
        infra._unavailable("RabbitMQ management API", f"{infra.MANAGEMENT_ENV} is not set and no local management API answers")
    services = {name: FACTORIES[name](Settings(rabbitmq_url=vhost_url, database_url=databases[name], data_dir=tmp_path,
                                               jwt_secret=SECRET, region_id="test-region"))
                for name in ("registry", "surveys")}
    for service in services.values():
        await service.runtime.start()
    school_id, password = f"s{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    try:
        import httpx

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=services["registry"].http), base_url="http://r") as registry:
            assert (await registry.post("/api/v1/schools", headers=ADMIN, json={
                "school_id": school_id, "name": "Школа", "municipality_id": "m1", "municipality_name": "Район"})).status_code == 201
            result = CliRunner().invoke(cli, ["broker", "school-access", school_id, "--password", password, "--apply",
                                              "--management-url", management, "--rabbitmq-url", vhost_url])
            assert result.exit_code == 0, result.output
            parsed = urllib.parse.urlparse(vhost_url)
            url = urllib.parse.urlunparse(parsed._replace(netloc=f"school-{school_id}:{password}@{parsed.hostname}:{parsed.port}"))

            client = SchoolClient(url, school_id)
            command_id = await asyncio.to_thread(client.register_participant, "erp-1", "Смирнов Илья Олегович", category="teacher",
                                                 experience_years=1, consent={"given_by": "self", "document": "№ 15"})
            # the school learns the person's id from its own queue, as the example does
            answer = await asyncio.to_thread(client.result_of, command_id)
            assert answer["type"] == "registry.participant.registered.v1", answer
            participant_id = answer["data"]["participant_id"]
            people = (await registry.get(f"/api/v1/schools/{school_id}/participants", headers=ADMIN)).json()
            assert {p["id"]: p.get("external_id") for p in people}[participant_id] == "erp-1"
            # the mentee satisfaction questionnaire is answered by mentees of a programme
            programme = await registry.post(f"/api/v1/schools/{school_id}/programmes", headers=ADMIN, json={
                "title": "Программа", "academic_year": academic_year_of(clock.today()), "forms": ["teacher_teacher"]})
            assert programme.status_code == 201, programme.text
            enrolled = await registry.post(f"/api/v1/programmes/{programme.json()['id']}/enrolments", headers=ADMIN,
                                           json={"participant_id": participant_id, "role": "mentee"})
            assert enrolled.status_code in (200, 201), enrolled.text

        async def known_to_surveys() -> bool:
            async with services["surveys"].runtime.db.sessions() as session:
                return await session.get(Respondent, participant_id) is not None

        async def enrolled_in_surveys() -> bool:
            async with services["surveys"].runtime.db.sessions() as session:
                return (await session.exec(select(Enrolment).where(Enrolment.participant_id == participant_id))).first() is not None

        await eventually(known_to_surveys)
        await eventually(enrolled_in_surveys)
        await asyncio.to_thread(client.submit_questionnaire, participant_id, "satisfaction_mentee", 1, SATISFACTION_MENTEE_V1, "erp-survey-0001")
        client.close()

        async def stored() -> SurveyResponse | None:
            async with services["surveys"].runtime.db.sessions() as session:
                return (await session.exec(select(SurveyResponse).where(SurveyResponse.respondent_id == participant_id))).first()

        response = await eventually(stored)
        assert response.scores["satisfaction"] == 8.0  # (9+8+7+10+6)/5
        assert response.school_id == school_id
    finally:
        for service in services.values():
            await service.runtime.stop()
        delete_school_user(management, school_id)
