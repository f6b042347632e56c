"""Group commit of completed responses: the common submit path (no campaign, a built-in
instrument) of the HTTP API.

A request validates and scores its answers itself (pure, no I/O) and queues them. One writer
at a time takes everything queued and stores it in ONE transaction: three batch SELECTs
(respondents, prior submissions, pair memberships), one multi-row INSERT of the responses and
one of their outbox rows (SQLAlchemy Core, not the ORM), then answers each request once the
commit is done. Per submit this saves a connection checkout, a BEGIN/COMMIT and the ORM's
unit of work; with many submits in flight a batch holds tens of them.

Idempotency stays as on the one-by-one path: a submission id (scoped to its caller:
`caller_key`) already stored answers with the stored response (`created` False); two submits of one id in the same batch are split across
batches; a concurrent insert of the same id elsewhere (another replica) is absorbed by
`ON CONFLICT (submission_id) DO NOTHING` and answered with the stored row. A batch that fails
unexpectedly is retried one by one, so that one bad row does not fail the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.clock import academic_year_of, utcnow
from shared.contracts.surveys import InstrumentRef, ResponseCompleted
from shared.errors import Conflict, NotFound, Unprocessable, UseCaseError
from shared.messaging.outbox import UnitOfWork

from services.surveys import domain
from services.surveys.models import Enrolment, PairMembership, Respondent, SurveyResponse

RESPONSES = SurveyResponse.__table__  # type: ignore[attr-defined]
RESPONDENTS = Respondent.__table__  # type: ignore[attr-defined]
MEMBERSHIPS = PairMembership.__table__  # type: ignore[attr-defined]
ENROLMENTS = Enrolment.__table__  # type: ignore[attr-defined]


@dataclass
class Submission:
    """One submission, whatever the channel."""

    instrument: InstrumentRef
    respondent_id: str
    answers: dict[str, Any]
    submission_id: str
    role: str | None = None
    stage: str | None = None
    campaign_id: str | None = None
    channel: str = "api"
    role_hint: str | None = None
    """The caller's own role (a mentee's token): used when it is one of the instrument's roles."""


RESPONDENT_NOT_FOUND = "Респондент не найден или вам недоступен"
"""The one 404 of a submit for someone the caller may not answer for: the same words whether
the respondent is unknown, out of scope or the key was used by someone else (issue 13, M1)."""
KEY_PREFIX = "k1~"


def caller_key(caller: str, key: str) -> str:
    """The stored idempotency key: the client's key scoped to who sent it (`caller`: a token's
    role, scope and subject; a school system's school; a personal link). Another caller sending
    the same key gets a key of its own, so a replay never finds someone else's response."""
    digest = hashlib.sha256(caller.encode()).hexdigest()[:16]
    return f"{KEY_PREFIX}{digest}~{key}"


def client_key(stored: str) -> str:
    """The client's own key back from a stored one (older rows are stored unscoped)."""
    if stored.startswith(KEY_PREFIX):
        return stored[len(KEY_PREFIX) + 17:]
    return stored


def key_reused() -> Conflict:
    return Conflict("Этот submission_id вы уже отправляли с ответом другого респондента: используйте новый ключ",
                    field="submission_id")


def explicit_role(s: Submission, instrument: domain.Instrument) -> str | None:
    """The role a submission without a campaign answers in, if known before any lookup: the
    given one if the instrument has it, else the caller's own role if the instrument has it."""
    if s.role in instrument.respondent_roles:
        return s.role
    if s.role is None and s.role_hint in instrument.respondent_roles:
        return s.role_hint
    return None


def role_mismatch(instrument: domain.Instrument) -> Unprocessable:
    return Unprocessable(
        f"Анкету {instrument.code} заполняет: {', '.join(domain.ROLES[r] for r in instrument.respondent_roles)}",
        field="role",
    )


