"""structlog JSON logs: every line carries the service, and where known the event type,
message id and correlation id (bound in context by the HTTP middleware and the consumer)."""

from __future__ import annotations

import logging
import sys

import structlog

_configured = False


def configure_logging(level: str = "INFO", stream=None) -> None:  # noqa: ANN001
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
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,  # so that structlog.testing.capture_logs sees every logger
    )
    _configured = True


def get_logger(service: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger().bind(service=service)
