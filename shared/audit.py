"""The audit log of personal data (issue 13): one mechanism for every service that holds it.

Each service has one table `<service>_audit` (`audit_table(service)`): who (the token's subject
— an account's staff or participant id, an operator's name from `nastavnik token`), their
role, what (an action, an entity type and its pseudonymous id — never a name), when, and from
where (the client's address: the last address of `X-Forwarded-For` added by a trusted proxy,
else the peer). Rows are written two ways:

- in the transaction of the use case (`AuditLog.entry(...)` added to the session): registry's
  changes, surveys' reads of answers;
- by the HTTP layer after a successful request, for the routes a service declares in its
  `AuditRules` (`"GET /api/v1/participants/{participant_id}": ("participant", "read",
  "participant_id")`): the reads of personal data, page or API, without touching each route.

Kept `audit_retention_days` (a setting of the region; 0: forever), pruned hourly. A withdrawn
person's id is replaced by its one-way pseudonym (`pseudonym()`) in the services that erase the
person; the entries stay. Read by the region's data-protection officer at `/<service>/audit`
(shared.web.audit_page)."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Field, SQLModel, col, select

from shared.clock import utcnow
from shared.periodic import Periodic

_origin: ContextVar[str] = ContextVar("nastavnik_request_origin", default="")
_tables: dict[str, type[SQLModel]] = {}
READ, WRITE = "read", "write"


def current_origin() -> str:
    """The client address of the request being served ('' outside a request: events, the CLI)."""
    return _origin.get()


def pseudonym(person_id: str) -> str:
    """The one-way pseudonym a withdrawn person's id becomes in the audit (the same in every
    service, so the data-protection officer can still follow one person across them)."""
    return "anon-" + hashlib.sha256(person_id.encode()).hexdigest()[:24]


def audit_table(service: str) -> type[SQLModel]:
    """The audit table of `service` (one class per table: SQLModel has one global metadata)."""
    if service in _tables:
        return _tables[service]
    empty: dict[str, Any] = {"server_default": ""}
    namespace: dict[str, Any] = {
        "__tablename__": f"{service}_audit",
        "__module__": __name__,
        "__annotations__": {"id": int | None, "at": datetime, "actor": str, "action": str, "target": str, "detail": str,
                            "role": str, "entity": str, "origin": str},
        "id": Field(default=None, primary_key=True),
        "at": Field(default_factory=utcnow, index=True),
        "actor": Field(),  # the subject (an id), "system" or "cli"
        "action": Field(),  # e.g. participant.updated, read
        "target": Field(index=True),  # the entity's pseudonymous id
        "detail": Field(default=""),  # ids and field names only, never a name
        "role": Field(default="", sa_column_kwargs=empty),
        "entity": Field(default="", sa_column_kwargs=empty),
        "origin": Field(default_factory=current_origin, sa_column_kwargs=empty),
    }
    AuditEntry = type(f"{service.capitalize()}AuditEntry", (SQLModel,), namespace, table=True)  # noqa: N806 - a table class made per service
    _tables[service] = AuditEntry
    return AuditEntry


def audit_entry(service: str, principal: Any, action: str, entity: str, target: str, detail: str = "") -> SQLModel:
    """A row of `service`'s audit log to add to the use case's session (written with its transaction)."""
    actor, role = ("cli", "") if principal is None else (principal.sub, principal.role)
    return audit_table(service)(actor=actor, role=role, action=action, entity=entity, target=target,
                                detail=detail[:500])


async def pseudonymise(session: Any, service: str, person_id: str) -> None:
    """Withdrawal, in the consumer's transaction: the person's id becomes their pseudonym in every
    entry of `service`'s audit log; the entries stay."""
    t = audit_table(service)
    alias = pseudonym(person_id)
    await session.exec(update(t).where(t.target == person_id).values(target=alias))  # type: ignore[attr-defined]
    await session.exec(update(t).where(t.actor == person_id).values(actor=alias))  # type: ignore[attr-defined]
    for row in (await session.exec(select(t).where(col(t.detail).contains(person_id)))).all():  # type: ignore[attr-defined]
        row.detail = row.detail.replace(person_id, alias)
        session.add(row)


@dataclass(frozen=True)
class Rule:
    entity: str
    action: str = READ
    id_param: str | None = None  # a path parameter, else a query parameter, naming the entity
    detail_params: tuple[str, ...] = ()  # further ids worth keeping (never free text)


AuditRules = dict[str, Rule]
"""`"<METHOD> <route path as declared in the service app>"` → what a successful request did."""


