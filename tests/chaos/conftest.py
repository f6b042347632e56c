from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nastavnik.processes import ServiceProcesses, create_databases
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


@pytest.fixture(scope="session")
def system(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcesses]:
    """The services as separate processes on the private servers, shared by the scenarios (five
    processes take most of a minute to start on a loaded 2-core machine): each scenario counts
    its own completions on top of what the region held before it."""
    log_dir = tmp_path_factory.mktemp("chaos-services")
    vhost = "chaos"
    servers.rabbit.ctl("add_vhost", vhost)
    servers.rabbit.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    databases = asyncio.run(create_databases(servers.postgres.admin_url))
    processes = ServiceProcesses(servers.rabbit.url + vhost, databases, log_dir, SECRET)
    processes.start_all()
    try:
        asyncio.run(processes.wait_ready())
        yield processes
    finally:
        processes.stop_all()  # the cluster and the node go with their folder
