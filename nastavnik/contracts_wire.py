"""The parts of the AsyncAPI document beyond the events (nastavnik/contracts_doc.py): the commands
school systems send (every command with its full `data` schema), the inbound exchange and its
routing keys, the per-school feed (the `nastavnik.schools` headers exchange, the `school_id`
header, the queue `school.<id>.outbox`) and the dead-letter topology. Generated with the events,
committed, and served as is (only the server and vhost come from the deployment)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.contracts import EVENTS, Envelope
from shared.contracts.envelope import REQUIRED
from shared.contracts.registry import RegisterParticipant, UpdateParticipant, WithdrawParticipant
from shared.contracts.surveys import SubmitResponse
from shared.messaging.topology import (
    DEAD_LETTER_EXCHANGE_NAME,
    EVENTS_EXCHANGE_NAME,
    INBOUND_EXCHANGE_NAME,
    SCHOOL_HEADER,
    SCHOOLS_EXCHANGE_NAME,
)

COMMANDS: dict[str, tuple[str, type[BaseModel]]] = {
    RegisterParticipant.command_type: ("registry", RegisterParticipant),
    UpdateParticipant.command_type: ("registry", UpdateParticipant),
    WithdrawParticipant.command_type: ("registry", WithdrawParticipant),
    SubmitResponse.command_type: ("surveys", SubmitResponse),
}
INBOUND_CHANNEL = "school_inbound_commands"
SCHOOL_OUTBOX_CHANNEL = "school_outbox"
DEAD_LETTER_CHANNEL = "dead_letters"
DEFAULT_VHOST = "/"

SCHOOL_ID_HEADER = {
    "type": "object",
    "properties": {
        SCHOOL_HEADER: {
            "type": "string",
            "description": "AMQP header stamped by the publishing relay on every event that belongs to a school (its "
            f"`data.school_id`, or the school of a school's indicators); the exchange {SCHOOLS_EXCHANGE_NAME} routes by it.",
        }
    },
}


def command_key(command_type: str) -> str:
    return "command_" + command_type.replace(".", "_")


def command_schema(command_type: str, model: type[BaseModel], ref_template: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the command's envelope schema, the nested definitions to hoist)."""
    envelope = Envelope.model_json_schema(ref_template=ref_template)
    data = model.model_json_schema(ref_template=ref_template)
    defs = {**envelope.pop("$defs", {}), **data.pop("$defs", {})}
    envelope["properties"]["data"] = data
    envelope["properties"]["type"] = {"const": command_type, "title": "Type", "type": "string"}
    envelope["properties"]["id"]["description"] = (
        "Unique per command, equal to the AMQP message_id: commands are idempotent by it, and every event the command "
        "causes carries it as its `correlationid`."
    )
    envelope["required"] = list(REQUIRED)
    envelope["title"] = command_type
    envelope["description"] = (model.__doc__ or "").strip() or command_type
    return envelope, defs


