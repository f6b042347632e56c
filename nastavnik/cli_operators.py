"""`nastavnik status`, `nastavnik dlq …`, `nastavnik broker school-access`: tools for operators of a running deployment: status, dead-letter queues, per-school broker users.

- `collect_status()`: each service's /health, /ready and reliability metrics, the broker's queue
  depths (management API) — what `nastavnik status` prints.
- `list_dead_letters()` / `replay()`: inspect `<queue>.dlq` and send messages back to the
  exchange and routing key they were first published with (from the `x-death` header). Replay
  never loses a message: get → publish with a publisher confirm (mandatory, so an unroutable
  message counts as a failure) → ack only after the confirm. A failure stops the replay and
  the message stays in the dead-letter queue. Consumers are idempotent (inbox), so a replayed
  event that another consumer of the same type already applied is skipped there.
- `school_access_definitions()`: RabbitMQ definitions for a school's own user (see
  docs/school-integration.md for the permission model); `apply_definitions()` posts them to the
  management API.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import secrets
import sys
import urllib.parse
from dataclasses import dataclass, field
from typing import Annotated, Any

import aio_pika
import httpx
import typer
from prometheus_client.parser import text_string_to_metric_families

from shared.messaging.topology import (
    EVENTS_EXCHANGE_NAME,
    INBOUND_EXCHANGE_NAME,
    SCHOOLS_EXCHANGE_NAME,
    school_outbox_binding,
    school_outbox_queue,
    school_user,
)

# -- per-school outgoing events -----------------------------------------------------------------



SCHOOL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""School ids that are safe inside a user name, a queue name and a permission regex (no dots)."""


# -- management API -----------------------------------------------------------------------------


def management_client(url: str) -> httpx.Client:
    """`http://user:password@host:15672` → an httpx client with basic auth."""
    parsed = urllib.parse.urlparse(url)
    base = urllib.parse.urlunparse(parsed._replace(netloc=(parsed.hostname or "") + (f":{parsed.port}" if parsed.port else "")))
    return httpx.Client(base_url=base, auth=(urllib.parse.unquote(parsed.username or "guest"), urllib.parse.unquote(parsed.password or "guest")), timeout=10)


def vhost_of(amqp_url: str) -> str:
    path = urllib.parse.urlparse(amqp_url).path
    return urllib.parse.unquote(path[1:]) if len(path) > 1 else "/"


def _quote(vhost: str) -> str:
    return urllib.parse.quote(vhost, safe="")


# -- status -------------------------------------------------------------------------------------


@dataclass
class ServiceStatus:
    name: str
    url: str
    healthy: bool = False
    ready: bool = False
    checks: dict[str, bool] = field(default_factory=dict)
    outbox_pending: float | None = None
    outbox_oldest_age_seconds: float | None = None
    dead_lettered_total: float | None = None
    """Dead-letters this service counted since its process started (its own metric)."""
    dead_letter_queued: int | None = None
    """Messages now in this service's `.dlq` queues (the broker's figure: survives restarts)."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Why a readiness check fails (e.g. the broker blocks publishing: a memory alarm)."""
    parked: float | None = None
    """reports only: events waiting for the school, person or pair they refer to."""
    waiting_for_database: float | None = None
    mail_pending: float | None = None
    """notifications only: mails waiting for the mail server, and mails it refused for good (since start)."""
    mail_bounced_total: float | None = None
    error: str | None = None


@dataclass
class QueueStatus:
    name: str
    messages: int
    consumers: int

    @property
    def dead_letter(self) -> bool:
        return self.name.endswith(".dlq")


@dataclass
class Status:
    services: list[ServiceStatus]
    queues: list[QueueStatus]
    broker_error: str | None = None

    @property
    def ok(self) -> bool:
        return (all(s.ready for s in self.services) and self.broker_error is None
                and not any(q.dead_letter and q.messages for q in self.queues))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "services": [vars(s) for s in self.services],
            "queues": [{**vars(q), "dead_letter": q.dead_letter} for q in self.queues],
            "broker_error": self.broker_error,
        }


