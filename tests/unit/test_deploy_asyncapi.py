"""Every deployment serves the merged AsyncAPI document and a readable page of it, offline."""

from __future__ import annotations

import json
import re

import httpx
from fastapi import FastAPI

from shared.asyncapi_page import GENERATED, asyncapi_router
from shared.messaging.topology import INBOUND_EXCHANGE_NAME


def generated_event_types() -> set[str]:
    """The committed, generated document (tests/unit/test_contracts.py keeps it equal to the code)."""
    return {c["address"] for c in json.loads(GENERATED.read_text(encoding="utf-8"))["channels"].values()}


async def get(path: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(asyncapi_router())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get(path)


async def test_the_document_has_every_event_and_the_inbound_commands_channel() -> None:
    response = await get("/asyncapi.json")
    assert response.status_code == 200
    document = response.json()
    addresses = {c["address"]: c for c in document["channels"].values()}
    assert generated_event_types() <= set(addresses) and len(addresses) == len(generated_event_types()) + 1
    inbound = addresses["school.{schoolId}.{commandType}"]
    assert inbound["bindings"]["amqp"]["exchange"]["name"] == INBOUND_EXCHANGE_NAME
    for operation in document["operations"].values():  # every reference resolves
        assert operation["channel"]["$ref"].rsplit("/", 1)[-1] in document["channels"]
    for channel in document["channels"].values():
        for ref in channel["messages"].values():
            assert ref["$ref"].rsplit("/", 1)[-1] in document["components"]["messages"]


async def test_the_page_is_rendered_on_the_server_without_outside_resources() -> None:
    response = await get("/asyncapi")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<script" not in page and not re.search(r'(src|href)="https?://', page)
    for event_type in generated_event_types():
        assert f"<code>{event_type}</code>" in page
    assert "school.{schoolId}.{commandType}" in page and "Схема сообщения" in page
