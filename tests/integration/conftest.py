from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests import infra
from tests.conftest import SECRET

SERVICES = ("registry", "pairing", "surveys", "reports")
pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def rabbitmq_base() -> Iterator[str]:
    with infra.rabbitmq_url() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    with infra.postgres_url() as url:
        yield url


@pytest.fixture
def vhost_url(rabbitmq_base: str) -> Iterator[str]:
    """A fresh vhost per test: production names (nastavnik.events, <consumer>.<key>) without interference."""
    url = infra.create_vhost(rabbitmq_base)
    yield url
    infra.delete_vhost(url)


@pytest.fixture
async def databases(postgres_admin: str) -> AsyncIterator[dict[str, str]]:
    urls = await infra.create_databases(postgres_admin, list(SERVICES))
    yield urls
    await infra.drop_databases(postgres_admin, urls)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcesses:
    """The four services as separate OS processes (`python -m nastavnik serve <name>`)."""

    def __init__(self, broker_url: str, databases: dict[str, str], log_dir: Path) -> None:
        self.ports = {name: free_port() for name in SERVICES}
        self.processes: dict[str, subprocess.Popen] = {}
        self.broker_url = broker_url
        self.databases = databases
        self.log_dir = log_dir

    def start(self, name: str) -> None:
        env = {
            **os.environ,
            "RABBITMQ_URL": self.broker_url,
            "DATABASE_URL": self.databases[name],
            "NASTAVNIK_JWT_SECRET": SECRET,
            "NASTAVNIK_REGION_ID": "test-region",
            "NASTAVNIK_LOG_LEVEL": "WARNING",
        }
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "nastavnik", "serve", name, "--host", "127.0.0.1", "--port", str(self.ports[name])],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()

    async def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            for name in self.processes:
                while True:
                    if self.processes[name].poll() is not None:
                        raise RuntimeError(f"{name} exited: {(self.log_dir / f'{name}.log').read_text()[-3000:]}")
                    try:
                        if (await client.get(f"http://127.0.0.1:{self.ports[name]}/ready")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{name} not ready: {(self.log_dir / f'{name}.log').read_text()[-3000:]}")
                    await asyncio.sleep(0.2)

    def client(self) -> httpx.AsyncClient:
        """One client for all four: the first path segment picks the service's process."""
        return httpx.AsyncClient(transport=PrefixRouter(self.ports), base_url="http://nastavnik", timeout=30)


class PrefixRouter(httpx.AsyncBaseTransport):
    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        service = request.url.path.split("/")[1]
        request.url = request.url.copy_with(host="127.0.0.1", port=self.ports[service])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def processes(vhost_url: str, databases: dict[str, str], tmp_path: Path) -> AsyncIterator[ServiceProcesses]:
    system = ServiceProcesses(vhost_url, databases, tmp_path)
    for name in SERVICES:
        system.start(name)
    try:
        await system.wait_ready()
        yield system
    finally:
        for name in list(system.processes):
            system.stop(name)
