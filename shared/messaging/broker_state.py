"""Whether the broker blocks this service's connection: a resource alarm (memory or disk) makes
RabbitMQ send `connection.blocked`, and every publish waits until `connection.unblocked`. The
client library (aiormq) keeps that state privately and only logs it; this module reads it, and
keeps the reason the broker gave from the library's log record, so that `/ready`, the metrics
and `nastavnik status` can say so."""

from __future__ import annotations

import logging
from typing import Any

_REASONS: dict[int, str] = {}


class _BlockedReasons(logging.Filter):
    """Listens to aiormq's "Connection %r was blocked by: %r" / "was unblocked" records."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if isinstance(record.msg, str) and args:
            if "was blocked by" in record.msg and len(args) >= 2:
                reason = args[1]
                _REASONS[id(args[0])] = reason.decode() if isinstance(reason, bytes) else str(reason)
            elif "was unblocked" in record.msg:
                _REASONS.pop(id(args[0]), None)
        return True


_FILTER = _BlockedReasons()


def watch() -> None:
    """Install the listener (idempotent)."""
    logger = logging.getLogger("aiormq.connection")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def _amqp_connection(broker: Any) -> Any:
    connection = getattr(broker, "_connection", None)  # FastStream's aio-pika robust connection
    transport = getattr(connection, "transport", None)
    return getattr(transport, "connection", None)  # aiormq's


def blocked_reason(broker: Any) -> str | None:
    """None while the connection may publish; else why the broker blocked it."""
    amqp = _amqp_connection(broker)
    if amqp is None or not amqp.connected.is_set():
        return None
    unblocked = getattr(amqp, "_Connection__connection_unblocked", None)
    if unblocked is None or unblocked.is_set():
        return None
    return _REASONS.get(id(amqp)) or "resource alarm"
