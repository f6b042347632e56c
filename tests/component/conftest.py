"""Every component test runs on both backends, as FastStream's own tests do: `memory` (SQLite
files in a fresh folder) and `postgres` (a fresh PostgreSQL database per service, from
NASTAVNIK_TEST_POSTGRES_URL, else testcontainers; marked `integration`). The backend is an
autouse parameter, so a new component test runs on both without naming it anywhere.

The broker stays FastStream's in-memory one on both backends (tests.component.helpers.running):
a component test asserts that an event, once published, is applied (the in-memory transport
applies it at once, a failure is final). The real broker's redelivery, dead-lettering and
reconnects are what tests/integration exercises, with the services as processes.

On `postgres`, each service's database is named by `<SERVICE>_DATABASE_URL` (shared.settings),
so the tests' own `Settings(...)` reach PostgreSQL too. A module-scoped service (a big region
loaded once per module, see `module_settings`) gets databases of its own for the module."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shared.settings import Settings

from nastavnik.processes import SERVICES
from tests import infra
from tests.conftest import SECRET

BACKENDS = ["memory", pytest.param("postgres", marks=pytest.mark.integration)]


@pytest.fixture(scope="module", params=BACKENDS, autouse=True)
def backend(request: pytest.FixtureRequest) -> str:
    """`memory` or `postgres`: where the services under test keep their data."""
    return request.param


_DROPS = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="drop-databases")
"""Databases are dropped in the background while the next test runs (a drop takes seconds)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`@pytest.mark.only_backend("memory", reason=...)`: a test asserting one backend's own rule
    is skipped, with its reason, on the other."""
    for item in items:
        marker = item.get_closest_marker("only_backend")
        callspec = getattr(item, "callspec", None)
        if marker and callspec and callspec.params.get("backend") not in marker.args:
            item.add_marker(pytest.mark.skip(reason=marker.kwargs["reason"]))


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    with infra.postgres_url() as url:
        yield url
        _DROPS.shutdown(wait=True)


def _run(coroutine) -> object:
    """Run `coroutine` on a loop of its own, in a thread: the test's loop is left alone."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def service_databases(backend: str, request: pytest.FixtureRequest) -> Iterator[None]:
    """On `postgres`: fresh databases for every service, named by `<SERVICE>_DATABASE_URL`
    while the context lasts, dropped afterwards; on `memory`: nothing."""
    if backend != "postgres":
        yield
        return
    admin = request.getfixturevalue("postgres_admin")
    urls: dict[str, str] = _run(infra.create_databases(admin, list(SERVICES), migrate=False))  # type: ignore[assignment]
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, url in urls.items():
                patch.setenv(f"{name.upper()}_DATABASE_URL", url)
            yield
    finally:
        _DROPS.submit(asyncio.run, infra.drop_databases(admin, urls))


@pytest.fixture(autouse=True)
def _databases(backend: str, request: pytest.FixtureRequest) -> Iterator[None]:
    with service_databases(backend, request):
        yield


@pytest.fixture
def other_databases(backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Call it before building a second service of one kind in a test (each with its own data):
    on `postgres`, the services built from then on get fresh databases (dropped after the test);
    on `memory`, nothing (the service's own `data_dir` gives it its own SQLite file)."""
    admin = request.getfixturevalue("postgres_admin") if backend == "postgres" else ""
    created: list[dict[str, str]] = []

    def switch() -> None:
        if backend != "postgres":
            return
        urls: dict[str, str] = _run(infra.create_databases(admin, list(SERVICES), migrate=False))  # type: ignore[assignment]
        created.append(urls)
        for name, url in urls.items():
            monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", url)

    yield switch
    for urls in created:
        _DROPS.submit(asyncio.run, infra.drop_databases(admin, urls))


@pytest.fixture(scope="module")
def module_settings(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for a service shared by a module's tests (create the service in a module-scoped
    fixture that takes these): a folder and, on `postgres`, databases of its own for the module."""
    folder: Path = tmp_path_factory.mktemp("module")
    with service_databases(backend, request):
        yield Settings(data_dir=folder, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None)