def _metric_values(text: str) -> dict[str, float]:
    """Family name → sum of its samples (the unlabelled gauges, the counters summed over labels)."""
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in (family.name, f"{family.name}_total"):
                totals[family.name] = totals.get(family.name, 0.0) + sample.value
    return totals


def service_status(name: str, url: str, client: httpx.Client) -> ServiceStatus:
    status = ServiceStatus(name, url)
    base = url.rstrip("/")
    try:
        status.healthy = client.get(f"{base}/health").status_code == 200
        ready = client.get(f"{base}/ready")
        status.ready = ready.status_code == 200
        answer = ready.json()
        status.checks = answer.get("checks", {})
        status.reasons = answer.get("reasons", {})
        metrics = _metric_values(client.get(f"{base}/metrics").text)
        status.outbox_pending = metrics.get("nastavnik_outbox_pending_events")
        status.outbox_oldest_age_seconds = metrics.get("nastavnik_outbox_oldest_pending_age_seconds")
        status.dead_lettered_total = metrics.get("nastavnik_events_dead_lettered", 0.0)
        status.parked = metrics.get("reports_events_parked")
        status.waiting_for_database = metrics.get("nastavnik_consumer_waiting_for_database")
        status.mail_pending = metrics.get("notifications_mail_pending")
        status.mail_bounced_total = metrics.get("notifications_mail_bounced")
    except (httpx.HTTPError, ValueError) as exc:
        status.error = f"{type(exc).__name__}: {exc}"
    return status


def broker_queues(management_url: str, vhost: str) -> list[QueueStatus]:
    with management_client(management_url) as client:
        response = client.get(f"/api/queues/{_quote(vhost)}", params={"columns": "name,messages,consumers"})
        response.raise_for_status()
        return sorted(
            (QueueStatus(q["name"], int(q.get("messages") or 0), int(q.get("consumers") or 0)) for q in response.json()),
            key=lambda q: q.name,
        )


def collect_status(service_urls: dict[str, str], management_url: str | None, vhost: str) -> Status:
    with httpx.Client(timeout=5) as client:
        services = [service_status(name, url, client) for name, url in service_urls.items()]
    queues: list[QueueStatus] = []
    error = None
    if management_url:
        try:
            queues = broker_queues(management_url, vhost)
        except httpx.HTTPError as exc:
            error = f"management API {management_url.split('@')[-1]}: {type(exc).__name__}: {exc}"
    if management_url and error is None:
        for s in services:
            s.dead_letter_queued = sum(q.messages for q in queues if q.dead_letter and q.name.startswith(f"{s.name}."))
    return Status(services, queues, error)


