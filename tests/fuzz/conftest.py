from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items) -> None:
    """A fuzz failure is reported with Python's own traceback: pytest's long form parses the
    source of every frame, and under Hypothesis that crashed CPython 3.11's AST constructor
    ("recursion depth mismatch"), turning one failure into an INTERNALERROR of the whole run."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            original = item._repr_failure_py

            def native(excinfo, style=None, _original=original):
                return _original(excinfo, style="native")

            item._repr_failure_py = native
