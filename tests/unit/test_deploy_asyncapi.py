"""Every deployment serves the merged AsyncAPI document and a readable page of it, offline."""

from __future__ import annotations

import json
import re

import httpx
from fastapi import FastAPI

from shared.asyncapi_page import GENERATED, asyncapi_router
from shared.contracts import EVENTS
from shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE_NAME,
    INBOUND_EXCHANGE_NAME,
    SCHOOL_HEADER,
    SCHOOLS_EXCHANGE_NAME,
)


def generated_event_types() -> set[str]:
    """The committed, generated document (tests/unit/test_contracts.py keeps it equal to the code)."""
    return {c["address"] for c in json.loads(GENERATED.read_text(encoding="utf-8"))["channels"].values()}


async def get(path: str, rabbitmq_url: str | None = None) -> httpx.Response:
    app = FastAPI()
    app.include_router(asyncapi_router(rabbitmq_url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get(path)


def committed() -> dict:
    return json.loads(GENERATED.read_text(encoding="utf-8"))


async def test_the_served_document_is_the_committed_one_with_the_deployments_server_and_vhost() -> None:
    assert (await get("/asyncapi.json")).json() == committed()
    served = (await get("/asyncapi.json", "amqp://nastavnik:secret@broker.region.example:5671/nastavnik-prod")).json()
    assert served["servers"]["rabbitmq"]["host"] == "broker.region.example:5671"
    vhosts = {part["vhost"] for c in served["channels"].values() for part in c["bindings"]["amqp"].values() if isinstance(part, dict)}
    assert vhosts == {"nastavnik-prod"}
    assert "secret" not in json.dumps(served)
    # apart from the deployment's server and vhost, the same document
    expected = committed()
    expected["servers"] = served["servers"]
    for key, channel in expected["channels"].items():
        channel["bindings"] = served["channels"][key]["bindings"]
    assert served == expected


async def test_the_document_has_every_event_and_the_inbound_commands_channel() -> None:
    document = (await get("/asyncapi.json")).json()
    addresses = {c["address"]: c for c in document["channels"].values()}
    assert {e.event_type for e in EVENTS} <= set(addresses)
    inbound = addresses["school.{schoolId}.{commandType}"]
    assert inbound["bindings"]["amqp"]["exchange"]["name"] == INBOUND_EXCHANGE_NAME
    for operation in document["operations"].values():  # every reference resolves
        assert operation["channel"]["$ref"].rsplit("/", 1)[-1] in document["channels"]
    for channel in document["channels"].values():
        for ref in channel["messages"].values():
            assert ref["$ref"].rsplit("/", 1)[-1] in document["components"]["messages"]


def resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


async def test_every_command_is_described_with_its_whole_data_schema() -> None:
    document = (await get("/asyncapi.json")).json()
    inbound = document["channels"]["school_inbound_commands"]
    commands = set(inbound["parameters"]["commandType"]["enum"])
    assert commands == {"registry.participant.register.v1", "registry.participant.update.v1",
                        "registry.participant.withdraw.v1", "surveys.response.submit.v1"}
    for ref in inbound["messages"].values():
        message = document["components"]["messages"][ref["$ref"].rsplit("/", 1)[-1]]
        envelope = resolve(document, message["payload"])
        assert set(envelope["required"]) >= {"specversion", "id", "source", "type", "time", "data"}
        assert envelope["properties"]["type"]["const"] in commands
        data = resolve(document, envelope["properties"]["data"])
        assert data["properties"] and data.get("required"), message["name"]  # not just {"type": "object"}
    register = resolve(document, document["components"]["schemas"]["command_registry_participant_register_v1"]["properties"]["data"])
    assert {"external_id", "category", "full_name"} <= set(register["required"])
    assert "consent" in register["properties"]


async def test_the_per_school_feed_and_the_dead_letter_topology_are_described() -> None:
    document = (await get("/asyncapi.json")).json()
    outbox = document["channels"]["school_outbox"]
    assert outbox["address"] == "school.{schoolId}.outbox" and outbox["bindings"]["amqp"]["is"] == "queue"
    assert SCHOOLS_EXCHANGE_NAME in outbox["description"] and SCHOOL_HEADER in outbox["description"]
    assert "surveys_response_completed_v1" in outbox["messages"] and "registry_command_rejected_v1" in outbox["messages"]
    completed = document["components"]["messages"]["surveys_response_completed_v1"]
    assert SCHOOL_HEADER in completed["headers"]["properties"]
    dead = document["channels"]["dead_letters"]
    assert dead["address"] == "{queue}.dlq" and dead["bindings"]["amqp"]["exchange"]["name"] == DEAD_LETTER_EXCHANGE_NAME


async def test_the_page_is_rendered_on_the_server_without_outside_resources() -> None:
    response = await get("/asyncapi")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script" not in page and not re.search(r'(src|href)="https?://', page)
    for event_type in generated_event_types():
        assert f"<code>{event_type}</code>" in page
    assert "school.{schoolId}.{commandType}" in page and "Схема сообщения" in page
