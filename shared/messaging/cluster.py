"""A service on a RabbitMQ cluster: several node addresses, and a connection that moves on to a
surviving node when its own goes away.

aio-pika's robust connection reconnects to the one URL it was given; `failover_connection()`
makes a subclass of it that tries the cluster's addresses in turn: at start the first that
answers (the start fails only when none does), after a loss the next one, round the ring. The
queues themselves are quorum queues (shared/messaging/topology.py): their Raft group lives on
three nodes and elects a new leader when one stops, so a consumer connected to any surviving
node goes on reading them and a publisher goes on writing (with confirms)."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections.abc import Sequence
from typing import Any

from aio_pika import RobustConnection

log = logging.getLogger("nastavnik.cluster")


def node_urls(url: str, nodes: Sequence[str]) -> list[str]:
    """The broker URL first, then the same URL (credentials, vhost, query) on each other
    `host:port` of `nodes` (an entry already equal to the URL's own node is skipped); an entry
    with a scheme is taken as a whole URL."""
    base = urllib.parse.urlsplit(url)
    credentials = base.netloc.rpartition("@")[0]
    urls = [url]
    for node in (n.strip() for n in nodes):
        if not node:
            continue
        candidate = node if "://" in node else urllib.parse.urlunsplit(
            base._replace(netloc=f"{credentials}@{node}" if credentials else node))
        if candidate not in urls:
            urls.append(candidate)
    return urls


class FailoverConnection(RobustConnection):
    """A robust connection over several nodes of one cluster (`ADDRESSES` set by `failover_connection`)."""

    ADDRESSES: tuple[str, ...] = ()
    ATTEMPT_TIMEOUT = 15.0
    """Seconds for one reconnection: the AMQP handshake and the restoration of every channel,
    queue and consumer. Without a bound, a queue.declare sent to a node while the queue's Raft
    group elects a leader (the old one killed) could wait forever, and the service with it."""

    def __init__(self, url: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(url, *args, **kwargs)
        self._addresses = self.ADDRESSES or (str(url),)
        self._current = 0
        self._attempts = 0

    @property
    def address(self) -> str:
        """The node this connection uses (or tries) now."""
        return self._addresses[self._current]

    def _use(self, index: int) -> None:
        self._current = index % len(self._addresses)
        self.url = type(self.url)(self._addresses[self._current])  # yarl's URL, as aio-pika keeps it

    async def _RobustConnection__connect_transport(self) -> None:  # noqa: N802 - overrides aio-pika's private step
        """Each attempt after the first goes to the next address; the first connection of all
        goes round every address once before it gives up (fail fast only when none answers)."""
        connect = RobustConnection._RobustConnection__connect_transport  # type: ignore[attr-defined]  # noqa: SLF001 - the step this class extends
        if self._attempts:
            self._use(self._current + 1)
        self._attempts += 1
        if self.connection_attempt:  # a reconnection: one address per attempt, the loop retries
            log.warning("broker connection: trying %s", self.url.with_password(None) if self.url.password else self.url)
            try:
                await asyncio.wait_for(connect(self), self.ATTEMPT_TIMEOUT)
            except TimeoutError:
                if self.transport is not None:  # half restored: dropped, the next attempt restores all again
                    await asyncio.gather(self.transport.connection.close(ConnectionError("restore timed out")), return_exceptions=True)
                raise ConnectionError(f"{self.url.host}:{self.url.port}: not restored within {self.ATTEMPT_TIMEOUT:g} s") from None
            return
        last: BaseException | None = None
        for _ in range(len(self._addresses)):
            try:
                await connect(self)
                return
            except Exception as error:  # noqa: BLE001 - tried on the next node; raised when none answers
                last = error
                self._use(self._current + 1)
        assert last is not None
        raise last


def failover_connection(urls: Sequence[str]) -> type[FailoverConnection]:
    """A FailoverConnection class bound to these node URLs (aio-pika builds the instance)."""
    return type("ClusterConnection", (FailoverConnection,), {"ADDRESSES": tuple(urls)})


def use_cluster(broker: Any, urls: Sequence[str]) -> None:
    """Make a FastStream RabbitBroker connect through the cluster's nodes (nothing for one node)."""
    if len(urls) > 1:
        broker._connection_kwargs["connection_class"] = failover_connection(urls)  # noqa: SLF001 - FastStream passes them to connect_robust
