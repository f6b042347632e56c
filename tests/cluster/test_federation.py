"""Issue 17, part 3: a country of regions. Three regions (each its own vhost, its own reports
process and database: its data stays there) and the federal deployment (its own vhost and
database, nastavnik/federal.py) on the cluster, linked by one RabbitMQ shovel per region that
carries the region's `reports.indicators.updated.v1` of the region scope only. The federal
country → region view shows each region's figures as the region itself does; with a link down the
federal figure of that region stays as it was while the region goes on, and when the link is
back the federal figures catch up with no operator action but restoring the link."""

from __future__ import annotations

import asyncio
import json
import time

import aio_pika
import httpx
import pytest

from shared.contracts.envelope import new_envelope
from shared.contracts.registry import SchoolRegistered
from shared.contracts.surveys import ResponseCompleted
from shared.messaging.topology import EVENTS_EXCHANGE_NAME, FEDERAL_LINK_QUEUE
from shared.settings import Settings

from nastavnik.federal import create_federal, declare_link, shovel_definition
from nastavnik.processes import ServiceProcesses, create_databases
from nastavnik.scenario import RegionScenario
from tests.cluster.conftest import ClusterServers
from tests.conftest import SECRET

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(400)]
REGIONS = {"region-a": 5, "region-b": 7, "region-c": 3}  # completions each region's teachers send first
YEAR = "2025/2026"
COUNTED = "mentee_satisfaction_answers"


async def publish(url: str, *events: tuple[str, object]) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE_NAME)
        for source, data in events:
            envelope = new_envelope(source, data)
            await exchange.publish(aio_pika.Message(envelope.model_dump_json().encode(), message_id=envelope.id,
                                                    content_type="application/json", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                                   routing_key=envelope.type)


def completions(region: str, count: int, start: int = 0) -> list[tuple[str, object]]:
    return [("surveys", ResponseCompleted(
        response_id=f"{region}-r{i}", instrument={"code": "satisfaction_mentee", "version": 1}, respondent_id=f"{region}-p{i}",
        respondent_role="mentee", school_id=f"{region}-s1", academic_year=YEAR, scores={"satisfaction": 1 + i % 10}))
        for i in range(start, start + count)]


async def wait_for(check, timeout: float = 60, what: str = "", diagnose=None) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}\n{await diagnose() if diagnose else ''}")
        await asyncio.sleep(0.5)


async def test_three_regions_and_the_federal_level_with_a_link_down_and_back(cluster_servers: ClusterServers, tmp_path) -> None:
    cluster = cluster_servers.rabbit
    counts = dict(REGIONS)
    node = cluster.nodes[0]
    urls = {}
    for vhost in [*REGIONS, "federal"]:
        cluster.ctl("add_vhost", vhost)
        cluster.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        urls[vhost] = f"amqp://guest:guest@{node.address}/{vhost}"
    admin = cluster_servers.postgres.admin_url
    federal_db = (await create_databases(admin, ["federal"], migrate=False))["federal"]
    federal = create_federal(Settings(RABBITMQ_URL=urls["federal"], DATABASE_URL=federal_db, data_dir=tmp_path / "federal"))
    await federal.runtime.start()  # declares the federal nastavnik.events the shovels deliver into
    regions: dict[str, ServiceProcesses] = {}
    try:
        for region in REGIONS:
            await declare_link(urls[region])
            databases = await create_databases(admin, ["reports"])
            (tmp_path / region).mkdir()
            regions[region] = ServiceProcesses(urls[region], databases, tmp_path / region, SECRET, region_id=region)
            regions[region].start("reports")
            cluster.ctl("set_parameter", "-p", region, "shovel", "federal", json.dumps(shovel_definition(urls[region], urls["federal"])))
        for processes in regions.values():
            await processes.wait_ready()

        async def own(region: str) -> dict:
            """The region's indicators as its own reports service shows them."""
            token = RegionScenario(httpx.AsyncClient(), SECRET, region).admin
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{regions[region].ports['reports']}", timeout=10) as client:
                response = await client.get(f"/reports/api/v1/indicators/region/{region}", params={"academic_year": YEAR},
                                            headers={"Authorization": f"Bearer {token}"})
            return {i["code"]: i["value"] for i in response.json()} if response.status_code == 200 else {}

        async def country() -> dict:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=federal.http), base_url="http://federal") as client:
                response = await client.get("/federal/api/v1/country", params={"academic_year": YEAR})
            assert response.status_code == 200, response.text
            return response.json()

        async def federal_of(region: str) -> dict:
            return next((r["indicators"] for r in (await country())["regions"] if r["region_id"] == region), {})

        async def agrees(region: str) -> bool:
            mine = await own(region)
            return bool(mine) and mine.get(COUNTED) == counts[region] and await federal_of(region) == mine

        for region, count in REGIONS.items():
            await publish(urls[region], ("registry", SchoolRegistered(
                school_id=f"{region}-s1", name="Школа № 1", municipality_id=f"{region}-m1", municipality_name="Район", region_id=region)))
            await publish(urls[region], *completions(region, count))
        async def diagnose() -> str:
            queues = {v: cluster.ctl("list_queues", "-p", v, "name", "messages", "--no-table-headers") for v in urls}
            return (f"own {[(r, (await own(r)).get(COUNTED)) for r in REGIONS]}\ncountry {await country()}\n"
                    f"queues {queues}\nshovels {cluster.ctl('shovel_status')}")

        for region in REGIONS:
            await wait_for(lambda region=region: agrees(region), what=f"{region}: federal figures = the region's", diagnose=diagnose)
        view = await country()
        assert [r["region_id"] for r in view["regions"]] == sorted(REGIONS)  # school / municipality scopes stay home
        assert view["country"][COUNTED] == sum(counts.values())
        assert view["definitions"][COUNTED]["unit"] == "шт."

        # the link of region-b goes down; the region goes on (its teachers answer), the federal figure waits
        cluster.ctl("clear_parameter", "-p", "region-b", "shovel", "federal")
        before = await federal_of("region-b")
        await publish(urls["region-b"], *completions("region-b", 4, start=100))
        counts["region-b"] += 4

        async def region_b_moved() -> bool:
            return (await own("region-b")).get(COUNTED) == counts["region-b"]

        await wait_for(region_b_moved, what="region-b counts its new answers")
        connection = await aio_pika.connect(urls["region-b"])
        async with connection:
            link = await (await connection.channel()).declare_queue(FEDERAL_LINK_QUEUE, passive=True)
            waiting = link.declaration_result.message_count
        assert waiting >= 1  # the region's figures wait in the region for the link
        assert await federal_of("region-b") == before
        # the link is back: the federal level catches up by itself
        cluster.ctl("set_parameter", "-p", "region-b", "shovel", "federal", json.dumps(shovel_definition(urls["region-b"], urls["federal"])))
        await wait_for(lambda: agrees("region-b"), what="region-b: federal figures catch up after the link is back")
        assert (await country())["country"][COUNTED] == sum(counts.values())
        print(f"federation: regions {counts}; {waiting} announcement(s) waited in region-b while its link was down")
    finally:
        await federal.runtime.stop()
        for processes in regions.values():
            processes.stop_all()