def render_status(status: Status) -> str:
    def number(value: float | None, unit: str = "") -> str:
        return "-" if value is None else f"{value:g}{unit}"

    lines = [f"{'service':<13} {'health':<7} {'ready':<9} {'outbox':>7} {'oldest':>8} {'dead-lettered':>14} {'in DLQ':>7}"]
    for s in status.services:
        ready = "ready" if s.ready else "NOT READY" if not s.error else "DOWN"
        failing = [f"{k}: {s.reasons.get(k, 'unreachable')}" for k, v in s.checks.items() if not v]
        lines.append(f"{s.name:<13} {'ok' if s.healthy else 'FAIL':<7} {ready:<9} {number(s.outbox_pending):>7} "
                     f"{number(s.outbox_oldest_age_seconds, 's'):>8} {number(s.dead_lettered_total):>14} {number(s.dead_letter_queued):>7}"
                     + (f"  {s.error}" if s.error else "")
                     + ("  " + "; ".join(failing) if failing and not s.ready else ""))
    for s in status.services:
        if s.waiting_for_database:
            lines.append(f"{s.name}: {number(s.waiting_for_database)} consumer(s) holding messages until the database answers")
        if s.parked:
            lines.append(f"{s.name}: {number(s.parked)} event(s) parked, waiting for a school, person or pair not registered yet"
                         " (applied when it is; see docs/operators.md)")
    for s in status.services:
        if s.mail_pending is not None:
            lines.append(f"{s.name}: mails pending {number(s.mail_pending)}, bounced since start {number(s.mail_bounced_total)}"
                         + ("  <- see /notifications/mail?status=bounced" if s.mail_bounced_total else ""))
    if status.broker_error:
        lines.append(f"broker: {status.broker_error}")
    elif status.queues:
        lines.append("")
        lines.append(f"{'queue':<60} {'messages':>9} {'consumers':>10}")
        for q in status.queues:
            flag = "  <- dead-lettered: nastavnik dlq list" if q.dead_letter and q.messages else ""
            lines.append(f"{q.name:<60} {q.messages:>9} {q.consumers:>10}{flag}")
    lines.append("")
    lines.append("OK" if status.ok else "ATTENTION: see above")
    return "\n".join(lines)


# -- dead-letter queues ---------------------------------------------------------------------


@dataclass
class DeadLetter:
    queue: str
    message_id: str | None
    exchange: str | None
    routing_key: str | None
    reason: str | None
    count: int
    body: str

    @property
    def type(self) -> str | None:
        try:
            return json.loads(self.body).get("type")
        except (ValueError, AttributeError):
            return None


def dead_letter_queue(queue: str) -> str:
    return queue if queue.endswith(".dlq") else f"{queue}.dlq"


def _death(message: aio_pika.abc.AbstractIncomingMessage) -> dict[str, Any]:
    """The first x-death entry: where the message was first published and why it died."""
    deaths: Any = (message.headers or {}).get("x-death") or []
    return dict(deaths[0]) if deaths else {}


def _dead_letter(queue: str, message: aio_pika.abc.AbstractIncomingMessage) -> DeadLetter:
    death = _death(message)
    keys = death.get("routing-keys") or []
    reason = death.get("reason")
    return DeadLetter(
        queue=queue,
        message_id=message.message_id,
        exchange=death.get("exchange"),
        routing_key=(keys[0] if keys else None),
        reason=(reason.decode() if isinstance(reason, bytes) else reason),
        count=int(death.get("count") or 0),
        body=message.body.decode("utf-8", "replace"),
    )


async def dead_letter_queues(amqp_url: str, management_url: str | None, known_queues: list[str] | None = None) -> list[str]:
    """Every `.dlq` queue of the vhost: from the management API, else the services' known queues."""
    if management_url:
        return [q.name for q in broker_queues(management_url, vhost_of(amqp_url)) if q.dead_letter]
    names = []
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        for queue in known_queues or []:
            channel = await connection.channel()
            try:
                await channel.declare_queue(dead_letter_queue(queue), passive=True)
                names.append(dead_letter_queue(queue))
            except aio_pika.exceptions.ChannelClosed:
                pass
            finally:
                if not channel.is_closed:
                    await channel.close()
    return names


async def list_dead_letters(
    amqp_url: str, queues: list[str], limit: int = 20, depths: dict[str, int] | None = None
) -> list[DeadLetter]:
    """Peek: get up to `limit` messages per queue without acknowledging them, then close the
    channel so that they return to their queue in the same order. `depths`, if given, receives
    each queue's whole depth (to say when more exist than shown)."""
    found: list[DeadLetter] = []
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        for name in queues:
            channel = await connection.channel()
            queue = await channel.declare_queue(dead_letter_queue(name), passive=True)
            if depths is not None:
                depths[queue.name] = queue.declaration_result.message_count or 0
            for _ in range(limit):
                message = await queue.get(no_ack=False, fail=False)
                if message is None:
                    break
                found.append(_dead_letter(queue.name, message))
            await channel.close()  # unacknowledged messages go back, none is dropped
    return found


