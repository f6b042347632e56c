"""Telling a failure of the infrastructure from a bad message.

A consumer that fails to apply a message has two very different cases:

- **transient**: the database is unreachable or restarting, a connection was cut, a
  serialization failure or a deadlock. The message is fine; it will apply once the database
  answers. Such a failure must not spend the queue's delivery limit: the consumer keeps the
  message (unacknowledged, so nothing is lost if the process dies) and waits, with backoff,
  until the database answers again (`InfrastructureWait`), then applies it again. Consumption
  pauses meanwhile: a held message is never nacked, so RabbitMQ's delivery count does not move.
- **anything else** (a bug, data the handler cannot apply): nacked and redelivered until the
  delivery limit; the consumer recognises the last allowed delivery, so that the dead-letter
  RabbitMQ makes of it is counted and logged by the service (`last_delivery`).

A transient error while the database answers (serialization failure, deadlock) is retried
`attempts_while_up` times; after that it is treated as the message's own failure."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shared.metrics import ServiceMetrics

T = TypeVar("T")

TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "53300", "57P01", "57P02", "57P03", "55P03")
"""SQLSTATE classes and codes of PostgreSQL that say "try again": connection exceptions (08),
serialization failure, deadlock, too many connections, admin/crash shutdown, cannot connect
now (the server is starting), lock not available."""

_NOT_NETWORK = (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError, NotADirectoryError)
_NETWORK_ERRNOS = {
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT,
    errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTDOWN,
}


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and contexts, and the driver errors SQLAlchemy wraps (`orig`)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo.extend([current.__cause__, current.__context__, getattr(current, "orig", None)])
    return seen


def is_transient(exc: BaseException) -> bool:
    """True when the failure is the infrastructure's, not the message's."""
    from sqlalchemy import exc as sa

    for error in _chain(exc):
        if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, (sa.DisconnectionError, sa.TimeoutError)):  # pool: could not get a connection
            return True
        if isinstance(error, (ConnectionError, TimeoutError)):
            return True
        if isinstance(error, OSError) and not isinstance(error, _NOT_NETWORK):
            if error.errno in _NETWORK_ERRNOS or error.errno is None:  # asyncio's "Multiple exceptions: ..."
                return True
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(state, str) and state.startswith(TRANSIENT_SQLSTATES):
            return True
        if type(error).__name__ in {"ConnectionDoesNotExistError", "ConnectionFailureError", "CannotConnectNowError"}:
            return True  # asyncpg, whatever the wrapping
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return True
    return False


class InfrastructureWait:
    """Retries an operation that failed for a transient reason: waits, with backoff, until
    `probe()` says the database answers again, then tries again. Used by every consumer."""

    def __init__(
        self,
        probe: Callable[[], Awaitable[bool]],
        metrics: ServiceMetrics,
        log: Any,
        *,
        first_delay: float = 0.2,
        max_delay: float = 5.0,
        attempts_while_up: int = 8,
    ) -> None:
        self.probe = probe
        self.metrics = metrics
        self.log = log
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.attempts_while_up = attempts_while_up
        self.holding = 0
        self.running = 0  # operations under way (held or not): the consumer has messages in hand

    async def run(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """`operation()` until it succeeds, raises a non-transient error, or fails transiently
        `attempts_while_up` times while the database answers (then its last error is raised)."""
        self.running += 1
        try:
            return await self._run(operation, what)
        finally:
            self.running -= 1

    async def _run(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        failures_while_up = 0
        delay = self.first_delay
        waiting_since: float | None = None
        try:
            while True:
                try:
                    result = await operation()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    self.metrics.transient_failures.labels(what).inc()
                    if waiting_since is None:
                        waiting_since = time.monotonic()
                        self.holding += 1
                        self.metrics.consumers_waiting.inc()
                        self.log.warning("consumer.waiting_for_database", operation=what, error=repr(exc)[:300])
                    if await self._answers():
                        failures_while_up += 1
                        if failures_while_up >= self.attempts_while_up:
                            raise
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.max_delay)
                    while not await self._answers():
                        await asyncio.sleep(delay)
                        delay = min(delay * 2, self.max_delay)
                    continue
                if waiting_since is not None:
                    self.log.info("consumer.database_back", operation=what, waited_seconds=round(time.monotonic() - waiting_since, 2))
                return result
        finally:
            if waiting_since is not None:
                self.holding -= 1
                self.metrics.consumers_waiting.dec()

    async def _answers(self) -> bool:
        try:
            return await self.probe()
        except Exception:  # noqa: BLE001 - whatever the probe raises, the database does not answer
            return False


def delivery_count(headers: dict[str, Any] | None) -> int:
    """Earlier deliveries of this message (RabbitMQ's `x-delivery-count` on quorum queues)."""
    value = (headers or {}).get("x-delivery-count")
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def last_delivery(headers: dict[str, Any] | None, delivery_limit: int) -> bool:
    """True on the last delivery the queue allows: a nack now makes RabbitMQ dead-letter the
    message (reason `delivery_limit`), which the service would otherwise never see."""
    return delivery_count(headers) >= delivery_limit
