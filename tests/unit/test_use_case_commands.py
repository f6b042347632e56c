"""Use cases take plain commands and give back results (issue 18): no service layer module of any
service imports its HTTP bodies (schemas.py, *_schemas.py). The API, the pages and the command
handlers are the adapters that translate; everything else of a service — its use cases, read
models, domain — stays free of the web types, so a page, a command and an API call share one use
case (services/surveys/commands.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "pairing", "surveys", "reports", "notifications", "practices")

# Known debt (issue 18): services whose use cases still take HTTP bodies. None owes it any more; add none.
KNOWN_DEBT: tuple[str, ...] = ()


def _is_schemas(stem: str) -> bool:
    return stem == "schemas" or stem.endswith("_schemas")


def _is_adapter(stem: str) -> bool:
    """HTTP routes (api*.py, *_api.py), pages (web*.py, *_web.py), command handlers, the composition root."""
    return (_is_schemas(stem) or stem in ("handlers", "main") or stem.startswith(("api", "web"))
            or stem.endswith(("_api", "_web")))


def _imports_schemas(path: Path, service: str) -> bool:
    package = f"services.{service}"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(
                a.name.startswith(package + ".") and _is_schemas(a.name.rsplit(".", 1)[-1]) for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module and (
            (node.module.startswith(package + ".") and _is_schemas(node.module.rsplit(".", 1)[-1]))
            or (node.module == package and any(_is_schemas(a.name) for a in node.names))
        ):
            return True
    return False


def _offending(service: str) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in sorted((ROOT / "services" / service).glob("*.py"))
            if not _is_adapter(path.stem) and _imports_schemas(path, service)]


def test_no_service_layer_module_imports_its_http_schemas() -> None:
    offending = [module for service in SERVICES if service not in KNOWN_DEBT for module in _offending(service)]
    assert not offending, f"use cases take plain commands and return results, not HTTP bodies: {offending}"


def test_the_known_debt_is_still_owed() -> None:
    paid = [service for service in KNOWN_DEBT if not _offending(service)]
    assert not paid, f"paid debt: remove {paid} from KNOWN_DEBT"
    assert not set(KNOWN_DEBT) & {"surveys", "notifications", "reports"}


def test_the_rule_sees_an_http_body_in_a_use_case(tmp_path: Path) -> None:
    use_case = tmp_path / "cases.py"
    use_case.write_text("from services.registry.year_schemas import ActivityIn\n", encoding="utf-8")
    assert _imports_schemas(use_case, "registry") and not _is_adapter("cases")
    assert _is_adapter("year_api") and _is_adapter("web_people") and not _is_adapter("year_training")
