"""A school's broker credentials (`nastavnik broker school-access <school> --apply`) let it publish
its own commands and read its own outgoing events — and are refused everything else, on the
real RabbitMQ (management API required)."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Awaitable

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused, ChannelClosed, ChannelPreconditionFailed
from typer.testing import CliRunner

from shared.messaging.topology import (
    EVENTS_EXCHANGE_NAME,
    INBOUND_EXCHANGE_NAME,
    SCHOOLS_EXCHANGE_NAME,
    inbound_routing_key,
    school_outbox_queue,
    school_user,
)

from nastavnik.cli import cli
from nastavnik.cli_operators import delete_school_user
from tests import infra

pytestmark = pytest.mark.integration
COMMAND = "registry.participant.register.v1"


@pytest.fixture
def management_url(rabbitmq_base: str) -> str:
    url = infra.management_url()
    if not url:
        infra._unavailable("RabbitMQ management API", f"{infra.MANAGEMENT_ENV} is not set and no local management API answers (rabbitmq-plugins enable rabbitmq_management)")
    return url


def school_url(vhost_url: str, school_id: str, password: str) -> str:
    parsed = urllib.parse.urlparse(vhost_url)
    netloc = f"{school_user(school_id)}:{urllib.parse.quote(password, safe='')}@{parsed.hostname}:{parsed.port or 5672}"
    return urllib.parse.urlunparse(parsed._replace(netloc=netloc))


def grant(school_id: str, vhost_url: str, management_url: str, password: str) -> dict:
    result = CliRunner().invoke(cli, ["broker", "school-access", school_id, "--password", password, "--apply",
                                      "--management-url", management_url, "--rabbitmq-url", vhost_url])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
async def schools(vhost_url: str, management_url: str) -> AsyncIterator[dict[str, str]]:
    """Two schools with their own users; school id → AMQP URL with that school's credentials."""
    ids = [f"s{uuid.uuid4().hex[:8]}", f"s{uuid.uuid4().hex[:8]}"]
    urls = {}
    try:
        for school_id in ids:
            password = uuid.uuid4().hex
            definitions = grant(school_id, vhost_url, management_url, password)
            assert definitions["users"][0]["name"] == school_user(school_id)
            assert password not in json.dumps(definitions), "the definitions carry only the password's hash"
            urls[school_id] = school_url(vhost_url, school_id, password)
        yield urls
    finally:
        for school_id in ids:
            delete_school_user(management_url, school_id)


async def refused(action: Awaitable) -> str:
    with pytest.raises((ChannelAccessRefused, ChannelPreconditionFailed, ChannelClosed)) as caught:
        await action
    return str(caught.value)


async def test_a_school_publishes_its_own_commands_and_reads_its_own_events_only(vhost_url, schools) -> None:
    mine, other = list(schools)
    admin = await aio_pika.connect(vhost_url)
    async with admin:
        channel = await admin.channel()
        events = await channel.declare_exchange(EVENTS_EXCHANGE_NAME, aio_pika.ExchangeType.TOPIC, durable=True)
        inbound = await channel.get_exchange(INBOUND_EXCHANGE_NAME)
        commands = await channel.declare_queue("registry.inbound", durable=True)
        await commands.bind(inbound, "school.*.registry.#")
        service_queue = await channel.declare_queue("reports.pairing.pair.formed.v1", durable=True)
        await service_queue.bind(events, "pairing.pair.formed.v1")
        for school_id in (mine, other):  # as a service's relay publishes: the school in a header
            message = aio_pika.Message(f"event for {school_id}".encode(), headers={"school_id": school_id})
            await events.publish(message, "pairing.pair.formed.v1")
        await asyncio.sleep(0.2)
        assert [(await service_queue.get(no_ack=True)).body for _ in range(2)]  # the service got both

        school = await aio_pika.connect(schools[mine])
        async with school:
            async def publish(exchange_name: str, key: str, **props) -> None:
                ch = await school.channel(publisher_confirms=True)
                exchange = await ch.get_exchange(exchange_name, ensure=False)
                await exchange.publish(aio_pika.Message(b'{"ok": true}', content_type="application/json", **props), key)

            async def get(queue: str) -> aio_pika.abc.AbstractIncomingMessage | None:
                ch = await school.channel()
                q = await ch.get_queue(queue, ensure=False)
                return await q.get(no_ack=True, fail=False)

            async def declare(queue: str) -> None:
                ch = await school.channel()
                await ch.declare_queue(queue, durable=True)

            async def bind_own_queue_to_events() -> None:
                ch = await school.channel()
                q = await ch.get_queue(school_outbox_queue(mine), ensure=False)
                await q.bind(EVENTS_EXCHANGE_NAME, "#")

            # allowed: its own commands, with its own user id stamped, routed to the service's queue
            await publish(INBOUND_EXCHANGE_NAME, inbound_routing_key(mine, COMMAND), user_id=school_user(mine))
            await asyncio.sleep(0.2)
            delivered = await commands.get(no_ack=True)
            assert delivered.routing_key == inbound_routing_key(mine, COMMAND) and delivered.user_id == school_user(mine)
            # allowed: its own outgoing events
            own = await get(school_outbox_queue(mine))
            assert own is not None and own.body == f"event for {mine}".encode()

            # refused: everything else
            assert "ACCESS_REFUSED" in await refused(publish(INBOUND_EXCHANGE_NAME, inbound_routing_key(other, COMMAND)))
            assert "ACCESS_REFUSED" in await refused(publish(INBOUND_EXCHANGE_NAME, f"registry.{COMMAND}"))
            assert "ACCESS_REFUSED" in await refused(publish(EVENTS_EXCHANGE_NAME, "registry.participant.registered.v1"))
            assert "ACCESS_REFUSED" in await refused(publish("", "registry.inbound"))  # the default exchange
            assert "ACCESS_REFUSED" in await refused(publish(SCHOOLS_EXCHANGE_NAME, "", headers={"school_id": mine}))
            assert "PRECONDITION_FAILED" in await refused(publish(INBOUND_EXCHANGE_NAME, inbound_routing_key(mine, COMMAND), user_id=school_user(other)))
            assert "ACCESS_REFUSED" in await refused(get(school_outbox_queue(other)))
            assert "ACCESS_REFUSED" in await refused(get("registry.inbound"))
            assert "ACCESS_REFUSED" in await refused(get("reports.pairing.pair.formed.v1"))
            assert "ACCESS_REFUSED" in await refused(declare("my-own-queue"))
            assert "ACCESS_REFUSED" in await refused(bind_own_queue_to_events())

        # nothing the school was refused got through; the other school's event is still there for it
        assert await commands.get(no_ack=True, fail=False) is None
        assert await service_queue.get(no_ack=True, fail=False) is None
        assert (await channel.declare_queue(school_outbox_queue(other), passive=True)).declaration_result.message_count == 1


async def test_wrong_password_is_refused(vhost_url, schools) -> None:
    mine = next(iter(schools))
    parsed = urllib.parse.urlparse(schools[mine])
    wrong = urllib.parse.urlunparse(parsed._replace(netloc=f"{school_user(mine)}:wrong@{parsed.hostname}:{parsed.port}"))
    with pytest.raises(Exception, match="ACCESS_REFUSED|PLAIN|authentication"):
        await aio_pika.connect(wrong, timeout=5)
