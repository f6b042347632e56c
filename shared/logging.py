"""structlog JSON logs: every line carries the service, and where known the event type,
message id and correlation id (bound in context by the HTTP middleware and the consumer) — and
never personal data: `redact_personal_data` masks it in fields and error texts (issue 13)."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

_configured = False


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """JSON lines to `stream` (stdout for services; an operator's command whose stdout is its
    answer, e.g. `--json`, sends them to stderr). The first call decides."""
    global _configured
    if _configured:
        return
    stream = stream or sys.stdout
    logging.basicConfig(format="%(message)s", stream=stream, level=level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_personal_data,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,  # so that structlog.testing.capture_logs sees every logger
    )
    _configured = True


PERSONAL_KEYS = frozenset({
    "full_name", "display_name", "name", "email", "contact_email", "representative_name", "login", "to", "recipient",
    "answers", "body", "row", "values",
})
REDACTED = "[redacted]"
# What an error message carries of the data it failed on: SQLAlchemy's statement parameters, pydantic's input
# values, and a quoted value after "for"/"value" in a database error's DETAIL line.
_LEAKS = (
    (re.compile(r"\[parameters: .*?\](?=\n|$|\s*\(Background)", re.DOTALL), "[parameters: " + REDACTED + "]"),
    (re.compile(r"input_value=(?:'[^']*'|\"[^\"]*\"|\{.*?\}|\[.*?\]|\S+)", re.DOTALL), "input_value=" + REDACTED),
    (re.compile(r"DETAIL:.*"), "DETAIL: " + REDACTED),
)


def redact(text: str) -> str:
    """An error text without the values it quotes (names, addresses) — ids and types stay."""
    for pattern, replacement in _LEAKS:
        text = pattern.sub(replacement, text)
    return text


def redact_personal_data(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor (issue 13): no personal data in logs. Fields named like personal data are
    masked; error texts and tracebacks lose the parameters and input values they quote."""
    for key, value in list(event.items()):
        if key in PERSONAL_KEYS and value is not None:
            event[key] = REDACTED
        elif isinstance(value, str) and key != "event" and ("parameters:" in value or "input_value=" in value or "DETAIL:" in value):
            event[key] = redact(value)
    return event


def get_logger(service: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger().bind(service=service)
