"""Real infrastructure for integration tests: from environment variables first, then the local
servers at their default addresses (RabbitMQ 127.0.0.1:5672 with guest/guest and its management
API on :15672, PostgreSQL 127.0.0.1:5432 as user postgres), testcontainers last, else skipped —
but under CI a missing broker or database fails the run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from nastavnik import processes

RABBITMQ_ENV = "NASTAVNIK_TEST_RABBITMQ_URL"
POSTGRES_ENV = "NASTAVNIK_TEST_POSTGRES_URL"
MANAGEMENT_ENV = "NASTAVNIK_TEST_RABBITMQ_MANAGEMENT_URL"

LOCAL_RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_MANAGEMENT = "http://guest:guest@127.0.0.1:15672"


def _listening(port: int) -> bool:
    """Whether a local server accepts connections on the port (the default-address step)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def management_url() -> str | None:
    """The RabbitMQ management API: from the environment, else the local one when it answers
    (`rabbitmq-plugins enable rabbitmq_management`), else None (vhosts then go through rabbitmqctl)."""
    url = os.environ.get(MANAGEMENT_ENV)
    if url:
        return url
    if not _listening(15672):
        return None
    try:
        urllib.request.urlopen("http://127.0.0.1:15672/", timeout=2).close()
    except OSError:
        return None
    return LOCAL_MANAGEMENT


def _unavailable(what: str, why: str) -> None:
    message = f"{what} unavailable: {why}. Set {RABBITMQ_ENV} and {POSTGRES_ENV} (see README)."
    if os.environ.get("CI"):
        pytest.fail(message + " CI is set, so integration tests may not be skipped.")
    pytest.skip(message)


@contextmanager
def rabbitmq_url() -> Iterator[str]:
    url = os.environ.get(RABBITMQ_ENV) or (LOCAL_RABBITMQ if _listening(5672) else None)
    if url:
        yield url
        return
    try:
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management") as container:
            params = container.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
    except Exception as exc:  # noqa: BLE001 - no Docker engine
        _unavailable("RabbitMQ", repr(exc))


@contextmanager
def postgres_url() -> Iterator[str]:
    url = os.environ.get(POSTGRES_ENV) or (LOCAL_POSTGRES if _listening(5432) else None)
    if url:
        yield url
        return
    try:
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
    except Exception as exc:  # noqa: BLE001 - no Docker engine, or the container did not start
        _unavailable("PostgreSQL", repr(exc))


# -- a fresh vhost and fresh databases per test (see nastavnik.processes) -----------------


def create_vhost(broker_url: str) -> str:
    try:
        return processes.create_vhost(broker_url, management_url())
    except RuntimeError as exc:
        _unavailable("RabbitMQ vhost creation", str(exc))
        raise


def delete_vhost(vhost_url: str) -> None:
    processes.delete_vhost(vhost_url, management_url())


def broker_control_available() -> bool:
    return shutil.which("rabbitmqctl") is not None


def stop_broker() -> None:
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True, timeout=120)


def start_broker() -> None:
    subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True, timeout=120)
    subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=True, capture_output=True, timeout=120)


async def create_databases(admin_url: str, names: list[str], *, migrate: bool = True) -> dict[str, str]:
    return await processes.create_databases(admin_url, names, migrate=migrate)


async def drop_databases(admin_url: str, urls: dict[str, str]) -> None:
    if not os.environ.get("NASTAVNIK_TEST_KEEP_DATABASES"):
        await processes.drop_databases(admin_url, urls)