@dataclass
class Pending:
    """A validated, scored submission waiting for the writer."""

    submission: Submission
    instrument: domain.Instrument
    scores: dict[str, float]
    may_answer: Callable[[Any], bool]
    correlation_id: str | None
    future: asyncio.Future = field(repr=False)


Outcome = tuple[dict[str, Any], bool] | UseCaseError
"""A stored response's column values and whether this submit created it, or why not."""


def decide(
    p: Pending, respondent: Any, prior: Mapping[str, Any] | None, memberships: Sequence[Any], today: date,
    enrolled_as: Collection[str] = (),
) -> Outcome:
    """What one submission becomes, given what the database holds (pure: no I/O). Mirrors the
    one-by-one path's rules and the order of its answers. `enrolled_as`: the roles the
    respondent is enrolled in (any programme)."""
    s, instrument = p.submission, p.instrument
    # Scope first (issue 13, M1): a caller who may not answer for this respondent learns nothing,
    # whatever key it sends; a prior row is only ever this caller's own (keys are per caller).
    if respondent is None or not p.may_answer(respondent):
        return NotFound(RESPONDENT_NOT_FOUND)
    if prior is not None:
        return (dict(prior), False) if prior["respondent_id"] == s.respondent_id else key_reused()
    role = explicit_role(s, instrument)
    if s.role is not None and role is None:
        return role_mismatch(instrument)
    problem = domain.programme_role_problem(instrument, {*enrolled_as, *(m.role for m in memberships)})
    if problem:
        return Unprocessable(problem, field="respondent_id")
    roles = (role,) if role is not None else instrument.respondent_roles
    membership = max((m for m in memberships if m.role in roles), key=lambda m: m.formed_at, default=None)
    return {
        "id": str(uuid.uuid4()),
        "submission_id": s.submission_id,
        "instrument_code": instrument.code,
        "instrument_version": instrument.version,
        "respondent_id": respondent.participant_id,
        "respondent_role": role or (membership.role if membership else instrument.respondent_role),
        "school_id": respondent.school_id,
        "academic_year": membership.academic_year if membership else academic_year_of(today),
        "pair_id": membership.pair_id if membership else None,
        "stage": s.stage,
        "campaign_id": None,
        "channel": s.channel,
        "answers": dict(s.answers),
        "scores": p.scores,
        "anonymised": False,
        "completed_at": utcnow(),
    }, True


def completed_event(values: Mapping[str, Any], programme_id: str | None = None, campaign_form: str | None = None) -> ResponseCompleted:
    """The event announcing a stored response."""
    return ResponseCompleted(
        response_id=values["id"],
        instrument=InstrumentRef(code=values["instrument_code"], version=values["instrument_version"]),
        respondent_id=values["respondent_id"],
        respondent_role=values["respondent_role"],
        school_id=values["school_id"],
        academic_year=values["academic_year"],
        pair_id=values["pair_id"],
        stage=values["stage"],
        scores=values["scores"],
        campaign_id=values["campaign_id"],
        programme_id=programme_id,
        form=domain.response_form(values["instrument_code"], campaign_form),
    )


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
            today = date.today()
            outcomes = [
                decide(p, respondents.get(p.submission.respondent_id), prior.get(p.submission.submission_id),
                       memberships.get(p.submission.respondent_id, ()), today, enrolled.get(p.submission.respondent_id, ()))
                for p in batch
            ]
            new = [(i, o[0]) for i, o in enumerate(outcomes) if isinstance(o, tuple) and o[1]]
            if new:
                inserted = await _insert_new(connection, [values for _, values in new])
                raced = [(i, values) for i, values in new if values["id"] not in inserted]
                if raced:  # stored meanwhile by someone else: answer as a retry
                    stored = await _stored(connection, [values["submission_id"] for _, values in raced])
                    for i, values in raced:
                        outcomes[i] = decide(batch[i], respondents.get(batch[i].submission.respondent_id),
                                             stored.get(values["submission_id"]), (), today)
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
