"""Which failures a consumer waits out (the infrastructure's) and which spend a delivery (the message's)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import exc as sa

from shared.messaging.faults import InfrastructureWait, is_transient, last_delivery
from shared.metrics import ServiceMetrics


class _SerializationFailure(Exception):
    sqlstate = "40001"


class _UniqueViolation(Exception):
    sqlstate = "23505"


def wrapped(error: Exception) -> Exception:
    """As SQLAlchemy raises a driver's error."""
    return sa.DBAPIError("SELECT 1", {}, error)


@pytest.mark.parametrize("error", [
    ConnectionRefusedError(111, "Connect call failed"),
    ConnectionResetError(),
    TimeoutError(),
    OSError("Multiple exceptions: [Errno 111] Connect call failed"),
    wrapped(_SerializationFailure()),
    sa.TimeoutError("QueuePool limit reached"),
    sqlite3.OperationalError("database is locked"),
])
def test_the_infrastructure_failing_is_transient(error: Exception) -> None:
    assert is_transient(error)


def test_a_transient_cause_makes_the_wrapping_error_transient() -> None:
    try:
        try:
            raise ConnectionResetError()
        except ConnectionResetError as inner:
            raise RuntimeError("while applying") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


@pytest.mark.parametrize("error", [
    RuntimeError("a bug"), KeyError("x"), ValueError("bad data"), wrapped(_UniqueViolation()), FileNotFoundError("x"),
])
def test_a_bad_message_or_a_bug_is_not_transient(error: Exception) -> None:
    assert not is_transient(error)


def test_the_last_delivery_is_the_one_whose_count_reaches_the_limit() -> None:
    assert not last_delivery(None, 5)
    assert not last_delivery({"x-delivery-count": 4}, 5)
    assert last_delivery({"x-delivery-count": 5}, 5)


async def test_an_operation_is_held_while_the_database_is_down_and_applied_after() -> None:
    database_up = asyncio.Event()
    calls = []

    async def probe() -> bool:
        return database_up.is_set()

    async def operation() -> str:
        calls.append(database_up.is_set())
        if not database_up.is_set():
            raise ConnectionRefusedError(111, "Connect call failed")
        return "applied"

    metrics = ServiceMetrics("test")
    waiting = InfrastructureWait(probe, metrics, _Log(), first_delay=0.01, max_delay=0.02)
    task = asyncio.create_task(waiting.run(operation, "test"))
    while metrics.consumers_waiting._value.get() == 0:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    assert not task.done() and calls == [False]  # not retried against a database that does not answer
    database_up.set()
    assert await task == "applied"
    assert metrics.consumers_waiting._value.get() == 0


async def test_a_transient_error_while_the_database_answers_is_retried_a_few_times_then_raised() -> None:
    async def probe() -> bool:
        return True

    attempts = []

    async def deadlock() -> None:
        attempts.append(1)
        raise wrapped(_SerializationFailure())

    waiting = InfrastructureWait(probe, ServiceMetrics("test"), _Log(), first_delay=0.001, max_delay=0.001, attempts_while_up=3)
    with pytest.raises(sa.DBAPIError):
        await waiting.run(deadlock, "test")
    assert len(attempts) == 3


class _Log:
    def warning(self, *args, **kwargs) -> None:
        pass

    def info(self, *args, **kwargs) -> None:
        pass
