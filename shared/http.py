"""The HTTP face every service shares: /health, /ready, /metrics and correlation ids."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.api_errors import document_errors, problem
from shared.errors import UseCaseError
from shared.runtime import ServiceRuntime
from shared.scopes import scope_rule
from shared.validation import SafeInputMiddleware
from shared.web.pages import Pages, install_pages

CORRELATION_HEADER = "X-Correlation-ID"
PUBLIC = scope_rule("public")  # the probes and the AsyncAPI document need no token
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}


def create_service_app(
    runtime: ServiceRuntime, *, title: str, description: str, routers: Sequence[APIRouter], pages: Pages | None = None
) -> FastAPI:
    """The service's own HTTP app, without lifespan: the composition root starts the runtime
    (a mounted sub-app's lifespan would never run). `pages`: the service's web pages kit
    (shared.web); every service gets the static files, the API docs with local assets and
    errors as Russian pages for browsers."""
    # FastAPI's native OpenTelemetry asks the global providers on every request whether they
    # are configured (~4 % of a small request's CPU); the services report through Prometheus.
    app = FastAPI(title=title, description=description, version="1.0", telemetry=NO_TELEMETRY, docs_url=None, redoc_url=None)

    app.add_middleware(SafeInputMiddleware)  # NUL, lone surrogates, out-of-range numbers → 422 (shared.validation)
    app.add_middleware(CorrelationIdMiddleware)

    @app.exception_handler(UseCaseError)
    async def use_case_error(_request: Request, exc: UseCaseError) -> JSONResponse:
        if exc.field:
            detail: Any = [problem(["body", *exc.field.split(".")], exc.message)]
        elif exc.status_code == 422:
            detail = [problem(["body"], exc.message)]
        else:
            detail = exc.message
        return JSONResponse({"detail": detail}, status_code=exc.status_code)

    app.include_router(operations_router(runtime))
    for router in routers:
        app.include_router(router)
    install_pages(app, pages or Pages(runtime.name, runtime.settings))
    document_errors(app)
    return app


class CorrelationIdMiddleware:
    """Take the caller's X-Correlation-ID (or make one), bind it to the logs and events of the
    request and echo it. Plain ASGI: Starlette's BaseHTTPMiddleware costs a task per request."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode(), b"")
        correlation = header.decode("latin-1") or str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation

        async def send_with_header(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (CORRELATION_HEADER.lower().encode(), correlation.encode("latin-1"))]
            await send(message)

        # bind/reset by token: structlog's bound_contextvars() copies the whole context twice
        tokens = structlog.contextvars.bind_contextvars(correlation_id=correlation)
        try:
            await self.app(scope, receive, send_with_header)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)


def operations_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health", summary="Liveness: the process answers", openapi_extra=PUBLIC)
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @router.get("/ready", summary="Readiness: broker and database reachable", openapi_extra=PUBLIC)
    async def ready() -> JSONResponse:
        checks = await runtime.ready()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "service": runtime.name, "checks": checks},
            status_code=200 if ok else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response, openapi_extra=PUBLIC)
    async def metrics() -> Response:
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    from shared.asyncapi_page import asyncapi_router  # GET /asyncapi.json and /asyncapi (issue 7)

    router.include_router(asyncapi_router())
    return router


def correlation_id(request: Request) -> str | None:
    return getattr(request.state, "correlation_id", None)
