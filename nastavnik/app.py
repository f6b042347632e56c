"""Composition of the HTTP processes: all four services in one (run), or one alone (serve).

Each service's HTTP app is mounted under its own prefix (/registry, /pairing, /surveys,
/reports) in both modes, so that clients use the same paths whichever way it runs."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, RedirectResponse
from faststream.rabbit import TestRabbitBroker
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.http import NO_TELEMETRY, operations_router
from shared.logging import get_logger
from shared.settings import Settings

from nastavnik.home import ensure_demo_accounts, home_router
from nastavnik.scenario import RegionScenario
from nastavnik.services import FACTORIES

GC_THRESHOLDS = (7000, 10, 10)


def settle_heap() -> None:
    """For a server process, once its app is built: move everything allocated so far (modules, models, app) out of the
    garbage collector's sight, and collect young objects less often. A request allocates many
    short-lived objects; with the default thresholds a full collection over the whole heap ran
    about once a second for ~150 ms under load, most of the submit's p99 (bench/survey_ingestion.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def build_all_in_one(settings: Settings, *, hosts: tuple[str, ...] = ()) -> FastAPI:
    """`nastavnik run`: the four services in one process (in-memory broker unless RABBITMQ_URL).
    In demo mode it answers only requests addressed to this computer, the public URL or `hosts`."""
    services = {name: factory(settings, shared_process=True) for name, factory in FACTORIES.items()}
    log = get_logger("nastavnik")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if settings.in_memory_broker:
                await stack.enter_async_context(TestRabbitBroker(*(s.runtime.broker for s in services.values())))
            for service in services.values():
                await service.runtime.start()
                stack.push_async_callback(service.runtime.stop)
            if settings.demo:
                await load_demo(app, settings, services)
                stack.push_async_callback(_stop_demo, app)
            log.info("nastavnik.ready", mode="all-in-one", broker="memory" if settings.in_memory_broker else "rabbitmq")
            yield

    app = FastAPI(title="Nastavnik", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None, telemetry=NO_TELEMETRY)
    app.state.services = services
    app.state.settings = settings
    app.include_router(home_router())  # `/` → the home page (/registry/)
    if settings.demo:
        app.add_middleware(DemoHostCheck, allowed=demo_hosts(settings, hosts))
    for name, service in services.items():
        app.mount(f"/{name}", service.http)
    return app


def build_single(name: str, settings: Settings) -> FastAPI:
    """`nastavnik serve <name>`: one service as its own process (never in demo mode)."""
    if settings.demo:
        raise ValueError("demo mode is for `nastavnik run` only")
    service = FACTORIES[name](settings)
    service.runtime.upgrade_schema = False  # the operator migrates (`nastavnik migrate`); a database behind stops the start

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if settings.in_memory_broker:
                await stack.enter_async_context(TestRabbitBroker(service.runtime.broker))
            await service.runtime.start()
            stack.push_async_callback(service.runtime.stop)
            yield

    app = FastAPI(title=f"Nastavnik · {name}", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None, telemetry=NO_TELEMETRY)
    app.state.services = {name: service}

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"/{name}/docs")

    # Probes at the root as well, for orchestrators and Prometheus that are told only the port.
    app.include_router(operations_router(service.runtime))
    app.mount(f"/{name}", service.http)
    return app


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def demo_hosts(settings: Settings, hosts: tuple[str, ...] = ()) -> frozenset[str]:
    """The host names the demo answers: this computer, the host of NASTAVNIK_PUBLIC_URL, and the
    address `nastavnik run --host` listens on (unless it is every interface)."""
    public = urlsplit(settings.public_url).hostname
    named = {h.strip("[]").lower() for h in hosts if h not in ("", "0.0.0.0", "::")}  # noqa: S104 - the wildcard addresses are recognised here, not bound
    return frozenset({*LOOPBACK_HOSTS, *named, *([public.lower()] if public else [])})


class DemoHostCheck:
    """The demo signs anyone in with one click, so it answers only requests whose Host header names
    it: a page of another site that resolves its own name to this computer (DNS rebinding) gets 400."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            try:
                name = urlsplit("//" + Headers(scope=scope).get("host", "")).hostname or ""
            except ValueError:  # "[::1" and the like
                name = ""
            if name not in self.allowed:
                response = PlainTextResponse("Неизвестный адрес сайта в заголовке Host / unknown Host header", status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _stop_demo(app: FastAPI, patience: float = 30.0) -> None:
    """At shutdown, a demo year still being played is cancelled (before the services stop). The
    cancel is repeated until the task ends: on Python 3.11 a cancel that lands while an inner
    timeout completes can be swallowed, and one cancel alone could leave the stop waiting for the
    whole year."""
    task = app.state.demo_task
    deadline = asyncio.get_running_loop().time() + patience
    while not task.done() and asyncio.get_running_loop().time() < deadline:
        task.cancel()
        await asyncio.wait({task}, timeout=0.5)
    if task.done() and not task.cancelled():
        with contextlib.suppress(BaseException):
            task.result()


async def load_demo(app: FastAPI, settings: Settings, services: dict[str, Any]) -> None:
    """Load the demo region through the public APIs, unless the data folder already has it.

    The start stays fast: the demo people and their accounts are loaded before the server
    answers; the rest of the school year (pairs, plans, campaigns, questionnaires) is played in
    the background right after, and `app.state.demo_filled` is set when it is done and its events
    have reached every service (a page opened before shows the year so far)."""
    log = get_logger("nastavnik")
    filled = app.state.demo_filled = asyncio.Event()
    accounts_ready = asyncio.Event()

    async def accounts() -> None:
        await ensure_demo_accounts(services["registry"], settings)
        accounts_ready.set()

    async def settled() -> None:  # the year's events heard everywhere: the analyses are approved on final figures
        for service in services.values():
            await service.runtime.relay.wait_idle(timeout=300)

    async def fill() -> None:
        started = time.perf_counter()
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
                # patience: on a busy machine the services may take long to learn from the events
                scenario = RegionScenario(client, settings.jwt_secret, settings.region_id, patience=300)
                if await scenario.already_loaded():
                    log.info("demo.already_loaded")
                    await accounts()
                else:
                    # the first school plays a whole school year; the accounts once its people exist
                    region = await scenario.load(school_year=True, people_ready=accounts, settled=settled)
                    app.state.demo_region = region
            await settled()  # a school year's events: give a busy machine time
            log.info("demo.loaded", seconds=round(time.perf_counter() - started, 1))
        except Exception:
            log.exception("demo.failed")
            raise
        finally:
            accounts_ready.set()
            filled.set()

    app.state.demo_task = asyncio.create_task(fill(), name="demo")
    await accounts_ready.wait()
