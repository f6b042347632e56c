"""What every request of every service must be before a handler sees it, in one place.

- `SafeInputMiddleware` (installed by shared.http.create_service_app): a NUL character or a lone
  UTF-16 surrogate in any string (path, query, JSON or form body), an integer outside the
  database's 32-bit range, or a non-finite number (NaN, Infinity, 1e999) is refused with 422 and
  the standard validation-error body, naming where it is. Before, such values reached the
  database and answered 500 (PostgreSQL refuses NUL in text; a surrogate cannot be encoded; an
  instrument version above int32 overflows its column). A JSON body that is not UTF-8 is a 422
  too (it was a 400 that no route documents).
- `Patch`: the base of partial updates. Explicit `null` is refused for a field that may not be
  empty (only the fields in `__nullable__` may be cleared) — before, `{"subjects": null}` was
  written to the database."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.limits import BodyTooLarge

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
# Quick looks at the raw JSON: only a body that might hold a bad value is parsed again.
_SUSPECT_JSON = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})|\d{10,}|NaN|Infinity|[eE]\+?\d{3}")


class Patch(BaseModel):
    """A partial update: only the fields given change. `null` is accepted only for the fields
    named in `__nullable__` (those that may be empty); anywhere else it is a 422 naming the field."""

    __nullable__: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_nullable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.__nullable__:
            raise PydanticCustomError("null_not_allowed", "Поле не может быть пустым (null); не передавайте его, чтобы не менять")
        return value


def problems(value: Any, loc: tuple[str | int, ...]) -> Iterator[dict[str, Any]]:
    """Every bad value in a decoded JSON document or string, as FastAPI validation errors."""
    if isinstance(value, str):
        problem = string_problem(value)
        if problem:
            yield {"type": problem[0], "loc": list(loc), "msg": problem[1]}
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not INT32_MIN <= value <= INT32_MAX:
            yield {"type": "int_out_of_range", "loc": list(loc), "msg": f"Число вне допустимого диапазона ({INT32_MIN}…{INT32_MAX})"}
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield {"type": "finite_number", "loc": list(loc), "msg": "Число должно быть конечным"}
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from problems(key, (*loc, key))
            yield from problems(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from problems(item, (*loc, index))


def string_problem(text: str) -> tuple[str, str] | None:
    if "\x00" in text:
        return "string_nul", "Строка содержит нулевой символ (NUL)"
    if _has_lone_surrogate(text):
        return "string_unicode", "Строка содержит недопустимый символ (одиночный суррогат UTF-16)"
    return None


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse_constant(name: str) -> float:
    return float(name)  # NaN / Infinity: reported as not finite


class SafeInputMiddleware:
    """Plain ASGI (no task per request): checks the path and query of every request and the
    JSON or form body, replaying the body to the app unchanged when it is fine."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = list(self._url_problems(scope))
        content_type = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
        checked_body = content_type in (b"application/json", b"application/x-www-form-urlencoded") or content_type.endswith(b"+json")
        if not found and checked_body and scope["method"] in ("POST", "PUT", "PATCH"):
            body, more = b"", True
            while more:
                try:
                    message = await receive()
                except BodyTooLarge as too_large:  # the route raises it where it reads the body: a page gets the Russian page
                    await self.app(scope, _refusing(too_large), send)
                    return
                if message["type"] != "http.request":  # the client left
                    await self.app(scope, _replay([message]), send)
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
            found = list(self._body_problems(content_type, body))
            if not found and content_type != b"application/x-www-form-urlencoded" and not _is_utf8(body):
                found = [{"type": "json_invalid", "loc": ["body"], "msg": "Тело запроса должно быть JSON в кодировке UTF-8"}]
            receive = _replay([{"type": "http.request", "body": body, "more_body": False}], receive)
        if found:
            await _reply_422(send, found)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _url_problems(scope: Scope) -> Iterator[dict[str, Any]]:
        problem = string_problem(scope["path"])
        if problem:
            yield {"type": problem[0], "loc": ["path"], "msg": problem[1]}
        query = scope.get("query_string", b"")
        if b"%" in query:
            for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="surrogateescape"):
                for text in (name, value):
                    problem = string_problem(text)
                    if problem:
                        yield {"type": problem[0], "loc": ["query", name.encode("utf-8", "replace").decode("utf-8")], "msg": problem[1]}

    @staticmethod
    def _body_problems(content_type: bytes, body: bytes) -> Iterator[dict[str, Any]]:
        if content_type == b"application/x-www-form-urlencoded":
            if b"%" in body:
                for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="surrogateescape"):
                    problem = string_problem(value) or string_problem(name)
                    if problem:
                        yield {"type": problem[0], "loc": ["body", name.encode("utf-8", "replace").decode("utf-8")], "msg": problem[1]}
            return
        if not _SUSPECT_JSON.search(body):
            return
        try:
            document = json.loads(body, parse_constant=_parse_constant)
        except ValueError:
            return  # not JSON: FastAPI answers its own 422
        yield from problems(document, ("body",))


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _reply_422(send: Send, found: list[dict[str, Any]]) -> None:
    for item in found:  # the loc of a bad key may itself be unprintable
        item["loc"] = [part if not isinstance(part, str) or not string_problem(part) else "?" for part in item["loc"]]
    body = json.dumps({"detail": found[:20]}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _refusing(error: Exception):  # noqa: ANN202
    """An ASGI receive that raises `error` when the app reads the body."""
    async def receive() -> Any:
        raise error

    return receive
