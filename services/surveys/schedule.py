"""The campaign schedule: while the service runs, now and then close the campaigns that ended
and remind those who have not answered on the configured days before the end
(`SurveysService.run_schedule`; the decisions are pure, in domain.py). Every replica runs it;
the use cases make a second run, or a run elsewhere at the same time, announce nothing new."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from structlog.stdlib import BoundLogger

from shared import clock
from shared.periodic import Periodic

from services.surveys.campaigns import ScheduleRun
from services.surveys.service import SurveysService


def today() -> date:
    """The schedule's calendar day: the region's, from shared.clock (tests patch it)."""
    return clock.today()


class CampaignSchedule:
    def __init__(self, service: SurveysService, interval: float, days_before: Sequence[int], log: BoundLogger) -> None:
        self.service = service
        self.interval = interval
        self.days_before = tuple(days_before)
        self.log = log
        self._loop: Periodic | None = None

    @property
    def running(self) -> bool:
        return self._loop is not None and self._loop.running

    async def run_once(self, on: date | None = None) -> ScheduleRun:
        done = await self.service.run_schedule(on or today(), self.days_before)
        if done.closed or done.reminded:
            self.log.info("surveys.schedule.ran", closed=done.closed, reminded=done.reminded)
        return done

    def start(self) -> None:
        """Start the loop (not with interval 0): a run at once, then one every `interval` seconds."""
        if self.interval > 0 and not self.running:
            self._loop = Periodic("surveys-schedule", self.run_once, self.interval, self.log, failure_event="surveys.schedule.failed")
            self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()  # a run in progress finishes; its decisions are idempotent anyway
            self._loop = None
