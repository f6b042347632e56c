"""The JSON Schema of an instrument definition, committed as docs/instrument-definition.schema.json
(tests/unit/test_instrument_definitions.py fails when it drifts from the models of
domain_definitions.py). Refresh it: `.venv/bin/python -m services.surveys.definition_schema`."""

from __future__ import annotations

import json
from pathlib import Path

from services.surveys.domain_definitions import definition_schema

PATH = Path(__file__).resolve().parents[2] / "docs" / "instrument-definition.schema.json"


def render() -> str:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **definition_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    PATH.write_text(render(), encoding="utf-8")
