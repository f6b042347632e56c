"""Use cases take plain commands and give back results (issue 18): no service layer module of any
service imports its HTTP bodies (schemas.py). The API, the pages and the command handlers are the
adapters that translate; everything else of a service — its use cases, read models, domain — stays
free of the web types, so a page, a command and an API call share one use case."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "pairing", "surveys", "reports", "notifications")
ADAPTERS = ("api", "web", "schemas", "handlers", "main")  # api*.py, web*.py, schemas.py, handlers.py, main.py

# Known debt, to be paid by the lead (issue 18): these use-case modules still take HTTP bodies.
# Remove a line when its module stops importing schemas.py; add none.
KNOWN_EXCEPTIONS = {
    "services/pairing/matching.py",
    "services/pairing/pairs.py",
    "services/pairing/plans.py",
    "services/pairing/preferences.py",
    "services/pairing/service.py",
    "services/pairing/vocabulary.py",
    "services/registry/import_rows.py",
    "services/registry/participants.py",
    "services/registry/programmes.py",
    "services/registry/service.py",
}


def _imports_schemas(path: Path, service: str) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name == f"services.{service}.schemas" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (
            node.module == f"services.{service}.schemas"
            or (node.module == f"services.{service}" and any(a.name == "schemas" for a in node.names))
        ):
            return True
    return False


def _service_layer(service: str) -> list[Path]:
    return [path for path in sorted((ROOT / "services" / service).glob("*.py"))
            if not path.stem.startswith(ADAPTERS)]


def test_no_service_layer_module_imports_its_http_schemas() -> None:
    offending = {str(path.relative_to(ROOT)) for service in SERVICES for path in _service_layer(service)
                 if _imports_schemas(path, service)}
    assert not offending - KNOWN_EXCEPTIONS, f"use cases take plain commands, not HTTP bodies: {sorted(offending - KNOWN_EXCEPTIONS)}"
    assert not KNOWN_EXCEPTIONS - offending, f"paid debt: remove {sorted(KNOWN_EXCEPTIONS - offending)} from KNOWN_EXCEPTIONS"


def test_surveys_and_notifications_have_no_exception() -> None:
    assert not [p for p in KNOWN_EXCEPTIONS if p.startswith(("services/surveys/", "services/notifications/"))]
    assert (ROOT / "services" / "surveys" / "commands.py").exists()