@dataclass
class ReplayResult:
    queue: str
    replayed: list[DeadLetter]
    failed: DeadLetter | None = None
    error: str | None = None


STRIPPED_HEADERS = {"x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
                    "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count"}


async def replay(amqp_url: str, queue: str, limit: int | None = None) -> ReplayResult:
    """Send dead-lettered messages back where they were first published, one at a time:
    get → publish (confirm, mandatory) → ack. At most the messages present when it starts
    (a message that fails again is not replayed twice in one run)."""
    name = dead_letter_queue(queue)
    result = ReplayResult(name, [])
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        source = await connection.channel(publisher_confirms=False)
        target = await connection.channel(publisher_confirms=True, on_return_raises=True)
        dlq = await source.declare_queue(name, passive=True)
        present = dlq.declaration_result.message_count or 0
        budget = present if limit is None else min(limit, present)
        for _ in range(budget):
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            letter = _dead_letter(name, message)
            if letter.exchange is None or letter.routing_key is None:
                result.failed, result.error = letter, "no x-death header: cannot tell where it was published"
                break
            headers = {k: v for k, v in (message.headers or {}).items() if k not in STRIPPED_HEADERS}
            headers["x-nastavnik-replayed-from"] = name
            out = aio_pika.Message(
                message.body,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                timestamp=message.timestamp,
                type=message.type,
                app_id=message.app_id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                # user_id is left out: the broker checked it when the message was first published,
                # and it must equal the connection's user now.
            )
            try:
                exchange = await target.get_exchange(letter.exchange, ensure=False)
                await exchange.publish(out, routing_key=letter.routing_key, mandatory=True)
            except Exception as exc:  # noqa: BLE001 - not confirmed or unroutable: the message stays dead-lettered
                result.failed, result.error = letter, f"{type(exc).__name__}: {exc}"
                break
            await message.ack()  # only after the broker confirmed the copy
            result.replayed.append(letter)
        if not source.is_closed:
            await source.close()  # a message got but not replayed returns to the dead-letter queue
    return result


