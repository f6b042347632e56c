"""Issue 17, part 2: replicas of the services as competing consumers. Two processes each of
surveys, reports and pairing share their service's database and queues on the three-node
cluster; the region is loaded through them and questionnaires are spread over both surveys
replicas. Mid-load one reports replica (with a batch in flight) and one surveys replica are
killed with SIGKILL and not restarted: every accepted questionnaire is still reflected exactly
once and counted once (the same ledger as with one process each, tests/chaos/ledger.py)."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.chaos.ledger import region_counter, settle
from tests.chaos.test_ledger import kill, metric
from tests.cluster.conftest import ClusterServers
from tests.cluster.support import ClusterObserver, SpreadLoad, cluster_urls, system_on
from tests.conftest import SECRET

RATE = float(os.environ.get("NASTAVNIK_CLUSTER_RATE", "15"))
DURATION = float(os.environ.get("NASTAVNIK_CLUSTER_DURATION", "30"))
SETTLE = float(os.environ.get("NASTAVNIK_CLUSTER_SETTLE", "90"))
CONSUMED = "nastavnik_events_consumed"
pytestmark = [pytest.mark.cluster, pytest.mark.timeout(int(DURATION + SETTLE + 300))]


async def test_two_replicas_each_one_killed_mid_batch(cluster_servers: ClusterServers, tmp_path) -> None:
    cluster, vhost = cluster_servers.rabbit, "replicas"
    processes = await system_on(cluster_servers, vhost, tmp_path, SECRET, {"surveys": 2, "reports": 2, "pairing": 2})
    processes.start_all()
    observer = ClusterObserver(cluster_urls(cluster, vhost))
    share: dict[str, float] = {}
    try:
        await processes.wait_ready()
        await observer.start(processes.broker_url)
        async with processes.client() as client:
            from nastavnik.scenario import RegionScenario

            scenario = RegionScenario(client, SECRET, "test-region")
            region = await scenario.load(schools=1, surveys=False)  # registry's events through both pairing replicas
            for name in processes.replicas("pairing"):
                share[name] = await metric(processes, name, CONSUMED)
            base = await region_counter(client, scenario, region.academic_year) or 0.0
            load = SpreadLoad(scenario, region, "", RATE, DURATION)
            load.ports = [processes.ports[name] for name in processes.replicas("surveys")]

            async def faults() -> None:
                await asyncio.sleep(DURATION * 0.3)
                share["reports#2"] = await metric(processes, "reports#2", CONSUMED)
                kill(processes, "reports#2")  # kill -9 with deliveries unacknowledged: redelivered to the other
                await asyncio.sleep(DURATION * 0.2)
                kill(processes, "surveys")  # the load balancer sends the rest to surveys#2

            await asyncio.gather(load.run(), faults())
            responses = list(load.accepted.values())
            result = await settle(observer, client, scenario, region.academic_year, responses, SETTLE, (), base)
        share["reports"] = await metric(processes, "reports", CONSUMED)
        print(f"replicas: accepted {len(responses)} retried {load.retried} counter {result.counter} lost {len(result.lost)} "
              f"twice {len(result.twice)} unannounced {len(result.not_completed)}; events applied per replica {share}")
        assert not load.refused, load.refused[:5]
        assert len(responses) == int(RATE * DURATION)
        assert result.exact, f"lost {result.lost[:5]} twice {result.twice[:5]} unannounced {result.not_completed[:5]} counter {result.counter}"
        assert share["reports#2"] > 0 and share["reports"] > 0, share  # both replicas took their share of the queue
        assert sum(share[name] for name in processes.replicas("pairing")) > 0, share
    finally:
        await observer.stop()
        processes.stop_all()