class AuditLog:
    def __init__(self, service: str, db: Any, retention_days: float) -> None:
        self.service = service
        self.table = audit_table(service)
        self.db = db
        self.retention = timedelta(days=retention_days) if retention_days else None
        self._pruning: Periodic | None = None

    def entry(self, principal: Any, action: str, entity: str, target: str, detail: str = "") -> SQLModel:
        """A row to add to the use case's session (written with its transaction)."""
        return audit_entry(self.service, principal, action, entity, target, detail)

    async def record(self, principal: Any, action: str, entity: str, target: str, detail: str = "") -> None:
        async with self.db.sessions() as session:
            session.add(self.entry(principal, action, entity, target, detail))
            await session.commit()

    async def entries(self, *, person: str = "", actor: str = "", limit: int = 500) -> list[Any]:
        """The newest entries, optionally about one id (target or detail) or by one actor."""
        t = self.table
        query = select(t).order_by(col(t.at).desc(), col(t.id).desc()).limit(limit)  # type: ignore[attr-defined]
        if person:
            query = query.where(or_(t.target == person, col(t.detail).contains(person),  # type: ignore[attr-defined]
                                    t.target == pseudonym(person), col(t.detail).contains(pseudonym(person))))  # type: ignore[attr-defined]
        if actor:
            query = query.where(or_(t.actor == actor, t.actor == pseudonym(actor)))  # type: ignore[attr-defined]
        async with self.db.sessions() as session:
            return list((await session.exec(query)).all())

    async def pseudonymise(self, session: Any, person_id: str) -> None:
        await pseudonymise(session, self.service, person_id)

    async def prune(self, now: datetime | None = None) -> int:
        """Delete the entries older than the retention; how many."""
        if self.retention is None:
            return 0
        t = self.table
        async with self.db.sessions() as session:
            result = await session.exec(delete(t).where(col(t.at) < (now or utcnow()) - self.retention))  # type: ignore[attr-defined]
            await session.commit()
        return result.rowcount or 0

    def start(self, log: Any, interval: float = 3600.0) -> None:
        async def prune_round() -> None:
            pruned = await self.prune()
            if pruned:
                log.info("audit.pruned", entries=pruned)

        self._pruning = Periodic(f"{self.service}-audit-prune", prune_round, interval, log, failure_event="audit.prune_failed")
        self._pruning.start()

    async def stop(self) -> None:
        if self._pruning is not None:
            await self._pruning.stop()
            self._pruning = None


# ---- the HTTP side: the client's address, the access log and the declared reads ----------------

QUIET = ("/health", "/ready", "/metrics")
SECRET_SEGMENTS = ("invite", "reset", "form")  # /registry/invite/<token>: a personal link, never logged


def client_address(scope: dict[str, Any], trusted: frozenset[str]) -> str:
    """The peer, or — when the peer is a trusted proxy — the last address X-Forwarded-For holds
    that is not itself a trusted proxy."""
    peer = (scope.get("client") or ("", 0))[0] or ""
    if peer not in trusted:
        return peer
    header = dict(scope.get("headers") or []).get(b"x-forwarded-for", b"").decode("latin-1")
    for candidate in reversed([part.strip() for part in header.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return peer
        if candidate not in trusted:
            return candidate
    return peer


def loggable_path(path: str) -> str:
    """The path without what must not reach a log: no query string (searches hold names) and no
    personal link token."""
    parts = path.split("/")
    for i, part in enumerate(parts[:-1]):
        if part in SECRET_SEGMENTS and parts[i + 1]:
            parts[i + 1] = "…"
    return "/".join(parts)


class AuditMiddleware:
    """Plain ASGI: binds the client address for the audit rows of the request, writes one access
    log line per request (method, path without query, status, duration, client address), and
    after a successful request of a declared route, its audit entry."""

    def __init__(self, app: Any, *, audit: AuditLog | None, rules: AuditRules, log: Any, trusted_proxies: frozenset[str],
                 access_log: bool = True) -> None:
        self.app = app
        self.audit = audit
        self.rules = rules
        self.log = log
        self.trusted = trusted_proxies
        self.access_log = access_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = client_address(scope, self.trusted)
        token = _origin.set(client)
        started = time.perf_counter()
        status = [500]

        async def send_status(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            _origin.reset(token)
            path, root = scope.get("path", ""), scope.get("root_path", "")
            inner = path[len(root):] if root and path.startswith(root) else path
            if self.access_log and not inner.startswith(QUIET):
                self.log.info("http.request", method=scope.get("method"), path=loggable_path(path), status=status[0],
                              duration_ms=round((time.perf_counter() - started) * 1000, 1), client=client)
        if status[0] < 400 and self.audit is not None:
            await self._audit(scope, client)

    async def _audit(self, scope: dict[str, Any], client: str) -> None:
        route = scope.get("route")
        rule = self.rules.get(f"{scope.get('method')} {getattr(route, 'path', '')}") if route is not None else None
        principal = (scope.get("state") or {}).get("principal")
        if rule is None or principal is None:
            return
        params = dict(scope.get("path_params") or {})
        query = _query(scope)
        target = (params.get(rule.id_param) or query.get(rule.id_param) or "") if rule.id_param else ""
        detail = ",".join(f"{p}={params.get(p) or query.get(p)}" for p in rule.detail_params if params.get(p) or query.get(p))
        token = _origin.set(client)
        try:
            await self.audit.record(principal, rule.action, rule.entity, str(target), detail)  # type: ignore[union-attr]
        except Exception as exc:  # noqa: BLE001 - the answer is sent; the failure is logged
            self.log.error("audit.write_failed", error=type(exc).__name__, entity=rule.entity)
        finally:
            _origin.reset(token)


def _query(scope: dict[str, Any]) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
