"""Group commit of completed responses: the common submit path (no campaign, a built-in
instrument) of the HTTP API.

A request validates and scores its answers itself (pure, no I/O) and queues them. One writer
at a time takes everything queued and stores it in ONE transaction: three batch SELECTs
(respondents, prior submissions, pair memberships), one multi-row INSERT of the responses and
one of their outbox rows (SQLAlchemy Core, not the ORM), then answers each request once the
commit is done. Per submit this saves a connection checkout, a BEGIN/COMMIT and the ORM's
unit of work; with many submits in flight a batch holds tens of them.

What each submission becomes is domain_submit.decide's answer, as on the one-by-one path
(responses.py). Idempotency stays as there: a submission id (scoped to its caller:
`caller_key`) already stored answers with the stored response (`created` False); two submits of one id in the same batch are split across
batches; a concurrent insert of the same id elsewhere (another replica) is absorbed by
`ON CONFLICT (submission_id) DO NOTHING` and answered with the stored row. A batch that fails
unexpectedly is retried one by one, so that one bad row does not fail the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from shared import clock
from shared.messaging.outbox import UnitOfWork

from services.surveys import domain
from services.surveys.domain_submit import Facts, Outcome, Submission, completed_event, decide
from services.surveys.models import Enrolment, PairMembership, Respondent, SurveyResponse

RESPONSES = SurveyResponse.__table__  # type: ignore[attr-defined]
RESPONDENTS = Respondent.__table__  # type: ignore[attr-defined]
MEMBERSHIPS = PairMembership.__table__  # type: ignore[attr-defined]
ENROLMENTS = Enrolment.__table__  # type: ignore[attr-defined]


@dataclass
class Pending:
    """A validated, scored submission waiting for the writer."""

    submission: Submission
    instrument: domain.Instrument
    scores: dict[str, float]
    may_answer: Callable[[Any], bool]
    correlation_id: str | None
    future: asyncio.Future = field(repr=False)


class GroupCommit:
    """Gathers concurrent submits and writes them in one transaction per batch."""

    def __init__(self, uow: UnitOfWork, *, max_batch: int = 256) -> None:
        self._uow = uow
        self._max_batch = max_batch
        self._queue: list[Pending] = []
        self._writer: asyncio.Task | None = None
        self.batches = 0
        """Transactions written so far (for tests and benchmarks)."""

    async def submit(
        self, submission: Submission, instrument: domain.Instrument, scores: dict[str, float],
        may_answer: Callable[[Any], bool], correlation_id: str | None,
    ) -> tuple[dict[str, Any], bool]:
        """Queue a validated submission; its stored values and `created` once committed."""
        future = asyncio.get_running_loop().create_future()
        self._queue.append(Pending(submission, instrument, scores, may_answer, correlation_id, future))
        if self._writer is None or self._writer.done():
            # No background task to start or stop: a writer lives while there is work.
            self._writer = asyncio.create_task(self._drain(), name="surveys-group-commit")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch = self._take()
            try:
                outcomes = await self._outcomes(batch)
            except BaseException:  # cancelled (the process stops): no request waits forever
                for p in [*batch, *self._queue]:
                    p.future.cancel()
                self._queue = []
                raise
            for p, outcome in zip(batch, outcomes, strict=True):
                if p.future.done():  # the caller went away
                    continue
                if isinstance(outcome, BaseException):
                    p.future.set_exception(outcome)
                else:
                    p.future.set_result(outcome)

    async def _outcomes(self, batch: list[Pending]) -> list[Outcome | BaseException]:
        try:
            return await self._write(batch)  # type: ignore[return-value]
        except Exception:  # noqa: BLE001 - one bad row must not fail the others: retry one by one
            return [await self._write_alone(p) for p in batch]

    def _take(self) -> list[Pending]:
        """Up to max_batch queued submits with distinct submission ids (a repeated id waits for
        the next batch, where it finds the first one stored)."""
        batch: list[Pending] = []
        ids: set[str] = set()
        rest: list[Pending] = []
        for p in self._queue:
            if len(batch) < self._max_batch and p.submission.submission_id not in ids:
                ids.add(p.submission.submission_id)
                batch.append(p)
            else:
                rest.append(p)
        self._queue = rest
        return batch

    async def _write_alone(self, p: Pending) -> Outcome | BaseException:
        try:
            [outcome] = await self._write([p])
        except Exception as exc:  # noqa: BLE001 - handed to the request that submitted it
            return exc
        return outcome

    async def _write(self, batch: list[Pending]) -> list[Outcome]:
        self.batches += 1
        async with self._uow() as work:
            connection = await work.session.connection()
            people = {p.submission.respondent_id for p in batch}
            respondents = {r.participant_id: r for r in await connection.execute(
                select(RESPONDENTS.c.participant_id, RESPONDENTS.c.school_id).where(RESPONDENTS.c.participant_id.in_(people)))}
            prior = await _stored(connection, [p.submission.submission_id for p in batch])
            memberships: dict[str, list[Any]] = {}
            for m in await connection.execute(
                select(MEMBERSHIPS.c.participant_id, MEMBERSHIPS.c.role, MEMBERSHIPS.c.pair_id, MEMBERSHIPS.c.academic_year,
                       MEMBERSHIPS.c.formed_at).where(MEMBERSHIPS.c.participant_id.in_(people))):
                memberships.setdefault(m.participant_id, []).append(m)
            enrolled = await _enrolled_as(connection, {
                p.submission.respondent_id for p in batch if domain.programme_role_required(p.instrument) is not None})
            today = clock.today()
            outcomes = [
                decide(p.submission, p.instrument, p.scores, p.may_answer, Facts(
                    respondents.get(p.submission.respondent_id), prior.get(p.submission.submission_id),
                    memberships.get(p.submission.respondent_id, ()), enrolled.get(p.submission.respondent_id, ())), today)
                for p in batch
            ]
            new = [(i, o[0]) for i, o in enumerate(outcomes) if isinstance(o, tuple) and o[1]]
            if new:
                inserted = await _insert_new(connection, [values for _, values in new])
                raced = [(i, values) for i, values in new if values["id"] not in inserted]
                if raced:  # stored meanwhile by someone else: answer as a retry
                    stored = await _stored(connection, [values["submission_id"] for _, values in raced])
                    for i, values in raced:
                        p = batch[i]
                        outcomes[i] = decide(p.submission, p.instrument, p.scores, p.may_answer, Facts(
                            respondents.get(p.submission.respondent_id), stored.get(values["submission_id"])), today)
                await work.emit_many([
                    (completed_event(values), batch[i].correlation_id) for i, values in new if values["id"] in inserted
                ])
        return outcomes


async def _enrolled_as(connection: AsyncConnection, people: set[str]) -> dict[str, set[str]]:
    """participant → the roles they are enrolled in; only asked for instruments that need it."""
    roles: dict[str, set[str]] = {}
    if people:
        for row in await connection.execute(
                select(ENROLMENTS.c.participant_id, ENROLMENTS.c.role).where(ENROLMENTS.c.participant_id.in_(people))):
            roles.setdefault(row.participant_id, set()).add(row.role)
    return roles


async def _stored(connection: AsyncConnection, submission_ids: list[str]) -> dict[str, Mapping[str, Any]]:
    rows = await connection.execute(select(RESPONSES).where(RESPONSES.c.submission_id.in_(submission_ids)))
    # Row._mapping is SQLAlchemy's public mapping view (underscored so as not to clash with column names).
    return {row.submission_id: row._mapping for row in rows}  # noqa: SLF001


async def _insert_new(connection: AsyncConnection, rows: list[dict[str, Any]]) -> set[str]:
    """One multi-row INSERT that skips submission ids stored meanwhile; the ids inserted."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RESPONSES).on_conflict_do_nothing(index_elements=["submission_id"]).returning(RESPONSES.c.id)
    return set((await connection.execute(statement, rows)).scalars())
