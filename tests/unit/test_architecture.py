"""Services never import each other; shared never imports a service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "pairing", "surveys", "reports", "notifications", "practices")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_do_not_import_each_other() -> None:
    offences = []
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            for name in _imports(path):
                for other in SERVICES:
                    if other != service and (name == f"services.{other}" or name.startswith(f"services.{other}.")):
                        offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offences, "\n".join(offences)


def test_shared_does_not_import_services_or_the_composition() -> None:
    offences = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "shared").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in {"services", "nastavnik"}
    ]
    assert not offences, "\n".join(offences)


def test_every_service_has_the_same_shape() -> None:
    for service in SERVICES:
        files = {p.name for p in (ROOT / "services" / service).glob("*.py")}
        missing = {"main.py", "domain.py", "models.py", "service.py", "api.py"} - files
        assert not missing, f"services/{service} lacks {sorted(missing)}"


def test_domain_modules_do_no_io() -> None:
    forbidden = {"sqlmodel", "sqlalchemy", "fastapi", "faststream", "httpx", "aio_pika"}
    for service in SERVICES:
        for path in (ROOT / "services" / service).glob("domain*.py"):  # domain.py and the modules it is split into
            used = {name.split(".")[0] for name in _imports(path)} & forbidden
            assert not used, f"services/{service}/{path.name} imports {used}"
