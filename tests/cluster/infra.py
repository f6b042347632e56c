"""A three-node RabbitMQ cluster of its own on this machine: three `rabbitmq-server` VMs (node
names `chaos-<port>@localhost`, each its own AMQP port and Mnesia folder, the Erlang cookie of the
rabbitmq account), joined with `rabbitmqctl join_cluster`. The quorum queues the services declare
get a member on each node (3.10: the initial group is every node of the cluster)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.chaos.infra import RabbitNode


class ClusterNode(RabbitNode):
    """A RabbitNode that keeps its distribution port (a restarted node is found by its peers) and
    can be stopped cleanly (`rabbitmqctl stop`: the node hands its leaderships over)."""

    def __init__(self, work_dir: Path, plugins: tuple[str, ...] = ()) -> None:
        super().__init__(work_dir)
        from nastavnik.processes import free_port

        self.dist_port = free_port()
        (self.dir / "enabled_plugins").write_text(f"[{','.join(plugins)}].\n")

    def _env(self) -> dict[str, str]:
        return {**super()._env(), "RABBITMQ_DIST_PORT": str(self.dist_port)}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop_cleanly(self) -> None:
        """`rabbitmqctl stop`: the VM shuts down in order (leaders transferred, clients told)."""
        if self.process is not None:
            self.ctl("stop", timeout=120)
            self.process.wait(120)
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class RabbitCluster:
    def __init__(self, work_dir: Path, size: int = 3, plugins: tuple[str, ...] = ()) -> None:
        self.nodes = [ClusterNode(work_dir, plugins) for _ in range(size)]

    def start(self) -> None:
        first, *others = self.nodes
        first.start()
        for node in others:
            node.start()
            node.ctl("stop_app")
            node.ctl("reset")
            node.ctl("join_cluster", first.node)
            node.ctl("start_app")
        status = first.ctl("cluster_status", "--formatter", "json")
        missing = [n.node for n in self.nodes if n.node not in status]
        if missing:
            raise RuntimeError(f"nodes not in the cluster: {missing}\n{status}")

    @property
    def url(self) -> str:
        return self.nodes[0].url

    @property
    def other_addresses(self) -> str:
        """NASTAVNIK_RABBITMQ_NODES for the services: every node but the first."""
        return ",".join(node.address for node in self.nodes[1:])

    def any_running(self) -> ClusterNode:
        return next(node for node in self.nodes if node.running)

    def ctl(self, *args: str, timeout: float = 60) -> str:
        return self.any_running().ctl(*args, timeout=timeout)

    def leader(self, queue: str, vhost: str) -> ClusterNode:
        """The node that leads a quorum queue now (`rabbitmqctl list_queues name leader`)."""
        deadline = time.monotonic() + 30
        while True:
            for line in self.ctl("list_queues", "-p", vhost, "name", "leader", "--no-table-headers").splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] == queue:
                    for node in self.nodes:
                        if node.node == parts[1] and node.running:
                            return node
            if time.monotonic() > deadline:
                raise RuntimeError(f"no running leader of {queue}")
            time.sleep(0.5)

    def members(self, queue: str, vhost: str) -> list[str]:
        for line in self.ctl("list_queues", "-p", vhost, "name", "members", "--no-table-headers").splitlines():
            if line.startswith(queue + "\t") or line.startswith(queue + " "):
                return [part.strip("[]\",") for part in line.split()[1:] if "@" in part]
        return []

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()
