"""The stall watch's decisions (shared/messaging/stall.py) on a stand-in connection: what makes it
reconnect, and what does not. The real-broker case is tests/integration/test_consumer_stall.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import structlog

from shared.messaging.stall import StallWatch


class Underlay:
    def __init__(self, channel_fails: bool = False) -> None:
        self.is_closed = False
        self.closed_with: list[str] = []
        self.channel_fails = channel_fails

    async def close(self, exc: BaseException) -> None:
        self.closed_with.append(str(exc))

    async def channel(self, publisher_confirms: bool = False) -> object:
        if self.channel_fails:
            raise TimeoutError("no answer")
        return SimpleNamespace(queue_declare=self._declare, close=self._close)

    async def _declare(self, queue: str, passive: bool) -> object:
        return SimpleNamespace(message_count=0)

    async def _close(self) -> None:
        pass


def connection(underlay: Underlay) -> SimpleNamespace:
    return SimpleNamespace(transport=SimpleNamespace(connection=underlay), reconnecting=False)


async def watch_for(seconds: float, underlay: Underlay, failing_for: float = 0.0, closed: bool = False) -> list[str]:
    underlay.is_closed = closed
    watch = StallWatch(0.3, structlog.get_logger())  # checks every 1 s
    watch.start(connection(underlay), ["q"], busy=lambda: False, publishing_failed_for=lambda: failing_for)
    await asyncio.sleep(seconds)
    await watch.stop()
    return underlay.closed_with


async def test_publishes_failing_past_the_limit_on_an_open_connection_reconnect_once_then_wait() -> None:
    assert await watch_for(1.5, Underlay(), failing_for=60.0) == ["relay.stalled_reconnecting"]


async def test_a_healthy_connection_is_left_alone() -> None:
    assert await watch_for(2.2, Underlay()) == []


async def test_a_connection_known_to_be_down_is_left_to_the_robust_reconnection() -> None:
    assert await watch_for(1.5, Underlay(), failing_for=60.0, closed=True) == []


async def test_three_checks_failing_in_a_row_reconnect() -> None:
    assert await watch_for(3.5, Underlay(channel_fails=True)) == ["broker.unresponsive_reconnecting"]


def test_a_queue_is_stalled_only_with_messages_ready_nothing_delivered_and_nothing_in_hand() -> None:
    watch = StallWatch(20, structlog.get_logger())
    watch.delivered("q")
    fed_at = watch.last_delivery["q"]
    assert watch.stalled("q", ready=5, busy=False, now=fed_at + 21)
    assert not watch.stalled("q", ready=0, busy=False, now=fed_at + 21)
    assert not watch.stalled("q", ready=5, busy=True, now=fed_at + 21)
    assert not watch.stalled("q", ready=5, busy=False, now=fed_at + 5)
