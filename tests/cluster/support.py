"""What the cluster tests share: the ledger's observer on a quorum queue reached through every
node, service processes with replicas, and HTTP spread over a service's replicas."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import aio_pika
import httpx
import structlog

from shared.messaging.cluster import failover_connection
from shared.messaging.stall import StallWatch
from shared.messaging.topology import EVENTS_EXCHANGE_NAME

from nastavnik.processes import ServiceProcesses, free_port
from tests.chaos.ledger import COMPLETED, UPDATED, Load, Observer
from tests.cluster.infra import RabbitCluster


class ClusterObserver(Observer):
    """The ledger's observer on a quorum queue (it survives any one node) through a connection
    that moves to a surviving node."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__()
        self.urls = urls
        self.completed_at: dict[str, float] = {}  # completed event id → when the observer saw it
        self.reflected_at: dict[str, float] = {}  # completed event id → when a region announcement named it

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        now = time.monotonic()
        self.watch.delivered(self.queue_name)
        body = json.loads(message.body)
        if body["type"] == COMPLETED:
            self.completed_at.setdefault(body["id"], now)
        elif body["data"].get("scope") == "region":
            for cause in [body["data"]["caused_by"], *body["data"].get("also_caused_by", ())]:
                self.reflected_at.setdefault(cause, now)
        await super()._on_message(message)

    def lags(self) -> list[tuple[float, float]]:
        """(seen at, completed → region announcement in s) of every completion announced."""
        return sorted((at, self.reflected_at[event] - at) for event, at in self.completed_at.items() if event in self.reflected_at)

    def recovered_after(self, since: float, within: float = 1.0) -> float | None:
        """Seconds after `since` from which every completion was reflected within `within` s
        (None: never, or nothing seen after `since`)."""
        after = [(at, lag) for at, lag in self.lags() if at >= since]
        if not after:
            return None
        late = [at for at, lag in after if lag > within]
        return 0.0 if not late else max(late) - since

    async def start(self, url: str) -> None:
        self.queue_name = f"cluster.ledger.{uuid.uuid4().hex[:8]}"
        # the observer is a consumer of the same cluster: it gets the services' remedy for a consumer left unfed
        self.watch = StallWatch(10.0, structlog.get_logger("cluster.observer"))
        self.connection = await aio_pika.connect_robust(url, reconnect_interval=1, connection_class=failover_connection(self.urls))
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=500)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
        queue = await channel.declare_queue(self.queue_name, durable=True, arguments={"x-queue-type": "quorum"})
        for key in (COMPLETED, UPDATED):
            await queue.bind(exchange, routing_key=key)
        await queue.consume(self._on_message)
        self.watch.start(self.connection, [queue.name], busy=lambda: False)

    async def stop(self) -> None:
        await self.watch.stop()
        await super().stop()


def cluster_urls(cluster: RabbitCluster, vhost: str) -> list[str]:
    return [f"amqp://guest:guest@{node.address}/{vhost}" for node in cluster.nodes]


class ReplicatedProcesses(ServiceProcesses):
    """ServiceProcesses with more than one process of some services: `surveys#2` is the second
    replica of surveys (its own port, the same database and queues: competing consumers)."""

    def __init__(self, broker_url: str, databases: dict[str, str], log_dir: Path, secret: str,
                 replicas: dict[str, int] | None = None, extra_env: dict[str, str] | None = None) -> None:
        super().__init__(broker_url, databases, log_dir, secret, extra_env=extra_env)
        for name, count in (replicas or {}).items():
            for index in range(2, count + 1):
                self.ports[f"{name}#{index}"] = free_port()

    def start(self, name: str) -> None:
        service = name.split("#")[0]
        env = {**os.environ, "RABBITMQ_URL": self.broker_url, "DATABASE_URL": self.databases[service],
               "NASTAVNIK_DATA_DIR": str(self.log_dir / f"{name}-data"), **self.env}
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "nastavnik", "serve", service, "--host", "127.0.0.1", "--port", str(self.ports[name])],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )

    def start_all(self) -> None:
        for name in self.ports:
            self.start(name)

    def replicas(self, service: str) -> list[str]:
        return [name for name in self.ports if name.split("#")[0] == service]


class SpreadTransport(httpx.AsyncBaseTransport):
    """A load balancer in front of a service's replicas: each request to the next one; a replica
    that refuses the connection (killed) is skipped, as a Kubernetes Service would."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = itertools.cycle(range(len(ports)))
        self.inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=200, max_keepalive_connections=100))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        error: Exception | None = None
        for _ in range(len(self.ports)):
            request.url = request.url.copy_with(host="127.0.0.1", port=self.ports[next(self.turn)])
            try:
                return await self.inner.handle_async_request(request)
            except httpx.ConnectError as refused:
                error = refused
        assert error is not None
        raise error

    async def aclose(self) -> None:
        await self.inner.aclose()


class SpreadLoad(Load):
    """The ledger's load, spread over the surveys replicas."""

    ports: list[int] = []

    async def run(self) -> None:
        import asyncio

        respondents = [(s, ext) for s in self.region.schools for ext in ("t-01", "t-02", "t-03")]
        async with httpx.AsyncClient(base_url="http://surveys", timeout=30, transport=SpreadTransport(self.ports)) as client:
            start = time.monotonic()
            tasks = []
            for i in range(int(self.rate * self.duration)):
                delay = start + i / self.rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                school, ext = respondents[i % len(respondents)]
                tasks.append(asyncio.create_task(self.submit(client, school, ext, i)))
            await asyncio.gather(*tasks)


async def system_on(servers, vhost: str, log_dir: Path, secret: str,
                    replicas: dict[str, int] | None = None) -> ReplicatedProcesses:
    """The services (with `replicas`) as processes on a vhost of the cluster, each told every node."""
    from nastavnik.processes import create_databases

    cluster = servers.rabbit
    cluster.ctl("add_vhost", vhost)
    cluster.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    databases = await create_databases(servers.postgres.admin_url)
    return ReplicatedProcesses(cluster.url + vhost, databases, log_dir, secret, replicas,
                               extra_env={"NASTAVNIK_RABBITMQ_NODES": cluster.other_addresses})
