"""Commands from school information systems, in memory: applied as the API would, rejected with
registry.command.rejected.v1 naming the reason, a school's credentials confined to its school."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from shared.contracts.envelope import Envelope
from shared.messaging.inbox import InboxMessage
from shared.messaging.outbox import OutboxMessage
from shared.messaging.topology import INBOUND_EXCHANGE, inbound_routing_key, school_user

from services.registry.main import create_service
from services.registry.models import Participant
from tests.component.helpers import ADMIN, emitted, running

SCHOOL = {"school_id": "s1", "name": "МБОУ СОШ № 1", "municipality_id": "m1", "municipality_name": "Северный район"}
REGISTER = "registry.participant.register.v1"
UPDATE = "registry.participant.update.v1"
WITHDRAW = "registry.participant.withdraw.v1"
REJECTED = "registry.command.rejected.v1"
TEACHER = {"external_id": "T-1", "category": "teacher", "full_name": "Иванова Анна", "experience_years": 2,
           "subjects": ["математика"], "consent": {"given_by": "self", "date": "2026-09-01"}}


@pytest.fixture
async def registry(settings):
    service = create_service(settings)
    async with running(service) as client:
        await client.post("/api/v1/schools", json=SCHOOL, headers=ADMIN)
        await client.post("/api/v1/schools", json={**SCHOOL, "school_id": "s2", "name": "Лицей"}, headers=ADMIN)
        yield service, client


async def send(service, command_type: str, data: dict, *, school: str = "s1", user: str | None = "default",
               message_id: str | None = None) -> str:
    envelope = Envelope(source=f"/schools/{school}", type=command_type, data=data)
    if message_id:
        envelope.id = message_id
    await service.runtime.broker.publish(
        envelope.model_dump_json().encode(), exchange=INBOUND_EXCHANGE, routing_key=inbound_routing_key(school, command_type),
        content_type="application/json", message_id=envelope.id,
        user_id=school_user(school) if user == "default" else user,
    )
    return envelope.id


async def persons(service) -> list[Participant]:
    async with service.runtime.db.sessions() as session:
        return list((await session.exec(select(Participant))).all())


async def test_register_update_withdraw_by_command(registry) -> None:
    service, _ = registry
    await send(service, REGISTER, TEACHER)
    [person] = await persons(service)
    assert person.school_id == "s1" and person.young_specialist is True
    [registered] = await emitted(service, "registry.participant.registered.v1")
    assert registered["participant_id"] == person.id

    await send(service, UPDATE, {"external_id": "T-1", "experience_years": 12, "birth_year": 1980})
    [updated] = await emitted(service, "registry.participant.updated.v1")
    assert updated["experience_years"] == 12 and updated["young_specialist"] is False
    assert set(updated["changed"]) == {"experience_years", "young_specialist"}

    await send(service, WITHDRAW, {"external_id": "T-1", "reason": "left_school"})
    [withdrawn] = await emitted(service, "registry.participant.withdrawn.v1")
    assert withdrawn == {"participant_id": person.id, "school_id": "s1", "reason": "left_school", "ended_programme_ids": []}
    [person] = await persons(service)
    assert person.status == "left" and person.external_id is None and "Иванова" not in person.full_name
    assert await emitted(service, REJECTED) == []
    # The inbox keeps the message ids (dedup), not the people's data.
    async with service.runtime.db.sessions() as session:
        bodies = [m.body for m in (await session.exec(select(InboxMessage))).all()]
    assert len(bodies) == 3 and not any("Иванова" in body for body in bodies)


async def test_a_redelivered_command_is_applied_once(registry) -> None:
    service, _ = registry
    await send(service, REGISTER, TEACHER, message_id="cmd-1")
    await send(service, REGISTER, TEACHER, message_id="cmd-1")
    assert len(await persons(service)) == 1
    assert await emitted(service, REJECTED) == []


async def test_invalid_and_conflicting_commands_are_answered(registry) -> None:
    service, _ = registry
    await send(service, REGISTER, {**TEACHER, "category": "pupil"})  # a pupil without a grade
    await send(service, REGISTER, TEACHER)
    await send(service, REGISTER, TEACHER)  # duplicate external id
    await send(service, UPDATE, {"external_id": "nobody", "grade": 5})
    await send(service, REGISTER, {**TEACHER, "external_id": "P-1", "category": "pupil", "grade": 5,
                                   "consent": {"given_by": "self"}})  # a pupil cannot consent for themselves
    rejected = await emitted(service, REJECTED)
    assert [r["code"] for r in rejected] == ["invalid", "conflict", "not_found", "invalid"]
    assert rejected[0]["errors"][0]["field"].startswith("data") and rejected[0]["command_type"] == REGISTER
    assert "уже есть" in rejected[1]["reason"] and rejected[1]["external_id"] == "T-1"
    assert "законный представитель" in rejected[3]["reason"]
    assert len(await persons(service)) == 1
    # Rejected commands' bodies are redacted from the inbox by the next command.
    await send(service, UPDATE, {"external_id": "T-1", "experience_years": 3})
    async with service.runtime.db.sessions() as session:
        bodies = [m.body for m in (await session.exec(select(InboxMessage))).all()]
    assert len(bodies) == 6 and not any("Иванова" in body for body in bodies)


async def test_a_school_cannot_act_for_another(registry) -> None:
    service, _ = registry
    # Credentials of school s2 publishing under s1's routing key: the broker's user id betrays it.
    await send(service, REGISTER, TEACHER, school="s1", user=school_user("s2"))
    # s2's own routing key, but the payload names s1.
    await send(service, REGISTER, {**TEACHER, "school_id": "s1"}, school="s2")
    rejected = await emitted(service, REJECTED)
    assert [r["school_id"] for r in rejected] == ["s1", "s2"]
    assert "may not act" in rejected[0]["reason"] and rejected[0]["code"] == "forbidden"
    assert "не совпадает" in rejected[1]["reason"] and rejected[1]["code"] == "forbidden"
    assert await persons(service) == []


async def test_a_registration_without_consent_is_kept_but_not_announced(registry) -> None:
    service, _ = registry
    await send(service, REGISTER, {**TEACHER, "consent": None})
    assert len(await persons(service)) == 1
    assert await emitted(service, "registry.participant.registered.v1") == []
    await send(service, UPDATE, {"external_id": "T-1", "consent": {"given_by": "self"}})
    assert len(await emitted(service, "registry.participant.registered.v1")) == 1


async def test_an_unknown_command_and_a_malformed_envelope(registry) -> None:
    service, _ = registry
    await send(service, "registry.participant.promote.v1", {"external_id": "T-1"})
    [rejected] = await emitted(service, REJECTED)
    assert "Неизвестная команда" in rejected["reason"]
    await service.runtime.broker.publish(b"not json", exchange=INBOUND_EXCHANGE,
                                         routing_key=inbound_routing_key("s1", REGISTER), message_id="junk")
    assert [d["reason"] for d in service.runtime.consumer.memory_dead_letters if d["message_id"] == "junk"]


async def test_a_command_without_its_cloudevents_attributes_is_dead_lettered_and_changes_nothing(registry) -> None:
    service, _ = registry
    loose = json.dumps({"source": "/schools/s1", "type": REGISTER, "data": TEACHER}).encode()  # no specversion, id, time
    await service.runtime.broker.publish(loose, exchange=INBOUND_EXCHANGE, routing_key=inbound_routing_key("s1", REGISTER),
                                         message_id="loose-1", user_id=school_user("s1"))
    [dead] = [d for d in service.runtime.consumer.memory_dead_letters if d["message_id"] == "loose-1"]
    assert "specversion" in dead["reason"] and "id" in dead["reason"] and "time" in dead["reason"]
    assert await persons(service) == [] and await emitted(service, "registry.participant.registered.v1") == []

    untimed = json.loads(Envelope(source="/schools/s1", type=REGISTER, data=TEACHER).model_dump_json())
    untimed["time"] = 1788220800  # a number, not an RFC 3339 date-time
    await service.runtime.broker.publish(json.dumps(untimed).encode(), exchange=INBOUND_EXCHANGE,
                                         routing_key=inbound_routing_key("s1", REGISTER), message_id=untimed["id"], user_id=school_user("s1"))
    assert [d for d in service.runtime.consumer.memory_dead_letters if d["message_id"] == untimed["id"] and "time" in d["reason"]]
    assert await persons(service) == []


async def test_every_event_a_command_causes_carries_the_command_id_as_its_correlation_id(registry) -> None:
    service, _ = registry
    command_id = await send(service, REGISTER, TEACHER)
    rejected_id = await send(service, REGISTER, {**TEACHER, "external_id": "T-2", "category": "astronaut"})
    async with service.runtime.db.sessions() as session:
        rows = {row.event_type: json.loads(row.body) for row in (await session.exec(select(OutboxMessage))).all()
                if row.event_type in ("registry.participant.registered.v1", REJECTED)}
    assert rows["registry.participant.registered.v1"]["correlationid"] == command_id
    assert rows[REJECTED]["correlationid"] == rejected_id
