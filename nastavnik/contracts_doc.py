"""JSON Schemas and the AsyncAPI document, generated from the code: the event models of
shared.contracts and what each service's composition root declares it publishes and consumes.
The generated files are committed; a test fails when they drift from the code."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from shared.contracts import EVENTS, Envelope, EventData
from shared.contracts.envelope import REQUIRED
from shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE_NAME,
    dead_letter_queue_name,
)
from shared.settings import Settings

from nastavnik.contracts_wire import add_wire

GENERATED_DIR = Path(__file__).resolve().parent.parent / "shared" / "contracts" / "generated"


def event_schema(event: type[EventData], ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
    """The JSON Schema of a whole message: the CloudEvents envelope with this event's data."""
    envelope = Envelope.model_json_schema(ref_template=ref_template)
    data = event.model_json_schema(ref_template=ref_template)
    defs = {**envelope.pop("$defs", {}), **data.pop("$defs", {})}
    envelope["properties"]["data"] = data
    envelope["properties"]["type"] = {"const": event.event_type, "title": "Type", "type": "string"}
    envelope["required"] = list(REQUIRED)  # what every consumer checks (shared.contracts.envelope)
    envelope["title"] = event.event_type
    envelope["description"] = event.description
    envelope["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    envelope["$id"] = f"https://nastavnik.example/schemas/{event.event_type}.json"
    if defs:
        envelope["$defs"] = defs
    return envelope


def service_wiring() -> dict[str, dict[str, list[str]]]:
    """service → {"publishes": [event types], "consumes": [queue names]} from the composition roots."""
    from nastavnik.services import FACTORIES

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir))
        wiring = {}
        for name, factory in FACTORIES.items():
            runtime = factory(settings, shared_process=True).runtime
            wiring[name] = {"publishes": runtime.produced_types, "consumes": runtime.consumed_queues}
    return wiring


def asyncapi() -> dict[str, Any]:
    wiring = service_wiring()
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for event in EVENTS:
        key = event.event_type.replace(".", "_")
        messages[key] = {
            "name": event.event_type,
            "title": event.event_type,
            "summary": event.description,
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{key}"},
        }
        channels[key] = {
            "address": event.event_type,
            "description": f"{event.description} Routing key on the topic exchange {EVENTS_EXCHANGE_NAME}.",
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": EVENTS_EXCHANGE_NAME, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"}}},
        }
    for service, declared in wiring.items():
        for event_type in declared["publishes"]:
            key = event_type.replace(".", "_")
            operations[f"{service}__send__{key}"] = {
                "action": "send",
                "title": f"{service} publishes {event_type}",
                "channel": {"$ref": f"#/channels/{key}"},
                "bindings": {"amqp": {"deliveryMode": 2, "mandatory": False}},
            }
        for queue in declared["consumes"]:
            if queue.endswith(".inbound"):
                continue  # school systems' commands: documented with the inbound channel
            event_type = queue.split(".", 1)[1]
            key = event_type.replace(".", "_")
            operations[f"{service}__receive__{key}"] = {
                "action": "receive",
                "title": f"{service} consumes {event_type} from queue {queue}",
                "description": f"Durable quorum queue {queue}; after the delivery limit or on invalid data "
                f"the message goes to {dead_letter_queue_name(queue)} via {DEAD_LETTER_EXCHANGE_NAME}.",
                "channel": {"$ref": f"#/channels/{key}"},
                "bindings": {"amqp": {"ack": True}},
            }
    schemas = _component_schemas()
    add_wire(channels, messages, operations, schemas)  # commands, the per-school feed, dead letters
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Nastavnik events",
            "version": "1.0.0",
            "description": "Every event of the Nastavnik services: CloudEvents 1.0 JSON envelopes on the topic "
            f"exchange {EVENTS_EXCHANGE_NAME}, routing key = event type; the commands school systems send; each "
            "school's own feed; the dead-letter queues. The server and vhost served by a deployment are its own.",
        },
        "defaultContentType": "application/json",
        "servers": {"rabbitmq": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
        },
    }


def _component_schemas() -> dict[str, Any]:
    """Each event's schema, with nested models hoisted to components/schemas (AsyncAPI refs)."""
    schemas: dict[str, Any] = {}
    for event in EVENTS:
        schema = event_schema(event, ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schema.pop("$id")
        schema.pop("$schema")
        schemas[event.event_type.replace(".", "_")] = schema
    return schemas


def generated_files() -> dict[str, str]:
    """File name (relative to GENERATED_DIR) → content."""
    files = {f"schemas/{event.event_type}.json": _dump(event_schema(event)) for event in EVENTS}
    files["asyncapi.json"] = _dump(asyncapi())
    return files


def write(directory: Path = GENERATED_DIR) -> list[Path]:
    written = []
    for name, content in generated_files().items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
