"""Real infrastructure for integration tests: from environment variables first, testcontainers
second, else skipped — but under CI a missing broker or database fails the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

RABBITMQ_ENV = "NASTAVNIK_TEST_RABBITMQ_URL"
POSTGRES_ENV = "NASTAVNIK_TEST_POSTGRES_URL"
MANAGEMENT_ENV = "NASTAVNIK_TEST_RABBITMQ_MANAGEMENT_URL"


def _unavailable(what: str, why: str) -> None:
    message = f"{what} unavailable: {why}. Set {RABBITMQ_ENV} and {POSTGRES_ENV} (see README)."
    if os.environ.get("CI"):
        pytest.fail(message + " CI is set, so integration tests may not be skipped.")
    pytest.skip(message)


@contextmanager
def rabbitmq_url() -> Iterator[str]:
    url = os.environ.get(RABBITMQ_ENV)
    if url:
        yield url
        return
    try:
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13-management") as container:
            params = container.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
    except Exception as exc:  # no Docker engine
        _unavailable("RabbitMQ", repr(exc))


@contextmanager
def postgres_url() -> Iterator[str]:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        yield url
        return
    try:
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver=None) as container:
            yield container.get_connection_url()
    except Exception as exc:
        _unavailable("PostgreSQL", repr(exc))


# -- a fresh vhost per test module: production names, no interference ------------------------


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def _management(base: str) -> httpx.Client:
    parsed = urllib.parse.urlparse(base)
    return httpx.Client(base_url=base, auth=(parsed.username or "guest", parsed.password or "guest"), timeout=10)


def create_vhost(broker_url: str) -> str:
    vhost = f"nst-test-{uuid.uuid4().hex[:8]}"
    management = os.environ.get(MANAGEMENT_ENV)
    if management:
        with _management(management) as client:
            client.put(f"/api/vhosts/{vhost}").raise_for_status()
            user = urllib.parse.urlparse(broker_url).username or "guest"
            client.put(f"/api/permissions/{vhost}/{user}", json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    elif shutil.which("rabbitmqctl"):
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, urllib.parse.urlparse(broker_url).username or "guest", ".*", ".*", ".*")
    else:
        _unavailable("RabbitMQ vhost creation", f"neither {MANAGEMENT_ENV} nor rabbitmqctl")
    parsed = urllib.parse.urlparse(broker_url)
    return urllib.parse.urlunparse(parsed._replace(path="/" + vhost))


def delete_vhost(vhost_url: str) -> None:
    vhost = urllib.parse.urlparse(vhost_url).path.lstrip("/")
    management = os.environ.get(MANAGEMENT_ENV)
    try:
        if management:
            with _management(management) as client:
                client.delete(f"/api/vhosts/{vhost}")
        elif shutil.which("rabbitmqctl"):
            _rabbitmqctl("delete_vhost", vhost)
    except Exception:
        pass


def broker_control_available() -> bool:
    return shutil.which("rabbitmqctl") is not None


def stop_broker() -> None:
    _rabbitmqctl("stop_app")


def start_broker() -> None:
    _rabbitmqctl("start_app")
    subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=True, capture_output=True, timeout=120)


# -- a fresh PostgreSQL database per service and test ----------------------------------------


async def create_databases(admin_url: str, names: list[str]) -> dict[str, str]:
    import asyncpg

    suffix = uuid.uuid4().hex[:8]
    connection = await asyncpg.connect(admin_url)
    urls = {}
    try:
        for name in names:
            database = f"nst_{suffix}_{name}"
            await connection.execute(f'CREATE DATABASE "{database}"')
            parsed = urllib.parse.urlparse(admin_url)
            urls[name] = urllib.parse.urlunparse(parsed._replace(path="/" + database))
    finally:
        await connection.close()
    return urls


async def drop_databases(admin_url: str, urls: dict[str, str]) -> None:
    import asyncpg

    if os.environ.get("NASTAVNIK_TEST_KEEP_DATABASES"):
        return
    connection = await asyncpg.connect(admin_url)
    try:
        for url in urls.values():
            database = urllib.parse.urlparse(url).path.lstrip("/")
            await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await connection.close()
