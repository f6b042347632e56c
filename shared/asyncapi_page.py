"""The merged AsyncAPI document of every service, served by each deployment: GET /asyncapi.json
(machine-readable) and GET /asyncapi (a page rendered on the server: no scripts, no CDN).

The document is the generated, committed one (shared/contracts/generated/asyncapi.json: every
event, who publishes and who consumes it, the commands of school systems, each school's feed,
the dead-letter topology), with the deployment's own server and vhost."""

from __future__ import annotations

import copy
import html
import json
import urllib.parse
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from shared.scopes import scope_rule

GENERATED = Path(__file__).resolve().parent / "contracts" / "generated" / "asyncapi.json"
INBOUND_CHANNEL = "school_inbound_commands"


@lru_cache(maxsize=1)
def _generated() -> dict[str, Any]:
    return json.loads(GENERATED.read_text(encoding="utf-8"))


def merged_asyncapi(rabbitmq_url: str | None = None) -> dict[str, Any]:
    """The committed document (every event, command, the per-school feed and the dead-letter
    topology: nastavnik/contracts_doc.py), with the server and vhost of this deployment."""
    document = copy.deepcopy(_generated())
    if rabbitmq_url:
        parsed = urllib.parse.urlparse(rabbitmq_url)
        vhost = urllib.parse.unquote(parsed.path[1:]) if len(parsed.path) > 1 else "/"
        for server in document.get("servers", {}).values():
            server["host"] = f"{parsed.hostname}:{parsed.port or 5672}"
            server["protocol"] = "amqps" if parsed.scheme == "amqps" else "amqp"
        for channel in document.get("channels", {}).values():
            for part in ("exchange", "queue"):
                if part in channel.get("bindings", {}).get("amqp", {}):
                    channel["bindings"]["amqp"][part]["vhost"] = vhost
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


def asyncapi_router(rabbitmq_url: str | None = None) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/asyncapi.json", summary="AsyncAPI document of every Nastavnik event and command", openapi_extra=scope_rule("public"))
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(merged_asyncapi(rabbitmq_url))

    @router.get("/asyncapi", summary="The AsyncAPI document as a page", response_class=HTMLResponse, openapi_extra=scope_rule("public"))
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(render_page(merged_asyncapi(rabbitmq_url)))

    return router
