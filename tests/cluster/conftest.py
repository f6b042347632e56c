from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.chaos import infra
from tests.cluster.infra import RabbitCluster

pytestmark = pytest.mark.cluster


@dataclass
class ClusterServers:
    rabbit: RabbitCluster
    postgres: infra.PostgresCluster


@pytest.fixture(scope="session")
def cluster_servers() -> Iterator[ClusterServers]:
    """A private three-node RabbitMQ cluster (the shovel plugin on) and PostgreSQL cluster for
    tests/cluster (each test has its own vhost and databases on them). Outside CI a machine
    without rabbitmq-server skips; under CI that fails."""
    why = infra.available()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"cluster tests cannot run: {why}")
        pytest.skip(why)
    work = Path(tempfile.mkdtemp(prefix="nastavnik-cluster-"))
    work.chmod(0o755)  # the servers run as their own accounts
    postgres, rabbit = infra.PostgresCluster(work), RabbitCluster(work, 3, plugins=("rabbitmq_shovel",))
    try:
        postgres.start()
        rabbit.start()
        yield ClusterServers(rabbit, postgres)
    finally:
        rabbit.stop()
        postgres.stop()
        if not os.environ.get("NASTAVNIK_TEST_KEEP_CLUSTER"):  # set: the nodes' logs stay for a post-mortem
            shutil.rmtree(work, ignore_errors=True)
