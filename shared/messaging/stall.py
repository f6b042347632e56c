"""A consumer the broker stopped feeding, noticed and restored.

aio-pika's robust connection restores channels and consumers after a lost connection, but a
failover can leave a consumer registered where nothing feeds it: a quorum queue whose leader was
killed while the consumer moved to another node (RabbitMQ 3.10 under load; the cluster test of
issue 17 caught it once in CI: every completion after the kill stayed in the queue). Nothing
fails, so nothing retries.

The watch looks every `interval` seconds at each consumed queue (a passive declare on a channel
of its own): a queue with messages ready that has delivered nothing to this process for
`stall_after` seconds, while the process holds no message (no operation running, none waiting
for the database), is stalled. The watch then closes the connection under the robust one, which
reconnects (to the next node of a cluster) and restores every channel and consumer; what was
unacknowledged is redelivered and the inbox skips what was applied.

The same remedy serves two more faces of a connection that looks open but no longer works: the
relay failing to publish for `stall_after` seconds (a channel never restored: every publish waits
or times out), and the watch's own checks failing three times running."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any


class StallWatch:
    def __init__(self, stall_after: float, log: Any, on_recovery: Callable[[str], None] = lambda _queue: None) -> None:
        self.stall_after = stall_after
        self.interval = max(1.0, stall_after / 3)
        self.log = log
        self.on_recovery = on_recovery
        self.last_delivery: dict[str, float] = {}
        self._task: asyncio.Task | None = None
        self._quiet_until = 0.0  # after a reconnection, `stall_after` s for it to work before another

    def delivered(self, queue: str) -> None:
        self.last_delivery[queue] = time.monotonic()

    def stalled(self, queue: str, ready: int, busy: bool, now: float) -> bool:
        """The rule: messages ready, nothing delivered for `stall_after` s, nothing in hand."""
        return ready > 0 and not busy and now - self.last_delivery.get(queue, 0.0) > self.stall_after

    def start(self, connection: Any, queues: Sequence[str], busy: Callable[[], bool],
              publishing_failed_for: Callable[[], float] = lambda: 0.0) -> None:
        if self.stall_after > 0 and self._task is None:
            started = time.monotonic()
            for queue in queues:  # a queue counts as fed from the start: the first check waits `stall_after`
                self.last_delivery.setdefault(queue, started)
            self._task = asyncio.create_task(self._run(connection, list(queues), busy, publishing_failed_for), name="stall-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self, connection: Any, queues: list[str], busy: Callable[[], bool],
                   publishing_failed_for: Callable[[], float]) -> None:
        failed_checks = 0
        while True:
            await asyncio.sleep(self.interval)
            if not _looks_open(connection):
                failed_checks = 0  # the robust connection knows it is down and is on it
                continue
            if time.monotonic() < self._quiet_until:
                continue
            if publishing_failed_for() > self.stall_after:
                await self._recover(connection, [], "relay.stalled_reconnecting")
                continue
            try:
                stalled = await asyncio.wait_for(self._check(connection, queues, busy), 10.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - counted: three in a row on an open connection is a stall too
                failed_checks += 1
                self.log.debug("consumer.stall_check_failed", error=repr(exc)[:200], in_a_row=failed_checks)
                if failed_checks >= 3:
                    failed_checks = 0
                    await self._recover(connection, [], "broker.unresponsive_reconnecting")
                continue
            failed_checks = 0
            if stalled:
                await self._recover(connection, stalled, "consumer.stalled_reconnecting")

    async def _check(self, connection: Any, queues: list[str], busy: Callable[[], bool]) -> list[str]:
        channel = await connection.transport.connection.channel(publisher_confirms=False)
        try:
            stalled = []
            for queue in queues:
                declared = await asyncio.wait_for(channel.queue_declare(queue, passive=True), 5.0)
                if self.stalled(queue, declared.message_count or 0, busy(), time.monotonic()):
                    stalled.append(queue)
            return stalled
        finally:
            await channel.close()

    async def _recover(self, connection: Any, queues: list[str], why: str) -> None:
        self.log.warning(why, queues=queues, after_seconds=self.stall_after)
        now = time.monotonic()
        self._quiet_until = now + self.stall_after
        for queue in queues:
            self.on_recovery(queue)
            self.last_delivery[queue] = now  # the next check waits `stall_after` again
        transport = connection.transport
        if transport is not None:
            await asyncio.gather(transport.connection.close(ConnectionError(why)), return_exceptions=True)


def _looks_open(connection: Any) -> bool:
    """Connected as far as the client knows (not closed, not reconnecting)."""
    transport = getattr(connection, "transport", None)
    return transport is not None and not transport.connection.is_closed and not getattr(connection, "reconnecting", False)
