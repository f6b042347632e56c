"""Helpers for component tests: one service on the in-memory broker, its database on the
module's backend (tests/component/conftest.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from faststream.rabbit import TestRabbitBroker
from sqlmodel import select

from shared.auth import issue_token
from shared.contracts.envelope import EventData, new_envelope
from shared.messaging.outbox import OutboxMessage
from shared.messaging.topology import EVENTS_EXCHANGE
from shared.settings import Settings

from tests.conftest import SECRET


@asynccontextmanager
async def running(service: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with TestRabbitBroker(service.runtime.broker):
        await service.runtime.start()
        try:
            async with client_of(service) as client:
                yield client
        finally:
            await service.runtime.stop()


def client_of(service: Any) -> httpx.AsyncClient:
    """An HTTP client of the service's API (its own cookies: one per test on a shared service)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=service.http), base_url="http://test")


def region_fixtures(create: Callable[[Settings], Any], load: Callable[[Any], Awaitable[None]]) -> tuple[Any, Any]:
    """A big region loaded once per module (`shared_region`) and the `region` fixture, which hands
    each test that service with a client of its own; a test marked `changes_region` (it delivers,
    posts or rebuilds) gets a region of its own instead. The module runs on one event loop:
    `pytestmark = pytest.mark.asyncio(loop_scope="module")`.
    Use: `shared_region, region = region_fixtures(create_service, load_region)`."""

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def shared_region(module_settings: Settings) -> AsyncIterator[Any]:
        service = create(module_settings)
        async with running(service):
            await load(service)
            yield service

    @pytest_asyncio.fixture(loop_scope="module")
    async def region(request: pytest.FixtureRequest, settings: Settings, shared_region: Any) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
        if request.node.get_closest_marker("changes_region"):
            service = create(settings)
            async with running(service) as client:
                await load(service)
                yield service, client
        else:
            async with client_of(shared_region) as client:
                yield shared_region, client

    return shared_region, region


def bearer(role: str, scope: str, scope_id: str, sub: str = "tester") -> dict[str, str]:
    # Issued when a test module is imported and used for the whole run, which can last over an hour
    # on a loaded machine: valid for a day (the default longest lifetime is 30 days).
    token = issue_token(SECRET, sub=sub, role=role, scope=scope, scope_id=scope_id, ttl=timedelta(hours=24))
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer("region_admin", "region", "test-region")


async def deliver(service: Any, data: EventData, *, source: str = "test", envelope_id: str | None = None) -> str:
    """Publish an event to the service as another service would; returns the envelope id."""
    envelope = new_envelope(source, data)
    if envelope_id:
        envelope.id = envelope_id
    await deliver_raw(service, data.event_type, envelope.model_dump_json().encode(), envelope.id)
    return envelope.id


async def deliver_raw(service: Any, routing_key: str, body: bytes, message_id: str = "raw") -> None:
    await service.runtime.broker.publish(
        body, exchange=EVENTS_EXCHANGE, routing_key=routing_key, content_type="application/json", message_id=message_id
    )


async def emitted(service: Any, event_type: str) -> list[dict]:
    """The `data` of every event of this type the service wrote to its outbox."""
    async with service.runtime.db.sessions() as session:
        rows = (await session.exec(select(OutboxMessage).where(OutboxMessage.event_type == event_type).order_by(OutboxMessage.created_at))).all()
    return [json.loads(row.body)["data"] for row in rows]


async def count(service: Any, model: type) -> int:
    async with service.runtime.db.sessions() as session:
        return len((await session.exec(select(model))).all())
