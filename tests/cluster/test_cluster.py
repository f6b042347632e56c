"""Issue 17, part 1: the survey → indicator chain on a three-node RabbitMQ cluster (quorum
queues, a member on each node). Under a steady load of questionnaires, the services' node (the
first of their addresses, where the queues were declared and are led) is stopped cleanly and
started again; then the node the services moved to (the next address, leading about half the
queues by then) is killed with SIGKILL and left down, so the services reconnect while those
queues elect new leaders (once, a restore waiting on such a queue hung forever:
shared/messaging/cluster.py bounds it). With no operator action every questionnaire the HTTP
API accepted is named by exactly one region announcement and counted once (the ledger of
tests/chaos/ledger.py), and completions submitted after the kill are reflected again."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from tests.chaos.ledger import region_counter, settle
from tests.cluster.conftest import ClusterServers
from tests.cluster.support import ClusterObserver, SpreadLoad, cluster_urls, system_on
from tests.conftest import SECRET

RATE = float(os.environ.get("NASTAVNIK_CLUSTER_RATE", "12"))
DURATION = float(os.environ.get("NASTAVNIK_CLUSTER_DURATION", "70"))
SETTLE = float(os.environ.get("NASTAVNIK_CLUSTER_SETTLE", "90"))
BUSIEST = "reports.surveys.response.completed.v1"
pytestmark = [pytest.mark.cluster, pytest.mark.timeout(int(DURATION + SETTLE + 300))]


async def test_services_node_stopped_then_their_next_node_killed(cluster_servers: ClusterServers, tmp_path) -> None:
    cluster, vhost = cluster_servers.rabbit, "cluster"
    processes = await system_on(cluster_servers, vhost, tmp_path, SECRET)
    processes.start_all()
    observer = ClusterObserver(cluster_urls(cluster, vhost))
    events: list[str] = []
    try:
        await processes.wait_ready()
        members = cluster.members(BUSIEST, vhost)
        assert sorted(members) == sorted(node.node for node in cluster.nodes), members  # replicated on all three
        await observer.start(processes.broker_url)
        async with processes.client() as client:
            from nastavnik.scenario import RegionScenario

            scenario = RegionScenario(client, SECRET, "test-region")
            region = await scenario.load(schools=1, surveys=False)
            base = await region_counter(client, scenario, region.academic_year) or 0.0
            load = SpreadLoad(scenario, region, "", RATE, DURATION)
            load.ports = [processes.ports["surveys"]]
            killed_at: list[float] = []

            began = time.monotonic()

            async def faults() -> None:
                # on a schedule of the load's own clock: the kill lands while half the load is still to come
                await asyncio.sleep(DURATION * 0.05)
                first, second = cluster.nodes[0], cluster.nodes[1]  # the services' addresses, in their order
                led = await asyncio.to_thread(cluster.leader, BUSIEST, vhost)
                events.append(f"stop {first.node} (leading {BUSIEST}: {led is first})")
                await asyncio.to_thread(first.stop_cleanly)
                await asyncio.to_thread(first.start)
                events.append(f"started {first.node} at {time.monotonic() - began:.0f} s")
                await asyncio.sleep(max(0.0, began + DURATION * 0.5 - time.monotonic()))
                led = await asyncio.to_thread(cluster.leader, BUSIEST, vhost)
                events.append(f"kill -9 {second.node} at {time.monotonic() - began:.0f} s (leading {BUSIEST}: {led is second})")
                killed_at.append(time.monotonic())
                await asyncio.to_thread(second.kill)  # left down: the chain goes on on two nodes

            await asyncio.gather(load.run(), faults())
            responses = list(load.accepted.values())
            result = await settle(observer, client, scenario, region.academic_year, responses, SETTLE, (), base)
        recovered = observer.recovered_after(killed_at[0]) if killed_at else None
        # the test's bound is loose (a shared 2-core machine); bench/indicator_lag.py --cluster measures the 1 s target
        resumed = observer.recovered_after(killed_at[0], within=5.0) if killed_at else None
        print(f"cluster: completions reflected within 1 s again {recovered} s, within 5 s {resumed} s after the kill")
        print(f"cluster: accepted {len(responses)} retried {load.retried} counter {result.counter} lost {len(result.lost)} "
              f"twice {len(result.twice)} unannounced {len(result.not_completed)}; {'; '.join(events)}")
        assert not load.refused, load.refused[:5]
        assert len(responses) == int(RATE * DURATION)
        assert killed_at and killed_at[0] < began + DURATION * 0.8, events  # the kill came under load
        assert resumed is not None and resumed <= 45, f"completions not reflected within 5 s again 45 s after the kill: {resumed}"
        assert result.exact, f"lost {result.lost[:5]} twice {result.twice[:5]} unannounced {result.not_completed[:5]} counter {result.counter}"
        await processes.wait_ready(60)  # every service on a surviving node, no restart
    finally:
        await observer.stop()
        processes.stop_all()
        for node in cluster.nodes:  # the next test finds the three nodes again
            if not node.running:
                await asyncio.to_thread(node.start)
