"""Imports as jobs (issue 13, M5): started from the page or `POST /api/v1/import-jobs`, run in the
background of the process that took the upload, followed by polling, cancellable.

What lives where:
- the job (state, rows done of the total, the report when it ends) is a row of
  `registry_import_job`, so that any replica, or the process after a restart, answers about it;
- the uploaded file is kept in `registry_import_file` (1 MB chunks) from the job's start while it
  may still run or, after a dry run, be applied — by whichever replica the next request reaches;
- while it runs, the file is a temporary file on the running process's disk and is read as a
  stream (spreadsheet.py); the import itself is one transaction (importer.py);
- at most RUNNING_AT_ONCE imports run in a process (one on SQLite); later ones wait `queued` in
  its memory, and their row and file are written when they start.

Progress and the heartbeat are written every `PERSIST_EVERY` seconds on PostgreSQL. SQLite lets
one writer at a time, and the import's transaction is that writer: there the progress lives in
the running process's memory and is written when the job ends; a "running" job no process of
this database holds is shown as interrupted (SQLite means one process). On PostgreSQL a job whose
heartbeat is older than `STALE_AFTER` is interrupted (its process stopped: its transaction was
rolled back, nothing was written).

Cancelling (the page's button, `POST /api/v1/import-jobs/{id}/cancel`) is seen at the next batch
of rows: the transaction is rolled back and the job ends `cancelled` with nothing written."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal

from sqlalchemy import delete, update
from sqlmodel import col, select

from shared.auth import Principal
from shared.clock import utcnow
from shared.db import Database

from services.registry.importer import Importer, ImportOptions, ImportReport
from services.registry.models import ImportFileChunk, ImportJobRecord

log = logging.getLogger(__name__)

Mode = Literal["all_or_nothing", "valid_only"]
CHUNK_BYTES = 1024 * 1024
PERSIST_EVERY = 1.0  # seconds between progress writes (PostgreSQL)
STALE_AFTER = timedelta(minutes=2)
KEEP_DRY_RUN_FILES = timedelta(days=1)
RUNNING_AT_ONCE = 2  # imports one process runs together; later ones wait, `queued`
FINISHED = ("done", "failed", "cancelled", "interrupted")
FAILURE = "Загрузка прервалась из-за внутренней ошибки. Ничего не записано; попробуйте ещё раз."
INTERRUPTED = "Загрузка прервалась: сервис перезапускался. Ничего не записано; загрузите файл ещё раз."


def owner_of(principal: Principal) -> str:
    return f"{principal.role}:{principal.sub}@{principal.scope}:{principal.scope_id}"


@dataclass
class ImportJob:
    """What the page and the API show of a job."""

    id: str
    name: str
    mode: str
    dry_run: bool
    school_id: str | None
    state: str
    total: int
    done: int
    cancel_requested: bool
    can_apply: bool
    report: ImportReport | None
    failure: str | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0


class ImportJobs:
    def __init__(self, importer: Importer, db: Database) -> None:
        self.importer = importer
        self.db = db
        self._running: dict[str, _Running] = {}
        # SQLite lets one transaction write: one import at a time there.
        self._slots = asyncio.Semaphore(RUNNING_AT_ONCE if db.is_postgres else 1)

    # -- starting -------------------------------------------------------------------------

    async def start(self, name: str, upload: BinaryIO, principal: Principal, *, mode: Mode, dry_run: bool,
                    school_id: str | None) -> ImportJob:
        """Keep the uploaded file (on this process's disk for the run, in the database for any
        replica) and start the job; its rows are counted first, for the progress bar's total."""
        folder = Path(tempfile.mkdtemp(prefix="nastavnik-import-"))
        path = folder / safe_name(name)
        try:
            with path.open("wb") as target:
                await asyncio.to_thread(shutil.copyfileobj, upload, target, CHUNK_BYTES)
            total = await asyncio.to_thread(self._rows_hint, str(path))
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return await self._launch(name, None, principal, mode=mode, dry_run=dry_run, school_id=school_id,
                                  local=folder, total=total)

    async def _store(self, path: Path) -> str:
        """The file into the database, a megabyte a row (any replica may apply a checked file)."""
        file_id = uuid.uuid4().hex
        async with self.db.sessions() as session:
            with path.open("rb") as source:
                seq = 0
                while chunk := await asyncio.to_thread(source.read, CHUNK_BYTES):
                    session.add(ImportFileChunk(file_id=file_id, seq=seq, data=chunk))
                    seq += 1
                    if seq % 16 == 0:
                        await session.flush()
                        session.expunge_all()
            await session.commit()
        return file_id

    async def apply(self, job_id: str, principal: Principal, mode: Mode) -> ImportJob | None:
        """Run a dry run's file for real (its file moves to the new job); None if it cannot be."""
        async with self.db.sessions() as session:
            row = await session.get(ImportJobRecord, job_id)
            if row is None or row.owner != owner_of(principal) or not row.dry_run or row.state != "done" or not row.file_id:
                return None
            file_id, row.file_id = row.file_id, None
            session.add(row)
            await session.commit()
        return await self._launch(row.name, file_id, principal, mode=mode, dry_run=False, school_id=row.school_id)

    async def _launch(self, name: str, file_id: str | None, principal: Principal, *, mode: Mode, dry_run: bool,
                      school_id: str | None, local: Path | None = None, total: int = 0) -> ImportJob:
        """The job waits for a free slot in memory; its row and file are written when it starts
        (SQLite: an import's transaction holds the only write lock, so nothing may be written then)."""
        job_id = uuid.uuid4().hex
        row = ImportJobRecord(id=job_id, owner=owner_of(principal), name=safe_name(name), mode=mode, dry_run=dry_run,
                              school_id=school_id, file_id=file_id, total=total)
        running = _Running(total=total, row=row)
        self._running[job_id] = running
        options = ImportOptions(mode=mode, school_id=school_id, dry_run=dry_run, principal=principal,
                                actor=f"{principal.role}:{principal.sub}")
        running.task = asyncio.create_task(self._queued(row, options, running, local))
        return self._view(row, running)

    # -- reading and cancelling -----------------------------------------------------------

    async def get(self, job_id: str, principal: Principal) -> ImportJob | None:
        """Only the person who uploaded the file sees its job."""
        waiting = self._running.get(job_id)
        if waiting is not None and not waiting.persisted:
            return self._view(waiting.row, waiting) if waiting.row.owner == owner_of(principal) else None
        async with self.db.sessions() as session:
            row = await session.get(ImportJobRecord, job_id)
            if row is None or row.owner != owner_of(principal):
                return None
            if row.state in ("queued", "running") and job_id not in self._running and self._abandoned(row):
                row.state, row.failure, row.file_id = "interrupted", INTERRUPTED, None
                session.add(row)
                await session.commit()
        return self._view(row, self._running.get(job_id))

    async def cancel(self, job_id: str, principal: Principal) -> ImportJob | None:
        job = await self.get(job_id, principal)
        if job is None or job.finished:
            return job
        running = self._running.get(job_id)
        if running is not None:
            running.cancel = True  # seen at the next batch of rows (a job still waiting: at its first)
        else:  # another replica runs it: it reads the flag at its next progress write
            async with self.db.sessions() as session:
                await session.exec(update(ImportJobRecord).where(col(ImportJobRecord.id) == job_id)
                                   .values(cancel_requested=True))
                await session.commit()
        job.cancel_requested = True
        return job

    def _abandoned(self, row: ImportJobRecord) -> bool:
        if not self.db.is_postgres:
            return True  # SQLite: one process, and it does not hold the job
        return utcnow() - _aware(row.updated_at) > STALE_AFTER

    def _view(self, row: ImportJobRecord, running: _Running | None) -> ImportJob:
        report = ImportReport.model_validate_json(row.report) if row.report else None
        done = running.done if running is not None and row.state not in FINISHED else row.done
        return ImportJob(id=row.id, name=row.name, mode=row.mode, dry_run=row.dry_run, school_id=row.school_id,
                         state=row.state if running is None or row.state in FINISHED else ("running" if running.started else "queued"),
                         total=running.total if running is not None and running.total else row.total, done=done,
                         cancel_requested=row.cancel_requested or (running is not None and running.cancel),
                         can_apply=row.dry_run and row.state == "done" and bool(row.file_id) and report is not None,
                         report=report, failure=row.failure)

    # -- running ----------------------------------------------------------------------------

    async def _queued(self, row: ImportJobRecord, options: ImportOptions, running: _Running, local: Path | None) -> None:
        async with self._slots:
            try:
                if local is not None and row.file_id is None:
                    row.file_id = await self._store(local / row.name)
                async with self.db.sessions() as session:
                    session.add(ImportJobRecord(**row.model_dump()))
                    await session.commit()
                running.persisted = True
            except Exception:
                log.exception("import %s could not be recorded", row.id)
                row.state, row.failure = "failed", FAILURE
                if local is not None:
                    shutil.rmtree(local, ignore_errors=True)
                return  # stays in memory, failed, for its page
            await self._run(row, options, running, local)

    async def _run(self, row: ImportJobRecord, options: ImportOptions, running: _Running, local: Path | None) -> None:
        """`local`: the folder already holding the file (the replica that took the upload)."""
        running.started = True
        folder = local or Path(tempfile.mkdtemp(prefix="nastavnik-import-"))
        state, report = "failed", None
        failure: str | None = FAILURE
        try:
            path = folder / row.name
            if local is None:  # a checked file applied here: from the database
                await self._materialise(row.file_id or "", path)
                running.total = await asyncio.to_thread(self._rows_hint, str(path))
            await self._write(row.id, state="running", total=running.total, updated_at=utcnow())
            last = time.monotonic()

            def advance(count: int) -> None:
                running.done += count

            async def checkpoint() -> bool:
                nonlocal last
                if self.db.is_postgres and time.monotonic() - last >= PERSIST_EVERY:
                    last = time.monotonic()
                    running.cancel = running.cancel or await self._progress(row.id, running.done)
                return running.cancel

            options.progress, options.checkpoint = advance, checkpoint
            report = await self.importer.run_file(row.name, str(path), options)
            state, failure = ("cancelled" if report.cancelled else "done"), None
        except Exception:  # a failure must end the progress bar, with a message, not hang it
            log.exception("import %s failed", row.id)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            keep_file = state == "done" and row.dry_run
            try:
                await self._write(row.id, state=state, done=running.done, total=running.total, failure=failure,
                                  report=report.model_dump_json() if report else None, updated_at=utcnow(),
                                  **({} if keep_file else {"file_id": None}))
                if not keep_file and row.file_id:
                    await self._drop_file(row.file_id)
                await self._drop_old_files()
            except Exception:
                log.exception("import %s: the job's end was not recorded", row.id)
            self._running.pop(row.id, None)

    def _rows_hint(self, path: str) -> int:
        from services.registry import spreadsheet as sheets

        try:
            return sum(sheet.rows_hint or 0 for sheet in sheets.read_sheets(path, None, self.importer.limits))
        except Exception:  # noqa: BLE001 - the import itself reports an unreadable file
            return 0

    async def _materialise(self, file_id: str, path: Path) -> None:
        async with self.db.sessions() as session:
            result = await session.exec(select(ImportFileChunk.seq).where(col(ImportFileChunk.file_id) == file_id)
                                        .order_by(col(ImportFileChunk.seq)))
            sequence = list(result.all())
        with path.open("wb") as file:
            for seq in sequence:
                async with self.db.sessions() as session:
                    chunk = await session.get(ImportFileChunk, (file_id, seq))
                    data = chunk.data if chunk is not None else b""
                await asyncio.to_thread(file.write, data)

    async def _progress(self, job_id: str, done: int) -> bool:
        """Write the progress and the heartbeat; True if someone asked to cancel."""
        async with self.db.sessions() as session:
            await session.exec(update(ImportJobRecord).where(col(ImportJobRecord.id) == job_id)
                               .values(done=done, updated_at=utcnow()))
            row = await session.get(ImportJobRecord, job_id)
            await session.commit()
            return bool(row is not None and row.cancel_requested)

    async def _write(self, job_id: str, **values: Any) -> None:
        async with self.db.sessions() as session:
            await session.exec(update(ImportJobRecord).where(col(ImportJobRecord.id) == job_id).values(**values))
            await session.commit()

    async def _drop_file(self, file_id: str) -> None:
        async with self.db.sessions() as session:
            await session.exec(delete(ImportFileChunk).where(col(ImportFileChunk.file_id) == file_id))
            await session.commit()

    async def _drop_old_files(self) -> None:
        """A dry run's file is kept a day for its «Записать» button, then dropped."""
        async with self.db.sessions() as session:
            old = await session.exec(select(ImportJobRecord).where(
                col(ImportJobRecord.file_id).is_not(None), col(ImportJobRecord.state).in_(FINISHED),
                col(ImportJobRecord.updated_at) < utcnow() - KEEP_DRY_RUN_FILES))
            rows = list(old.all())
        for row in rows:
            if row.file_id:
                await self._drop_file(row.file_id)
                await self._write(row.id, file_id=None)

    async def wait(self, job_id: str) -> None:
        """Tests and the command line: until this process's job ends."""
        running = self._running.get(job_id)
        if running is not None and running.task is not None:
            await asyncio.shield(running.task)


@dataclass
class _Running:
    done: int = 0
    total: int = 0
    cancel: bool = False
    started: bool = False
    persisted: bool = False
    row: Any = None
    task: asyncio.Task | None = None


def safe_name(name: str) -> str:
    """The uploaded file's own name (it tells a CSV's kind), safe as a file name on disk."""
    base = Path(name.replace("\\", "/")).name.replace("\x00", "")
    base = "".join(ch for ch in base if ch.isprintable())[:120].strip(". ")
    return base or "upload"


def _aware(moment: Any) -> Any:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def jobs_of(importer: Importer) -> ImportJobs:
    """The one job list of a registry process (the page and the API share it: a job started by
    one is cancelled by the other in the same process at once)."""
    jobs = getattr(importer, "_jobs", None)
    if jobs is None:
        jobs = ImportJobs(importer, importer.db)
        importer._jobs = jobs  # type: ignore[attr-defined]  # noqa: SLF001
    return jobs
