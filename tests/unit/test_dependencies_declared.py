"""Every third-party package the code imports is declared in pyproject.toml, not merely brought
by another one (a transitive dependency can disappear with any upgrade of its parent)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("services", "shared", "nastavnik")
# Modules run only inside the tests of whoever uses them: they may import from the `test` extra.
TEST_ONLY = {"shared/contracts/testkit.py": "test"}


def _name(requirement: str) -> str:
    return _normal(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


def _normal(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {extra: {_name(r) for r in reqs} for extra, reqs in project.get("optional-dependencies", {}).items()}
    return {_name(r) for r in project["dependencies"]}, extras


def _third_party_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name not in PACKAGES}


def test_every_imported_distribution_is_declared() -> None:
    main, extras = _declared()
    providers = packages_distributions()
    offences = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            allowed = main | extras.get(TEST_ONLY.get(relative, ""), set())
            for module in sorted(_third_party_imports(path)):
                distributions = {_normal(d) for d in providers.get(module, [])}
                if not distributions:
                    offences.append(f"{relative}: `{module}` comes from no installed distribution")
                elif not distributions & allowed:
                    offences.append(f"{relative}: `{module}` ({', '.join(sorted(distributions))}) is not declared")
    assert not offences, "\n".join(offences)


def test_declared_versions_are_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *(r for reqs in project["optional-dependencies"].values() for r in reqs)]
    loose = [r for r in requirements if "==" not in r]
    assert not loose, f"unpinned: {loose}"
