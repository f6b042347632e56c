from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from nastavnik.processes import SERVICES, ServiceProcesses
from tests import infra
from tests.conftest import SECRET

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


@pytest.fixture
async def processes(vhost_url: str, databases: dict[str, str], tmp_path: Path) -> AsyncIterator[ServiceProcesses]:
    system = ServiceProcesses(vhost_url, databases, tmp_path, SECRET)
    system.start_all()
    try:
        await system.wait_ready()
        yield system
    finally:
        system.stop_all()