# -- per-school broker users ----------------------------------------------------------------


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt(4) + sha256(salt + password))."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def school_access_definitions(school_id: str, vhost: str, password: str) -> dict[str, Any]:
    """RabbitMQ definitions for the school's own user `school-<id>`:

    - write: only the inbound exchange, and (topic permission) only keys `school.<id>.…`;
    - read: only the queue `school.<id>.outbox` (its school's outgoing events);
    - configure: nothing (the school declares no queue or exchange).
    """
    if not SCHOOL_ID.fullmatch(school_id):
        raise ValueError(f"school id {school_id!r}: letters, digits, '-' and '_' only")
    user = school_user(school_id)
    queue = school_outbox_queue(school_id)
    escaped = re.escape(school_id)
    return {
        "users": [{"name": user, "password_hash": password_hash(password),
                   "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}],
        "permissions": [{"user": user, "vhost": vhost, "configure": "^$",
                         "write": f"^{re.escape(INBOUND_EXCHANGE_NAME)}$", "read": f"^{re.escape(queue)}$"}],
        "topic_permissions": [{"user": user, "vhost": vhost, "exchange": INBOUND_EXCHANGE_NAME,
                               "write": rf"^school\.{escaped}\.", "read": "^$"}],
        "exchanges": [{"name": EVENTS_EXCHANGE_NAME, "vhost": vhost, "type": "topic", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}},
                      {"name": INBOUND_EXCHANGE_NAME, "vhost": vhost, "type": "topic", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}},
                      {"name": SCHOOLS_EXCHANGE_NAME, "vhost": vhost, "type": "headers", "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}}],
        "queues": [{"name": queue, "vhost": vhost, "durable": True, "auto_delete": False,
                    "arguments": {"x-queue-type": "quorum"}}],
        "bindings": [{"source": SCHOOLS_EXCHANGE_NAME, "vhost": vhost, "destination": queue, "destination_type": "queue",
                      "routing_key": "", "arguments": school_outbox_binding(school_id)},
                     {"source": EVENTS_EXCHANGE_NAME, "vhost": vhost, "destination": SCHOOLS_EXCHANGE_NAME,
                      "destination_type": "exchange", "routing_key": "#", "arguments": {}}],
    }


def apply_definitions(management_url: str, definitions: dict[str, Any]) -> None:
    """Import the definitions through the management API (POST /api/definitions): it adds or
    updates the user, its permissions, the queue and bindings; it deletes nothing."""
    with management_client(management_url) as client:
        response = client.post("/api/definitions", json=definitions)
        if response.status_code >= 400:
            raise RuntimeError(f"management API refused the definitions: {response.status_code} {response.text}")


def delete_school_user(management_url: str, school_id: str) -> None:
    with management_client(management_url) as client:
        client.delete(f"/api/users/{urllib.parse.quote(school_user(school_id), safe='')}")


# -- the commands (registered in nastavnik/cli.py by `register(cli)`) ---------------------------




DEFAULT_SERVICE_URLS = "registry=http://127.0.0.1:8001,pairing=http://127.0.0.1:8002,surveys=http://127.0.0.1:8003,reports=http://127.0.0.1:8004,notifications=http://127.0.0.1:8005,practices=http://127.0.0.1:8006"
DEFAULT_MANAGEMENT_URL = "http://guest:guest@127.0.0.1:15672"
DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"

ServicesOption = Annotated[str, typer.Option("--services", envvar="NASTAVNIK_SERVICE_URLS",
                                             help="name=base URL, comma-separated (default: the docker compose ports)")]
ManagementOption = Annotated[str, typer.Option("--management-url", envvar="RABBITMQ_MANAGEMENT_URL",
                                               help="RabbitMQ management API, http://user:password@host:15672 ('' to skip)")]
RabbitOption = Annotated[str, typer.Option("--rabbitmq-url", envvar="RABBITMQ_URL", help="AMQP URL of the broker and vhost")]

dlq_app = typer.Typer(help="Dead-letter queues: inspect, and send messages back after a fix.", no_args_is_help=True)
broker_app = typer.Typer(help="Broker administration.", no_args_is_help=True)


def _parse_services(value: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
    if not pairs or any(len(p) != 2 for p in pairs):
        raise typer.BadParameter("name=url[,name=url…]", param_hint="--services")
    return {name.strip(): url.strip() for name, url in pairs}


def status_command(
    services: ServicesOption = DEFAULT_SERVICE_URLS,
    management_url: ManagementOption = DEFAULT_MANAGEMENT_URL,
    rabbitmq_url: RabbitOption = DEFAULT_RABBITMQ_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """Each service's health, readiness, outbox lag and dead-letters; the broker's queue depths.
    Exits 1 when something needs attention."""
    _logs_to_stderr()
    status = collect_status(_parse_services(services), management_url or None, vhost_of(rabbitmq_url))
    typer.echo(json.dumps(status.as_dict(), ensure_ascii=False, indent=2) if as_json else render_status(status))
    if not status.ok:
        raise typer.Exit(1)


def _logs_to_stderr() -> None:
    """An operator's command answers on stdout; logs (and the HTTP client's request lines) go to
    stderr, warnings only."""
    from shared.logging import configure_logging

    configure_logging("WARNING", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _known_queues() -> list[str]:
    from nastavnik.contracts_doc import service_wiring

    return [q for wiring in service_wiring().values() for q in wiring["consumes"]]


@dlq_app.command("list")
def dlq_list(
    queue: Annotated[list[str] | None, typer.Argument(help="Queues (or their .dlq); default: every dead-letter queue")] = None,
    limit: Annotated[int, typer.Option(help="Messages shown per queue")] = 20,
    rabbitmq_url: RabbitOption = DEFAULT_RABBITMQ_URL,
    management_url: ManagementOption = DEFAULT_MANAGEMENT_URL,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show dead-lettered messages (they stay in their queue). With --json stdout holds only the
    JSON list; when a queue holds more than --limit, a note on stderr says how many."""
    _logs_to_stderr()
    depths: dict[str, int] = {}

    async def run() -> list[DeadLetter]:
        known = None if management_url else _known_queues()
        names = queue or await dead_letter_queues(rabbitmq_url, management_url or None, known)
        return await list_dead_letters(rabbitmq_url, names, limit, depths)

    letters = asyncio.run(run())
    for name, total in depths.items():
        shown = sum(1 for d in letters if d.queue == name)
        if total > shown:
            typer.echo(f"{name}: {shown} of {total} messages shown; --limit {total} for all", err=True)
    if as_json:
        typer.echo(json.dumps([{**vars(d), "type": d.type} for d in letters], ensure_ascii=False, indent=2))
        return
    if not letters:
        typer.echo("No dead-lettered messages.")
    for d in letters:
        typer.echo(f"{d.queue}  id={d.message_id}  type={d.type}  reason={d.reason} x{d.count}  "
                   f"from {d.exchange or '?'} / {d.routing_key or '?'}")
        typer.echo(f"    {d.body[:300]}")


@dlq_app.command("replay")
def dlq_replay(
    queue: Annotated[str, typer.Argument(help="The dead-letter queue (or the queue it belongs to)")],
    limit: Annotated[int | None, typer.Option(help="At most this many messages")] = None,
    rabbitmq_url: RabbitOption = DEFAULT_RABBITMQ_URL,
) -> None:
    """Send dead-lettered messages back to the exchange and routing key they were first published
    with, one by one: acknowledged in the dead-letter queue only after the broker confirmed the copy."""
    result = asyncio.run(replay(rabbitmq_url, queue, limit))
    for d in result.replayed:
        typer.echo(f"replayed {d.message_id} → {d.exchange} / {d.routing_key}")
    typer.echo(f"{len(result.replayed)} message(s) replayed from {result.queue}")
    if result.error:
        typer.echo(f"stopped at {result.failed.message_id if result.failed else '?'}: {result.error} (it stays in {result.queue})", err=True)
        raise typer.Exit(1)


@broker_app.command("school-access")
def school_access(
    school: Annotated[str, typer.Argument(help="The school id")],
    vhost: Annotated[str | None, typer.Option(help="Vhost (default: the one of RABBITMQ_URL)")] = None,
    password: Annotated[str | None, typer.Option(envvar="NASTAVNIK_SCHOOL_PASSWORD", help="Default: a new random password, printed to stderr")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Import through the management API")] = False,
    management_url: ManagementOption = DEFAULT_MANAGEMENT_URL,
    rabbitmq_url: RabbitOption = DEFAULT_RABBITMQ_URL,
) -> None:
    """RabbitMQ definitions (JSON) for the school's own broker user `school-<id>`: publish only its own
    commands to nastavnik.inbound, read only its queue school.<id>.outbox."""
    generated = password is None
    password = password or secrets.token_urlsafe(24)
    try:
        definitions = school_access_definitions(school, vhost or vhost_of(rabbitmq_url), password)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="SCHOOL") from None
    typer.echo(json.dumps(definitions, ensure_ascii=False, indent=2))
    if generated:
        typer.echo(f"password for {school_user(school)}: {password}  (give it to the school; it is not stored)", err=True)
    if apply:
        apply_definitions(management_url, definitions)
        typer.echo(f"applied through {management_url.split('@')[-1]}", err=True)


def register(cli: typer.Typer) -> None:
    cli.command("status")(status_command)
    cli.add_typer(dlq_app, name="dlq")
    cli.add_typer(broker_app, name="broker")



