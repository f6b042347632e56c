"""A service given several broker nodes starts on the first that answers: the first address
below is a closed port, the second the real broker."""

from __future__ import annotations

from shared.contracts.registry import SessionsRevoked
from shared.messaging.cluster import FailoverConnection
from shared.runtime import ServiceRuntime
from shared.settings import Settings

from nastavnik.processes import free_port


async def test_a_service_starts_on_the_node_that_answers(vhost_url, tmp_path) -> None:
    dead = f"127.0.0.1:{free_port()}"
    host_port = vhost_url.split("@", 1)[1].split("/", 1)[0]
    url = vhost_url.replace(host_port, dead, 1)
    settings = Settings(RABBITMQ_URL=url, rabbitmq_nodes=host_port, data_dir=tmp_path)
    assert len(settings.broker_urls) == 2
    runtime = ServiceRuntime("pairing", settings, [])
    await runtime.start()
    try:
        connection = runtime.broker._connection
        assert isinstance(connection, FailoverConnection)
        assert connection.address == settings.broker_urls[1]
        assert (await runtime.ready())["broker"] is True
        assert SessionsRevoked.event_type in " ".join(runtime.consumed_queues)
    finally:
        await runtime.stop()
