"""The one background loop of the services (shared/periodic.py): rounds repeat, a failing round
does not end the loop, a wake runs the next round at once, and a stop lets the round finish."""

from __future__ import annotations

import asyncio

import structlog

from shared.periodic import Periodic

LOG = structlog.get_logger("test")


async def test_rounds_repeat_survive_a_failure_and_wake_early() -> None:
    rounds: list[int] = []

    async def run_round() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("the database is away")

    loop = Periodic("test", run_round, 0.05, LOG, failure_event="test.failed")
    loop.start()
    await asyncio.sleep(0.3)
    assert len(rounds) >= 3  # the failed first round did not end the loop

    slow = Periodic("slow", run_round, 3600, LOG, failure_event="test.failed")
    before = len(rounds)
    slow.start()
    await asyncio.sleep(0.05)
    slow.wake()
    await asyncio.sleep(0.05)
    assert len(rounds) >= before + 2  # at once, then woken, not an hour later
    await loop.stop()
    await slow.stop()
    assert not loop.running and not slow.running


async def test_a_stop_lets_the_round_in_progress_finish() -> None:
    finished = asyncio.Event()

    async def run_round() -> None:
        await asyncio.sleep(0.2)
        finished.set()

    loop = Periodic("test", run_round, 3600, LOG, failure_event="test.failed")
    loop.start()
    await asyncio.sleep(0.05)
    await loop.stop()
    assert finished.is_set()


async def test_a_round_outlasting_the_grace_is_cancelled() -> None:
    async def endless() -> None:
        await asyncio.sleep(3600)

    loop = Periodic("test", endless, 3600, LOG, failure_event="test.failed")
    loop.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(loop.stop(grace=0.1), timeout=5)
    assert not loop.running
