"""The merged AsyncAPI document of every service, served by each deployment: GET /asyncapi.json
(machine-readable) and GET /asyncapi (a page rendered on the server: no scripts, no CDN).

The document is the generated one (shared/contracts/generated/asyncapi.json: every event, who
publishes and who consumes it) plus the inbound channel through which school information
systems send commands (shared.messaging.topology)."""

from __future__ import annotations

import copy
import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from shared.messaging.topology import INBOUND_EXCHANGE_NAME
from shared.scopes import scope_rule

GENERATED = Path(__file__).resolve().parent / "contracts" / "generated" / "asyncapi.json"
INBOUND_CHANNEL = "school_inbound_commands"


def inbound_channel() -> dict[str, Any]:
    return {
        "address": "school.{schoolId}.{commandType}",
        "title": "Commands from school information systems",
        "description": (
            f"Routing key on the topic exchange {INBOUND_EXCHANGE_NAME}. A school's system publishes with its own broker "
            "user `school-<school id>` (created by `nastavnik broker school-access`), which may publish only keys "
            "starting with `school.<its id>.`. The body is a CloudEvents 1.0 JSON envelope whose `type` is the command "
            "type (e.g. `registry.participant.register.v1`, `surveys.response.submit.v1`); set `message_id` to the "
            "envelope id (commands are idempotent by it) and `user_id` to the user name. A command that cannot be "
            "applied is answered with the service's `<service>.command.rejected.v1` event; see docs/school-integration.md."
        ),
        "parameters": {
            "schoolId": {"description": "The school's id in Nastavnik (the registry's school_id)."},
            "commandType": {"description": "`<service>.<entity>.<verb>.v<major>`, e.g. registry.participant.register.v1."},
        },
        "messages": {"command": {"$ref": "#/components/messages/school_command"}},
        "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": INBOUND_EXCHANGE_NAME, "type": "topic", "durable": True,
                                                                 "autoDelete": False, "vhost": "/"}}},
    }


@lru_cache(maxsize=1)
def merged_asyncapi() -> dict[str, Any]:
    """The generated document with the inbound commands channel added."""
    document = copy.deepcopy(json.loads(GENERATED.read_text(encoding="utf-8")))
    document.setdefault("channels", {})[INBOUND_CHANNEL] = inbound_channel()
    components = document.setdefault("components", {})
    components.setdefault("messages", {})["school_command"] = {
        "name": "school command",
        "title": "A school system's command",
        "contentType": "application/json",
        "summary": "A CloudEvents 1.0 envelope; `data` is the command's body.",
        "payload": {
            "type": "object",
            "required": ["specversion", "id", "source", "type", "data"],
            "properties": {
                "specversion": {"const": "1.0"},
                "id": {"type": "string", "description": "Unique per command; equal to the AMQP message_id."},
                "source": {"type": "string", "description": "The school system, e.g. /schools/<school id>/<system>."},
                "type": {"type": "string", "description": "The command type, equal to the routing key's tail."},
                "time": {"type": "string", "format": "date-time"},
                "data": {"type": "object"},
            },
        },
    }
    for service in ("registry", "surveys"):
        document.setdefault("operations", {})[f"{service}__receive__school_commands"] = {
            "action": "receive",
            "title": f"{service} receives school commands `school.*.{service}.#` from queue {service}.inbound",
            "channel": {"$ref": f"#/channels/{INBOUND_CHANNEL}"},
            "bindings": {"amqp": {"ack": True}},
        }
    return document


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def render_page(document: dict[str, Any]) -> str:
    operations = document.get("operations", {})
    by_channel: dict[str, list[dict[str, Any]]] = {}
    for operation in operations.values():
        key = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        by_channel.setdefault(key, []).append(operation)
    schemas = document.get("components", {}).get("schemas", {})
    messages = document.get("components", {}).get("messages", {})
    sections = []
    for key, channel in sorted(document.get("channels", {}).items(), key=lambda kv: (kv[0] != INBOUND_CHANNEL, kv[0])):
        exchange = channel.get("bindings", {}).get("amqp", {}).get("exchange", {}).get("name", "")
        ops = "".join(
            f"<li><b>{'публикует' if o['action'] == 'send' else 'получает'}</b>: {_e(o['title'])}</li>" for o in by_channel.get(key, [])
        )
        payloads = []
        for ref in channel.get("messages", {}).values():
            message = messages.get(ref["$ref"].rsplit("/", 1)[-1], {})
            payload = message.get("payload", {})
            if "$ref" in payload:
                payload = schemas.get(payload["$ref"].rsplit("/", 1)[-1], payload)
            payloads.append(f"<details><summary>Схема сообщения</summary><pre>{_e(json.dumps(payload, ensure_ascii=False, indent=2))}</pre></details>")
        sections.append(
            f'<section id="{_e(key)}"><h2><code>{_e(channel["address"])}</code></h2>'
            f"<p class=meta>exchange <code>{_e(exchange)}</code></p><p>{_e(channel.get('description', ''))}</p>"
            f"<ul>{ops or '<li>нет подписчиков внутри Наставника</li>'}</ul>{''.join(payloads)}</section>"
        )
    toc = "".join(f'<li><a href="#{_e(k)}"><code>{_e(c["address"])}</code></a></li>' for k, c in sorted(document.get("channels", {}).items()))
    info = document.get("info", {})
    return (
        "<!doctype html><html lang=ru><head><meta charset=utf-8><title>Наставник · события и команды (AsyncAPI)</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        "section{border-top:1px solid #ccc;padding:.5rem 0}pre{background:#f6f6f6;padding:.75rem;overflow:auto;font-size:.85rem}"
        ".meta{color:#555}</style></head><body>"
        f"<h1>Наставник · события и команды</h1><p>{_e(info.get('description', ''))}</p>"
        f"<p>AsyncAPI {_e(document.get('asyncapi', ''))}, версия {_e(info.get('version', ''))}. "
        'Документ целиком: <a href="asyncapi.json">asyncapi.json</a>. Руководство для школ: docs/school-integration.md.</p>'
        f"<h2>Каналы</h2><ul>{toc}</ul>{''.join(sections)}</body></html>"
    )


def asyncapi_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/asyncapi.json", summary="AsyncAPI document of every Nastavnik event and command", openapi_extra=scope_rule("public"))
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(merged_asyncapi())

    @router.get("/asyncapi", summary="The AsyncAPI document as a page", response_class=HTMLResponse, openapi_extra=scope_rule("public"))
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(render_page(merged_asyncapi()))

    return router
