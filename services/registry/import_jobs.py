"""Imports started from the page run in the background, so that the page can show a progress
bar: the importer reports rows done through `ImportOptions.progress`, the page polls.

Jobs live in the memory of the process that took the upload (the last few per process, the file
kept only while it may still be applied after a dry run). Behind a proxy with several registry
replicas, the import page needs sticky sessions — or one replica serving /registry/imports."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Literal

from shared.auth import Principal

from services.registry import spreadsheet as sheets
from services.registry.importer import ImportOptions, ImportReport, Importer

KEEP_JOBS = 20
log = logging.getLogger(__name__)

Mode = Literal["all_or_nothing", "valid_only"]


def owner_of(principal: Principal) -> str:
    return f"{principal.role}:{principal.sub}@{principal.scope}:{principal.scope_id}"


@dataclass
class ImportJob:
    id: str
    owner: str
    name: str
    mode: Mode
    dry_run: bool
    school_id: str | None
    total: int
    data: bytes | None = None
    done: int = 0
    report: ImportReport | None = None
    failure: str | None = None
    started: float = field(default_factory=time.monotonic)
    task: asyncio.Task | None = None

    @property
    def finished(self) -> bool:
        return self.report is not None or self.failure is not None

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0


class ImportJobs:
    def __init__(self, importer: Importer, keep: int = KEEP_JOBS) -> None:
        self.importer = importer
        self.keep = keep
        self._jobs: dict[str, ImportJob] = {}

    def start(self, name: str, data: bytes, principal: Principal, *, mode: Mode, dry_run: bool,
              school_id: str | None, too_large: bool = False) -> ImportJob:
        job = ImportJob(id=uuid.uuid4().hex, owner=owner_of(principal), name=name, mode=mode, dry_run=dry_run,
                        school_id=school_id, total=0 if too_large else rows_in(name, data), data=data)
        options = ImportOptions(mode=mode, school_id=school_id, dry_run=dry_run, principal=principal,
                                actor=f"{principal.role}:{principal.sub}", progress=lambda count: _advance(job, count))
        job.task = asyncio.create_task(self._run(job, options, too_large))
        self._jobs[job.id] = job
        for old in list(self._jobs)[:-self.keep]:
            if self._jobs[old].finished:
                del self._jobs[old]
        return job

    def get(self, job_id: str, principal: Principal) -> ImportJob | None:
        """Only the person who uploaded the file sees its job."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner_of(principal) else None

    async def _run(self, job: ImportJob, options: ImportOptions, too_large: bool) -> None:
        try:
            job.report = await self.importer.run_bytes(job.name, job.data or b"", options, too_large=too_large)
        except Exception:  # a failure must end the progress bar, with a message, not hang it
            log.exception("import %s failed", job.id)
            job.failure = "Загрузка прервалась из-за внутренней ошибки. Ничего не записано; попробуйте ещё раз."
        if not job.dry_run or job.report is None or job.failure:
            job.data = None  # only a dry run's file is kept, to be applied for real


def _advance(job: ImportJob, count: int) -> None:
    job.done += count


def rows_in(name: str, data: bytes) -> int:
    """How many rows to expect (for the progress bar)."""
    try:
        return sum(sheet.rows_hint or 0 for sheet in sheets.read_sheets(name, data))
    except Exception:  # noqa: BLE001 - the import itself reports an unreadable file
        return 0
