"""A broker that blocks the service's connection (RabbitMQ's memory or disk alarm: every publish
waits) is visible: /ready answers 503 with the broker's reason, the metric says 1, and
`nastavnik status` reports the service NOT READY with that reason and exits 1.

The broker's `connection.blocked` frame is delivered to the client library's own frame handler
(what its reader does when the frame arrives): raising a real alarm on the shared broker would
stall every other test on the machine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pamqp import commands as spec

from shared.messaging import broker_state

from nastavnik.cli_operators import Status, render_status, service_status
from tests.integration.test_reliability import InProcess

pytestmark = pytest.mark.integration


@pytest.fixture
async def registry(vhost_url, databases, tmp_path) -> AsyncIterator[InProcess]:
    system = InProcess(("registry",), vhost_url, databases, tmp_path)
    await system.services["registry"].runtime.start()
    yield system
    await system.services["registry"].runtime.stop()


def amqp_connection(runtime):
    return runtime.broker._connection.transport.connection


async def test_a_blocked_connection_makes_the_service_not_ready_with_the_reason(registry) -> None:
    runtime = registry.services["registry"].runtime
    connection = amqp_connection(runtime)
    async with registry.client("registry") as client:
        assert (await client.get("/ready")).status_code == 200

        await connection._Connection__handle_connection_blocked(spec.Connection.Blocked(reason="low on memory"))
        try:
            blocked = await client.get("/ready")
            metrics = (await client.get("/metrics")).text
        finally:
            await connection._Connection__handle_connection_unblocked(spec.Connection.Unblocked())
        unblocked = await client.get("/ready")

    assert blocked.status_code == 503
    assert blocked.json()["checks"] == {"database": True, "broker": False}
    assert "low on memory" in blocked.json()["reasons"]["broker"]
    assert "nastavnik_broker_connection_blocked 1.0" in metrics.splitlines()
    assert unblocked.status_code == 200 and broker_state.blocked_reason(runtime.broker) is None

    # what `nastavnik status` makes of that /ready answer
    answers = {"/health": (200, {"status": "ok"}), "/ready": (503, blocked.json()), "/metrics": (200, metrics)}

    def reply(request: httpx.Request) -> httpx.Response:
        code, body = answers[request.url.path]
        return httpx.Response(code, text=body) if isinstance(body, str) else httpx.Response(code, json=body)

    with httpx.Client(transport=httpx.MockTransport(reply)) as http:
        status = Status([service_status("registry", "http://registry", http)], [])
    text = render_status(status)
    assert not status.ok
    assert "NOT READY" in text and "broker: the broker blocks publishing: low on memory" in text and "ATTENTION" in text
