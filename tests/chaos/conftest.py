from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nastavnik.processes import ServiceProcesses, create_databases, drop_databases
from tests.chaos import infra
from tests.conftest import SECRET

pytestmark = pytest.mark.chaos


@dataclass
class Servers:
    rabbit: infra.RabbitNode
    postgres: infra.PostgresCluster


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """One private broker node and PostgreSQL cluster for the chaos module (each scenario has its
    own vhost and databases on them)."""
    why = infra.available()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"chaos scenarios cannot run: {why}")
        pytest.skip(why)
    work = Path(tempfile.mkdtemp(prefix="nastavnik-chaos-"))
    work.chmod(0o755)  # the servers run as their own accounts
    postgres, rabbit = infra.PostgresCluster(work), infra.RabbitNode(work)
    try:
        postgres.start()
        rabbit.start()
        yield Servers(rabbit, postgres)
    finally:
        rabbit.stop()
        postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
async def system(servers: Servers, tmp_path: Path) -> AsyncIterator[ServiceProcesses]:
    vhost = f"chaos-{tmp_path.name}"[:60]
    servers.rabbit.ctl("add_vhost", vhost)
    servers.rabbit.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    databases = await create_databases(servers.postgres.admin_url)
    processes = ServiceProcesses(servers.rabbit.url + vhost, databases, tmp_path, SECRET)
    processes.start_all()
    try:
        await processes.wait_ready()
        yield processes
    finally:
        processes.stop_all()
        if servers.postgres.process is not None:
            await drop_databases(servers.postgres.admin_url, databases)
        if servers.rabbit.process is not None:
            servers.rabbit.ctl("delete_vhost", vhost)
