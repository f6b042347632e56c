"""Several broker nodes in the settings (NASTAVNIK_RABBITMQ_NODES): the URLs the services try."""

from __future__ import annotations

from shared.messaging.cluster import FailoverConnection, failover_connection, node_urls
from shared.settings import Settings


def test_nodes_share_the_credentials_and_vhost_of_the_url() -> None:
    settings = Settings(RABBITMQ_URL="amqp://svc:pw@rabbit-0:5672/region", rabbitmq_nodes="rabbit-1:5672, rabbit-2:5673,rabbit-0:5672")
    assert settings.broker_urls == ["amqp://svc:pw@rabbit-0:5672/region", "amqp://svc:pw@rabbit-1:5672/region",
                                    "amqp://svc:pw@rabbit-2:5673/region"]


def test_one_node_by_default_and_none_in_memory() -> None:
    assert Settings(RABBITMQ_URL="amqp://guest:guest@127.0.0.1:5672/").broker_urls == ["amqp://guest:guest@127.0.0.1:5672/"]
    assert Settings().broker_urls == []


def test_a_node_given_as_a_whole_url_is_taken_as_it_is() -> None:
    assert node_urls("amqp://a:b@h1/v", ["amqps://c:d@h2:5671/v"]) == ["amqp://a:b@h1/v", "amqps://c:d@h2:5671/v"]


def test_the_connection_class_carries_the_addresses() -> None:
    cls = failover_connection(["amqp://h1/", "amqp://h2/"])
    assert issubclass(cls, FailoverConnection) and cls.ADDRESSES == ("amqp://h1/", "amqp://h2/")
    # aio-pika's private step this class overrides must still exist (an upgrade would break failover silently)
    from aio_pika import RobustConnection
    assert hasattr(RobustConnection, "_RobustConnection__connect_transport")


async def test_a_reconnection_that_hangs_gives_way_to_the_next_node(monkeypatch) -> None:
    """A restore that never answers (a queue.declare during a leader election) is dropped after
    ATTEMPT_TIMEOUT and the next attempt goes to the next node, instead of waiting forever."""
    import asyncio

    from aio_pika import RobustConnection
    from yarl import URL

    tried: list[str] = []

    async def hangs(connection) -> None:
        tried.append(str(connection.url))
        await asyncio.Event().wait()

    monkeypatch.setattr(RobustConnection, "_RobustConnection__connect_transport", hangs)
    cls = failover_connection(["amqp://h1/", "amqp://h2/"])
    cls.ATTEMPT_TIMEOUT = 0.1
    connection = cls(URL("amqp://h1/"))
    connection.connection_attempt = connection._attempts = 1  # connected once: this is a reconnection
    started = asyncio.get_running_loop().time()
    try:
        await connection._RobustConnection__connect_transport()
        raise AssertionError("a hanging attempt must fail")
    except ConnectionError as error:
        assert "not restored within 0.1 s" in str(error)
    assert asyncio.get_running_loop().time() - started < 2
    assert tried == ["amqp://h2/"]  # a reconnection tries the next node; the one after that comes next
    assert connection.address == "amqp://h2/"
