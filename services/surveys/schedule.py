"""The campaign schedule: while the service runs, now and then close the campaigns that ended
and remind those who have not answered on the configured days before the end
(`SurveysService.run_schedule`; the decisions are pure, in domain.py). Every replica runs it;
the use cases make a second run, or a run elsewhere at the same time, announce nothing new."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import date

from structlog.stdlib import BoundLogger

from shared.clock import utcnow

from services.surveys.service import ScheduleRun, SurveysService


def today() -> date:
    """The schedule's calendar day: UTC, from shared.clock (tests patch it)."""
    return utcnow().date()


class CampaignSchedule:
    def __init__(self, service: SurveysService, interval: float, days_before: Sequence[int], log: BoundLogger) -> None:
        self.service = service
        self.interval = interval
        self.days_before = tuple(days_before)
        self.log = log
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def run_once(self, on: date | None = None) -> ScheduleRun:
        done = await self.service.run_schedule(on or today(), self.days_before)
        if done.closed or done.reminded:
            self.log.info("surveys.schedule.ran", closed=done.closed, reminded=done.reminded)
        return done

    def start(self) -> None:
        """Start the loop (not with interval 0): a run at once, then one every `interval` seconds."""
        if self.interval > 0 and not self.running:
            self._task = asyncio.create_task(self._loop(), name="surveys-schedule")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()  # a run in progress rolls back; the next start does it again
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the database away for a while: try again next time
                self.log.exception("surveys.schedule.failed")
            await asyncio.sleep(self.interval)
