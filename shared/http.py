"""The HTTP face every service shares: /health, /ready, /metrics and correlation ids."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.api_errors import document_errors, problem
from shared.audit import AuditMiddleware, AuditRules
from shared.errors import UseCaseError
from shared.limits import FILE_FORM_MARGIN, BodyLimit
from shared.metrics import ServiceMetrics
from shared.runtime import ServiceRuntime
from shared.scopes import scope_rule
from shared.validation import SafeInputMiddleware
from shared.web.pages import Pages, install_pages

CORRELATION_HEADER = "X-Correlation-ID"
PUBLIC = scope_rule("public")  # the probes and the AsyncAPI document need no token
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_service_app(
    runtime: ServiceRuntime, *, title: str, description: str, routers: Sequence[APIRouter], pages: Pages | None = None,
    audit_rules: AuditRules | None = None,
    upload_routes: Sequence[str] = (),
    file_routes: Sequence[str] = (),
) -> FastAPI:
    """The service's own HTTP app, without lifespan: the composition root starts the runtime
    (a mounted sub-app's lifespan would never run). `pages`: the service's web pages kit
    (shared.web); every service gets the static files, the API docs with local assets and
    errors as Russian pages for browsers. Every request body is limited (shared/limits.py):
    `NASTAVNIK_MAX_BODY_BYTES`, or `NASTAVNIK_MAX_UPLOAD_BYTES` under the `upload_routes` prefixes,
    or `NASTAVNIK_FILE_MAX_BYTES` (+ FILE_FORM_MARGIN) under the `file_routes` (attached files)."""
    # FastAPI's native OpenTelemetry asks the global providers on every request whether they
    # are configured (~4 % of a small request's CPU); the services report through Prometheus.
    app = FastAPI(title=title, description=description, version="1.0", telemetry=NO_TELEMETRY, docs_url=None, redoc_url=None)

    # the audit's client address, the access log and the audit of declared reads (shared/audit.py)
    app.add_middleware(AuditMiddleware, audit=runtime.audit, rules=audit_rules or {}, log=runtime.log,
                       trusted_proxies=frozenset(runtime.settings.trusted_proxies), access_log=runtime.settings.access_log)
    app.add_middleware(SafeInputMiddleware)  # NUL, lone surrogates, out-of-range numbers → 422 (shared.validation)
    app.add_middleware(CorrelationIdMiddleware)
    settings = runtime.settings
    upload_limits: dict[str, int | tuple[int, str]] = dict.fromkeys(upload_routes, settings.max_upload_bytes)
    upload_limits.update(dict.fromkeys(file_routes, (settings.file_max_bytes + FILE_FORM_MARGIN, "NASTAVNIK_FILE_MAX_BYTES")))
    app.add_middleware(BodyLimit, default=settings.max_body_bytes, limits=upload_limits)
    app.add_middleware(RequestMetricsMiddleware, metrics=runtime.metrics)

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


class RequestMetricsMiddleware:
    """`nastavnik_http_requests_total{method,route,status}` and
    `nastavnik_http_request_duration_seconds{method,route}`, by route template (`/api/v1/people/{person_id}`,
    never the path itself: no id in a label); a path no route matched is `unmatched`. Plain ASGI."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the response started

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = route_template(scope)
            method = scope.get("method", "GET")
            self.metrics.http_requests.labels(method, route, f"{status // 100}xx").inc()
            self.metrics.http_duration.labels(method, route).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The template of the route that answered (Starlette notes it in the scope), else `unmatched`."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not template:
        return "unmatched"
    if route.__class__.__name__ == "Mount":  # static files and the like: the mount, not the file
        return template.rstrip("/") + "/{path}"
    return template


class CorrelationIdMiddleware:
    """Take the caller's X-Correlation-ID (or make one), bind it to the logs and events of the
    request and echo it. Plain ASGI: Starlette's BaseHTTPMiddleware costs a task per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode(), b"")
        correlation = header.decode("latin-1") or str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation

        async def send_with_header(message: Message) -> None:
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

    @router.get("/ready", summary="Readiness: database reachable, broker reachable and not blocking publishes", openapi_extra=PUBLIC)
    async def ready() -> JSONResponse:
        checks, reasons = await runtime.readiness()
        ok = all(checks.values())
        body: dict[str, Any] = {"status": "ready" if ok else "not_ready", "service": runtime.name, "checks": checks}
        if reasons:
            body["reasons"] = reasons
        return JSONResponse(body, status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response, openapi_extra=PUBLIC)
    async def metrics() -> Response:
        await runtime.refresh_gauges()
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    from shared.asyncapi_page import asyncapi_router  # GET /asyncapi.json and /asyncapi (issue 7)

    router.include_router(asyncapi_router(runtime.settings.rabbitmq_url))
    return router


def correlation_id(request: Request) -> str | None:
    return getattr(request.state, "correlation_id", None)