def add_wire(channels: dict, messages: dict, operations: dict, schemas: dict) -> None:
    """Add the commands, the per-school feed and the dead-letter topology to a document."""
    ref_template = "#/components/schemas/{model}"
    for command_type, (service, model) in COMMANDS.items():
        key = command_key(command_type)
        schema, defs = command_schema(command_type, model, ref_template)
        schemas.update(defs)
        schemas[key] = schema
        messages[key] = {
            "name": command_type,
            "title": command_type,
            "summary": f"A school system's command for {service}: routing key school.<school id>.{command_type}.",
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{key}"},
        }
    channels[INBOUND_CHANNEL] = {
        "address": "school.{schoolId}.{commandType}",
        "title": "Commands from school information systems",
        "description": (
            f"Routing key on the topic exchange {INBOUND_EXCHANGE_NAME}. A school's system publishes with its own broker "
            "user `school-<school id>` (created by `nastavnik broker school-access`), which may publish only keys "
            "starting with `school.<its id>.`; set `message_id` to the envelope id and `user_id` to the user name. The "
            "body is a CloudEvents 1.0 envelope whose `type` is the command type; specversion, id, source, type, time "
            "and data are required (a body without them is dead-lettered). A command that cannot be applied is "
            "answered with the service's `<service>.command.rejected.v1` event; see docs/school-integration.md."
        ),
        "parameters": {
            "schoolId": {"description": "The school's id in Nastavnik (the registry's school_id)."},
            "commandType": {"enum": list(COMMANDS), "description": "The command type, equal to the envelope's `type`."},
        },
        "messages": {command_key(c): {"$ref": f"#/components/messages/{command_key(c)}"} for c in COMMANDS},
        "bindings": {"amqp": {"is": "routingKey", "exchange": {
            "name": INBOUND_EXCHANGE_NAME, "type": "topic", "durable": True, "autoDelete": False, "vhost": DEFAULT_VHOST}}},
    }
    for service in sorted({service for service, _ in COMMANDS.values()}):
        queue = f"{service}.inbound"
        operations[f"{service}__receive__school_commands"] = {
            "action": "receive",
            "title": f"{service} receives school commands `school.*.{service}.#` from queue {queue}",
            "description": f"Durable quorum queue {queue}; an invalid envelope, or a command that keeps failing after the "
            f"delivery limit, goes to {queue}.dlq via {DEAD_LETTER_EXCHANGE_NAME}.",
            "channel": {"$ref": f"#/channels/{INBOUND_CHANNEL}"},
            "messages": [{"$ref": f"#/channels/{INBOUND_CHANNEL}/messages/{command_key(c)}"}
                         for c, (owner, _) in COMMANDS.items() if owner == service],
            "bindings": {"amqp": {"ack": True}},
        }

    school_events = [e for e in EVENTS if _belongs_to_a_school(e)]
    channels[SCHOOL_OUTBOX_CHANNEL] = {
        "address": "school.{schoolId}.outbox",
        "title": "A school's own events",
        "description": (
            f"The durable quorum queue `school.<school id>.outbox`, the only queue a school's user may read. It is bound "
            f"to the headers exchange {SCHOOLS_EXCHANGE_NAME} with `x-match: all, {SCHOOL_HEADER}: <school id>`; "
            f"{SCHOOLS_EXCHANGE_NAME} is bound to {EVENTS_EXCHANGE_NAME} with `#`, and every relay stamps the "
            f"`{SCHOOL_HEADER}` header, so exactly the school's events arrive (its registrations, enrolments, pairs, "
            "completed questionnaires, its indicators, the rejections of its commands). Created by "
            "`nastavnik broker school-access <school>` — run it before the school is registered, or the school misses "
            "the events published before its queue existed."
        ),
        "parameters": {"schoolId": {"description": "The school's id in Nastavnik."}},
        "messages": {e.event_type.replace(".", "_"): {"$ref": f"#/components/messages/{e.event_type.replace('.', '_')}"}
                     for e in school_events},
        "bindings": {"amqp": {"is": "queue", "queue": {
            "name": "school.{schoolId}.outbox", "durable": True, "exclusive": False, "autoDelete": False, "vhost": DEFAULT_VHOST}}},
    }
    operations["school_system__receive__school_outbox"] = {
        "action": "receive",
        "title": "A school's information system reads its own events from school.<school id>.outbox",
        "channel": {"$ref": f"#/channels/{SCHOOL_OUTBOX_CHANNEL}"},
        "bindings": {"amqp": {"ack": True}},
    }
    for event in EVENTS:
        messages[event.event_type.replace(".", "_")]["headers"] = SCHOOL_ID_HEADER

    channels[DEAD_LETTER_CHANNEL] = {
        "address": "{queue}.dlq",
        "title": "Dead-letter queues",
        "description": (
            f"Every consumer queue `<queue>` (`<service>.<event type>`, `<service>.inbound`) dead-letters to the direct "
            f"exchange {DEAD_LETTER_EXCHANGE_NAME} with routing key `<queue>`, bound to the durable quorum queue "
            "`<queue>.dlq`: an invalid body at once (x-death reason `rejected`), a message that keeps failing after "
            "the delivery limit (`delivery_limit`). The service logs `event.dead_lettered` and counts "
            "`nastavnik_events_dead_lettered_total`; operators inspect and replay with `nastavnik dlq`."
        ),
        "parameters": {"queue": {"description": "The consumer queue, e.g. reports.surveys.response.completed.v1."}},
        "messages": {},
        "bindings": {"amqp": {"is": "routingKey", "exchange": {
            "name": DEAD_LETTER_EXCHANGE_NAME, "type": "direct", "durable": True, "autoDelete": False, "vhost": DEFAULT_VHOST}}},
    }


def _belongs_to_a_school(event: Any) -> bool:
    properties = event.model_json_schema().get("properties", {})
    return "school_id" in properties or event.event_type == "reports.indicators.updated.v1"
