"""A consumer the broker stopped feeding is noticed and restored (shared/messaging/stall.py).

The broker is made to forget the service's consumers behind aio-pika's back (a basic.cancel sent
on the service's own channels: the client still believes it consumes, as after the failover
that once stalled the cluster test). An event published then waits in the queue until the watch
sees ready messages and nothing delivered, reconnects, and the restored consumer applies it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import aio_pika

from shared.contracts.envelope import new_envelope
from shared.contracts.registry import SessionsRevoked
from shared.messaging.topology import EVENTS_EXCHANGE_NAME
from shared.runtime import ServiceRuntime
from shared.settings import Settings


async def _forget_consumers(runtime: ServiceRuntime) -> int:
    """Cancel every consumer of the service on the broker, leaving aio-pika's records as they are."""
    connection = runtime.broker._connection
    cancelled = 0
    for channel in list(connection._RobustConnection__channels):
        if channel.is_closed:
            continue
        underlay = await channel.get_underlay_channel()  # aiormq's channel
        for tag in list(underlay.consumers):
            await underlay.basic_cancel(tag)
            cancelled += 1
    return cancelled


def _consumed(runtime: ServiceRuntime) -> float:
    return runtime.metrics.events_consumed.labels(SessionsRevoked.event_type)._value.get()


async def test_a_queue_that_stops_delivering_gets_its_consumer_back(vhost_url, tmp_path) -> None:
    settings = Settings(RABBITMQ_URL=vhost_url, data_dir=tmp_path, consumer_stall_seconds=1.5)
    runtime = ServiceRuntime("pairing", settings, [])
    await runtime.start()
    try:
        assert await _forget_consumers(runtime) >= 1
        event = SessionsRevoked(subject_id="p-1", revoked_before=datetime.now(UTC), reason="withdrawn")
        async with await aio_pika.connect(vhost_url) as publisher:
            channel = await publisher.channel()
            exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
            body = new_envelope("registry", event).model_dump_json().encode()
            await exchange.publish(aio_pika.Message(body, message_id="stall-1", delivery_mode=2), routing_key=event.event_type)

        await asyncio.sleep(1.0)
        assert _consumed(runtime) == 0  # the broker holds it: nobody is fed

        for _ in range(100):  # the watch checks every 1 s and acts after 1.5 s of silence
            if _consumed(runtime) == 1:
                break
            await asyncio.sleep(0.2)
        queue = next(q for q in runtime.consumed_queues if q.endswith(SessionsRevoked.event_type))
        assert runtime.metrics.consumer_stalls.labels(queue)._value.get() >= 1
        assert _consumed(runtime) == 1  # applied once, by the restored consumer
        assert (await runtime.ready())["broker"] is True
    finally:
        await runtime.stop()
