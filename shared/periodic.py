"""One background round repeated until the service stops: the audit log's pruning, the reload of
revoked sessions, the surveys' schedule, the mail sender. One place for how such a loop starts,
survives a failing round, sleeps (or is woken early) and stops.

Stopping lets the round in progress finish, up to `grace` seconds, and only then cancels it: a
round cancelled in the middle of a transaction can leave a connection holding its lock (with
SQLite, the whole database). The flag, not only the cancel: on Python 3.11 a cancel that lands
while an inner wait completes can be swallowed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

Round = Callable[[], Awaitable[Any]]
Pause = Callable[[], Awaitable[float]]


class Periodic:
    def __init__(self, name: str, run_round: Round, interval: float | Pause, log: Any, *,
                 failure_event: str, at_once: bool = True) -> None:
        """`interval`: seconds between rounds, or a coroutine deciding the next pause (e.g. until
        the earliest due mail). `failure_event`: the log line of a failed round (the next round
        tries again). `at_once`: the first round runs at start, else after the first pause."""
        self.name = name
        self._run_round = run_round
        self._interval = interval
        self._log = log
        self._failure_event = failure_event
        self._at_once = at_once
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name=self.name)

    def wake(self) -> None:
        """Run the next round now rather than when the pause ends."""
        self._wake.set()

    async def stop(self, grace: float = 5.0) -> None:
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            done, _ = await asyncio.wait({self._task}, timeout=grace)
            while not done:  # repeated: a single cancel may be swallowed
                self._task.cancel()
                done, _ = await asyncio.wait({self._task}, timeout=1.0)
        finally:
            self._task = None

    async def _loop(self) -> None:
        if not self._at_once:
            await self._pause()
        while not self._stopping:
            try:
                await self._run_round()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the database away for a while: the next round tries again
                self._log.warning(self._failure_event, error=repr(exc)[:300])
            if self._stopping:
                break
            await self._pause()

    async def _pause(self) -> None:
        seconds = self._interval
        if callable(seconds):
            try:
                seconds = await seconds()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the pause could not be computed (database away): a short one
                seconds = 1.0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()
