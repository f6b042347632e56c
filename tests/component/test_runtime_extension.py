"""A composition root extends the shared runtime through its extension points only: a relay
factory, start and stop hooks (docs/developing.md, "Extending the runtime")."""

from __future__ import annotations

from faststream.rabbit import TestRabbitBroker

from shared.messaging.outbox import OutboxRelay
from shared.runtime import ServiceRuntime, bulk_relay, standard_relay
from shared.settings import Settings


async def test_hooks_run_after_the_start_and_before_the_stop_and_the_factory_builds_the_relay_used(settings: Settings) -> None:
    calls: list[str] = []
    built: list[OutboxRelay] = []

    def relay(runtime: ServiceRuntime) -> OutboxRelay:
        built.append(standard_relay(runtime))
        return built[-1]

    runtime = ServiceRuntime("hooks", settings, [], relay=relay)

    async def started_second() -> None:
        calls.append(f"start 2, relay running: {runtime.relay.running}")

    runtime.on_start(lambda: calls.append("start 1"))
    runtime.on_start(started_second)
    runtime.on_stop(lambda: calls.append("stop 1"))

    async def stopped_first() -> None:
        calls.append(f"stop 2, relay running: {runtime.relay.running}")

    runtime.on_stop(stopped_first)
    assert built == [runtime.relay]
    async with TestRabbitBroker(runtime.broker):
        await runtime.start()
        assert calls == ["start 1", "start 2, relay running: True"]
        await runtime.stop()
    assert calls[2:] == ["stop 2, relay running: True", "stop 1"]


def test_the_bulk_relay_is_the_standard_one_on_the_in_memory_broker(settings: Settings) -> None:
    runtime = ServiceRuntime("bulk", settings, [], relay=bulk_relay)
    assert type(runtime.relay) is OutboxRelay and not runtime.relay.bulk
    with_broker = ServiceRuntime("bulk2", settings.model_copy(update={"rabbitmq_url": "amqp://guest:guest@127.0.0.1:5672/"}), [],
                                 relay=bulk_relay)
    assert with_broker.relay.bulk


async def test_in_memory_a_publish_waits_for_a_slow_consumer_instead_of_cutting_it_short(settings: Settings, monkeypatch) -> None:
    """On the in-memory broker a publish runs the consumers' handlers before it returns: however
    long they take, it is not cut short (on RabbitMQ it is, after `publish_timeout` and a grace),
    so the event is applied once and the relay sees no failure."""
    import asyncio

    from shared import runtime as runtime_module
    from shared.contracts.registry import SchoolRegistered

    monkeypatch.setattr(runtime_module, "PUBLISH_GRACE", 0.1)
    runtime = ServiceRuntime("slow", settings.model_copy(update={"publish_timeout": 0.1}), [])
    applied: list[str] = []

    async def slow(_work, _envelope, event: SchoolRegistered) -> None:
        await asyncio.sleep(1.0)  # five times the bound a publish has on RabbitMQ here
        applied.append(event.school_id)

    runtime.publishes(SchoolRegistered)
    runtime.consumes(SchoolRegistered, slow)
    async with TestRabbitBroker(runtime.broker):
        await runtime.start()
        try:
            async with runtime.uow() as work:
                work.emit(SchoolRegistered(school_id="s1", name="Школа", municipality_id="m1", municipality_name="Район",
                                           region_id="test-region"))
            for _ in range(50):
                if applied and await runtime.relay.pending_count() == 0:
                    break
                await asyncio.sleep(0.1)
        finally:
            await runtime.stop()
    assert applied == ["s1"]
    assert runtime.metrics.publish_failures._value.get() == 0
