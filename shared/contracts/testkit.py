"""A contract test kit for integrators: every Nastavnik event type with valid and invalid
samples generated from its JSON Schema (shared/contracts/generated/schemas), and a check that
runs them through a consumer built on ServiceRuntime.

    from shared.contracts.testkit import samples, check_consumer

    def test_samples_follow_the_contract():            # the kit checks itself
        for case in samples():
            case.assert_matches_contract()

    async def test_my_consumer_honours_the_contracts(tmp_path):
        service = create_service(Settings(data_dir=tmp_path))   # your composition root
        await check_consumer(service.runtime)   # valid → applied; invalid → dead-lettered, never applied

A valid sample fills every required field (and, with `full=True`, every optional one) with a
value its schema accepts; an invalid sample breaks exactly one rule (a required field missing,
a field of the wrong type, a value outside its enum or pattern, the wrong `type`)."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from shared.contracts import BY_TYPE, EVENTS, Envelope

SCHEMAS = Path(__file__).resolve().parent / "generated" / "schemas"
KNOWN_PATTERNS = {r"^\d{4}/\d{4}$": "2026/2027"}


def schema_of(event_type: str) -> dict[str, Any]:
    """The committed JSON Schema (what integrators get), else the same built from the model."""
    path = SCHEMAS / f"{event_type}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    envelope = Envelope.model_json_schema()
    data = BY_TYPE[event_type].model_json_schema()
    defs = {**envelope.pop("$defs", {}), **data.pop("$defs", {})}
    envelope["properties"]["data"] = data
    envelope["properties"]["type"] = {"const": event_type, "type": "string"}
    return {**envelope, "$defs": defs} if defs else envelope


class _Generator:
    def __init__(self, root: dict[str, Any], full: bool) -> None:
        self.root = root
        self.full = full

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = {**self.root["$defs"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def value(self, schema: dict[str, Any], name: str = "x") -> Any:
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return schema["enum"][0]
        if "default" in schema and schema["default"] is not None and not self.full:
            return copy.deepcopy(schema["default"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [o for o in schema[key] if self.resolve(o).get("type") != "null"] or schema[key]
                return self.value(options[0], name)
        if "allOf" in schema:
            return self.value(schema["allOf"][0], name)
        kind = schema.get("type", "string")
        if isinstance(kind, list):
            kind = next(k for k in kind if k != "null")
        if kind == "object":
            props = schema.get("properties", {})
            wanted = props if self.full else {k: v for k, v in props.items() if k in schema.get("required", [])}
            result = {key: self.value(sub, key) for key, sub in wanted.items()}
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and not props:
                result = {"item": self.value(extra, "item")}
            return result
        if kind == "array":
            count = max(schema.get("minItems", 0), 1)
            return [self.value(schema.get("items", {}), name) for _ in range(count)]
        if kind == "integer":
            return max(int(schema.get("minimum", 1)), int(schema.get("exclusiveMinimum", 0)) + 1)
        if kind == "number":
            return float(schema.get("minimum", 1))
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        pattern = schema.get("pattern")
        if pattern:
            return KNOWN_PATTERNS.get(pattern) or _from_pattern(pattern)
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2026-09-01T08:00:00Z"
        if fmt == "date":
            return "2026-09-01"
        text = f"{name}-1"
        return text.ljust(schema.get("minLength", 0), "x")[: schema.get("maxLength", 1000)]


def _from_pattern(pattern: str) -> str:
    raise ValueError(f"the kit cannot make a value for pattern {pattern!r}: add it to KNOWN_PATTERNS")


@dataclass(frozen=True)
class Sample:
    event_type: str
    valid: bool
    rule: str
    envelope: dict[str, Any]

    @property
    def body(self) -> bytes:
        return json.dumps(self.envelope, ensure_ascii=False).encode()

    def assert_matches_contract(self) -> None:
        """Valid: the JSON Schema and the pydantic model accept it. Invalid: both reject it."""
        from shared.messaging.consumer import InvalidEvent, parse_event

        validator = jsonschema.Draft202012Validator(
            schema_of(self.event_type), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )  # date-time is checked with rfc3339-validator installed (a test dependency)
        errors = list(validator.iter_errors(self.envelope))
        try:
            parse_event(self.body, BY_TYPE[self.event_type])
            parsed = True
        except InvalidEvent:
            parsed = False
        if self.valid:
            assert not errors, f"{self.event_type} valid sample fails its schema: {errors[0].message}"
            assert parsed, f"{self.event_type} valid sample is rejected by the pydantic model"
        else:
            assert errors, f"{self.event_type} sample ({self.rule}) passes its schema"
            assert not parsed, f"{self.event_type} sample ({self.rule}) is accepted by the pydantic model"


def _envelope(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/contract-kit", "type": event_type,
            "time": "2026-09-01T08:00:00Z", "datacontenttype": "application/json", "data": data}


def _wrong_type(value: Any) -> Any:
    return "not-a-number" if isinstance(value, (int, float)) and not isinstance(value, bool) else 12345


def samples_of(event_type: str) -> Iterator[Sample]:
    root = schema_of(event_type)
    generator = _Generator(root, full=False)
    data_schema = generator.resolve(root["properties"]["data"])
    minimal = generator.value(data_schema)
    full = _Generator(root, full=True).value(data_schema)
    yield Sample(event_type, True, "required fields only", _envelope(event_type, minimal))
    yield Sample(event_type, True, "every field", _envelope(event_type, full))
    yield Sample(event_type, False, "wrong type", {**_envelope(event_type, minimal), "type": f"{event_type}.other"})
    yield Sample(event_type, False, "no data", {k: v for k, v in _envelope(event_type, minimal).items() if k != "data"})
    for field in data_schema.get("required", []):
        yield Sample(event_type, False, f"data.{field} missing", _envelope(event_type, {k: v for k, v in minimal.items() if k != field}))
        prop = generator.resolve(data_schema["properties"][field])
        if "const" in prop or "enum" in prop or "pattern" in prop:
            yield Sample(event_type, False, f"data.{field} not allowed", _envelope(event_type, {**minimal, field: "§not-allowed§"}))
        elif prop.get("type") in ("integer", "number", "string", "boolean", "array", "object"):
            yield Sample(event_type, False, f"data.{field} of the wrong type", _envelope(event_type, {**minimal, field: _wrong_type(minimal[field]) if prop.get("type") != "string" else {"not": "a string"}}))


def samples(event_types: list[str] | None = None) -> list[Sample]:
    """Valid and invalid samples of the given event types (default: every event type)."""
    return [s for t in (event_types or [e.event_type for e in EVENTS]) for s in samples_of(t)]


async def check_consumer(runtime: Any) -> dict[str, int]:
    """Deliver every sample of every event type `runtime` consumes, on the in-memory broker:
    each valid one must be applied (counted by nastavnik_events_consumed_total) and each invalid
    one dead-lettered (nastavnik_events_dead_lettered_total), never applied. Returns counts."""
    from faststream.rabbit import TestRabbitBroker

    from shared.messaging.topology import EVENTS_EXCHANGE

    consumed = [q.split(".", 1)[1] for q in runtime.consumed_queues if not q.endswith(".inbound")]
    assert consumed, f"{runtime.name} consumes no events"
    counts = {"valid": 0, "invalid": 0}
    async with TestRabbitBroker(runtime.broker):
        await runtime.start()
        try:
            for sample in samples(consumed):
                before_ok = runtime.metrics.events_consumed.labels(sample.event_type)._value.get()  # noqa: SLF001 - prometheus_client has no public read of one child's value
                before_dead = len(runtime.consumer.memory_dead_letters)
                await runtime.broker.publish(sample.body, exchange=EVENTS_EXCHANGE, routing_key=sample.event_type,
                                             content_type="application/json", message_id=sample.envelope["id"])
                applied = runtime.metrics.events_consumed.labels(sample.event_type)._value.get() - before_ok  # noqa: SLF001 - prometheus_client has no public read of one child's value
                dead = runtime.consumer.memory_dead_letters[before_dead:]
                if sample.valid:
                    assert applied == 1 and not dead, f"{runtime.name} did not apply a valid {sample.event_type} ({sample.rule}): {dead}"
                else:
                    assert applied == 0 and dead, f"{runtime.name} applied an invalid {sample.event_type} ({sample.rule})"
                counts["valid" if sample.valid else "invalid"] += 1
        finally:
            await runtime.stop()
    return counts
