"""The merged AsyncAPI document of every service, served by each deployment: GET /asyncapi.json
(machine-readable) and GET /asyncapi (a page rendered on the server: no scripts, no CDN).

The document is the generated, committed one (shared/contracts/generated/asyncapi.json: every
event, who publishes and who consumes it, the commands of school systems, each school's feed,
the dead-letter topology), with the deployment's own server and vhost."""

from __future__ import annotations

import copy
import json
import urllib.parse
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

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


_TEMPLATES = Environment(
    loader=FileSystemLoader(str(Path(__file__).resolve().parent / "web" / "templates")),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
)


def render_page(document: dict[str, Any]) -> str:
    """The document as a page (shared/web/templates/asyncapi.html): the school systems' commands
    first, then every channel with who publishes and consumes it and its messages' schemas."""
    by_channel: dict[str, list[tuple[str, str]]] = {}
    for operation in document.get("operations", {}).values():
        key = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        by_channel.setdefault(key, []).append((operation["action"], operation["title"]))
    schemas = document.get("components", {}).get("schemas", {})
    messages = document.get("components", {}).get("messages", {})
    channels = []
    for key, channel in sorted(document.get("channels", {}).items(), key=lambda kv: (kv[0] != INBOUND_CHANNEL, kv[0])):
        payloads = []
        for ref in channel.get("messages", {}).values():
            payload = messages.get(ref["$ref"].rsplit("/", 1)[-1], {}).get("payload", {})
            if "$ref" in payload:
                payload = schemas.get(payload["$ref"].rsplit("/", 1)[-1], payload)
            payloads.append(json.dumps(payload, ensure_ascii=False, indent=2))
        channels.append({
            "key": key, "address": channel["address"], "description": channel.get("description", ""),
            "exchange": channel.get("bindings", {}).get("amqp", {}).get("exchange", {}).get("name", ""),
            "operations": by_channel.get(key, []), "payloads": payloads,
        })
    toc = [(key, channel["address"]) for key, channel in sorted(document.get("channels", {}).items())]
    return _TEMPLATES.get_template("asyncapi.html").render(
        info=document.get("info", {}), asyncapi=document.get("asyncapi", ""), toc=toc, channels=channels
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
