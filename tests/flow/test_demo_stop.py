"""A demo stopped while its school year is still being played stops promptly: the year is cut
off (what it had sent stays), the services stop, and a restart on the same data folder answers."""

from __future__ import annotations

import asyncio
import time

import httpx

from nastavnik.app import build_all_in_one


async def test_a_demo_stopped_mid_year_stops_promptly_and_starts_again(settings) -> None:
    settings.demo = True
    app = build_all_in_one(settings)
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.5)
        assert not app.state.demo_filled.is_set(), "the year should still be playing when the stop comes"
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 45, "the stop waited for the demo's year"
    assert app.state.demo_task.done()

    again = build_all_in_one(settings)
    async with again.router.lifespan_context(again):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=again), base_url="http://127.0.0.1:8000") as client:
            assert (await client.get("/registry/sign-in")).status_code == 200
        await again.state.demo_filled.wait()
