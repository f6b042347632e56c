"""The services by name: the only place that knows them all (besides the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.notifications.main import create_service as create_notifications
from services.pairing.main import create_service as create_pairing
from services.practices.main import create_service as create_practices
from services.registry.main import create_service as create_registry
from services.reports.main import create_service as create_reports
from services.surveys.main import create_service as create_surveys

FACTORIES: dict[str, Callable[..., Any]] = {
    "registry": create_registry,
    "pairing": create_pairing,
    "surveys": create_surveys,
    "reports": create_reports,
    "notifications": create_notifications,
    "practices": create_practices,
}
