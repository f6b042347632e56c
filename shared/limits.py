"""Limits on what enters a service — one place for them (issue 13, M4).

- **Request bodies**: `BodyLimit`, an ASGI middleware every service app gets
  (shared/http.create_service_app): a body larger than `NASTAVNIK_MAX_BODY_BYTES` (uploads:
  `NASTAVNIK_MAX_UPLOAD_BYTES`, per route prefix) is refused with 413 and a Russian message
  naming the limit. A declared `Content-Length` over the limit is refused before a byte of the
  body is read; a chunked body is counted as it arrives and refused as soon as it passes the limit.
- **Strings and lists in request schemas**: the constrained types below (`Id`, `Name`, `Line`,
  `Text`, `Subjects`, `IdList`, …). The sizes that shape the OpenAPI schemas are constants here;
  the sizes operators may change are settings (shared/settings.py).
- **422 replies**: `validation_reply` answers with at most `MAX_LISTED_ERRORS` errors, each
  `input` cut to `MAX_ECHO_CHARS` (a list or an object is described, not echoed), and a Russian
  `msg` for the length limits.

Imports (rows, cell length, an XLSX's unpacked size) are limited where files are read:
services/registry/spreadsheet.py, with the `import_*` settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import Field, StringConstraints
from starlette.exceptions import HTTPException

# -- sizes of the request schemas (characters / items) -----------------------------------------

ID_MAX = 100  # ids, codes, external ids
NAME_MAX = 300  # a person's, a school's, a programme's name or title
LINE_MAX = 500  # one line of text: a position, a reason, a document's reference
TEXT_MAX = 4000  # free text: an answer to an open question, a mentee's view
ITEM_MAX = 100  # one item of a short list (a subject)
SUBJECTS_MAX = 30  # subjects of one person
LIST_MAX = 200  # ids in one request (respondents, mentees)
ANSWERS_MAX = 300  # answers in one questionnaire response
MAPPING_MAX = 50  # entries of a small mapping (weights)

Id = Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
Line = Annotated[str, StringConstraints(max_length=LINE_MAX)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX)]
Item = Annotated[str, StringConstraints(max_length=ITEM_MAX)]
Subjects = Annotated[list[Item], Field(max_length=SUBJECTS_MAX)]
IdList = Annotated[list[Id], Field(max_length=LIST_MAX)]
ItemList = Annotated[list[Item], Field(max_length=LIST_MAX)]

# -- 422 replies -----------------------------------------------------------------------------------

MAX_ECHO_CHARS = 100
MAX_LISTED_ERRORS = 20


def truncated(value: Any) -> Any:
    """What a 422 may echo of an input: short scalars as they are, long text cut, containers described."""
    if isinstance(value, str):
        return value if len(value) <= MAX_ECHO_CHARS else value[:MAX_ECHO_CHARS] + f"… ({len(value)} символов)"
    if isinstance(value, bytes):
        return f"<{len(value)} байт>"
    if isinstance(value, Mapping):
        return f"<объект: {len(value)} полей>" if len(value) > 5 else {str(k)[:MAX_ECHO_CHARS]: _scalar(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return f"<список: {len(value)} элементов>" if len(value) > 5 else [_scalar(v) for v in value]
    return value


def _scalar(value: Any) -> Any:
    if isinstance(value, Mapping | list | tuple | set):
        return f"<{type(value).__name__}: {len(value)}>"
    return truncated(value)


def _message(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type")
    if kind == "too_long":
        return f"Слишком много элементов: не более {ctx.get('max_length')} (передано {ctx.get('actual_length')})"
    if kind == "string_too_long":
        return f"Слишком длинная строка: не более {ctx.get('max_length')} символов"
    return str(error.get("msg", ""))


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = []
    for error in errors:
        if len(listed) >= MAX_LISTED_ERRORS:
            break
        item: dict[str, Any] = {"type": error.get("type"), "loc": list(error.get("loc", ())), "msg": _message(error)}
        if "input" in error:
            item["input"] = truncated(error["input"])
        if error.get("ctx"):
            item["ctx"] = {k: truncated(v) if isinstance(v, str | list | dict) else str(v) if isinstance(v, Exception) else v
                           for k, v in error["ctx"].items()}
        listed.append(item)
    return listed


def validation_reply(errors: list[Mapping[str, Any]]) -> JSONResponse:
    """The 422 of every service's API: small whatever was sent."""
    return JSONResponse({"detail": jsonable_encoder(validation_errors(errors))}, status_code=422)


# -- request bodies --------------------------------------------------------------------------------


FILE_FORM_MARGIN = 64 * 1024
"""What an attached file's multipart request may carry beside the file (its other fields, the
parts' headers): the body limit of a file upload is NASTAVNIK_FILE_MAX_BYTES plus this, so a file
just over the limit is refused by shared.files.check_file with a 422 naming it, a much larger
body by the 413 before it is read."""


def megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} МБ" if value >= 10 or value == int(value) else f"{value:.1f} МБ".replace(".", ",")
    return f"{size // 1024} КБ"


class BodyTooLarge(HTTPException):
    """Raised while the body is received: FastAPI passes an HTTPException from the body's
    reading through, so the service's own handlers answer (a Russian page for a browser)."""

    def __init__(self, limit: int, setting: str) -> None:
        super().__init__(413, f"Слишком большой запрос: не более {megabytes(limit)} ({setting})")


class BodyLimit:
    """ASGI middleware: bodies over the limit are refused with 413 without being read.

    `limits`: route-path prefix → limit (named `upload_setting`) or (limit, setting name)
    overrides (uploads); the longest matching prefix wins, else `default`."""

    def __init__(self, app: Any, default: int, limits: Mapping[str, int | tuple[int, str]] | None = None,
                 setting: str = "NASTAVNIK_MAX_BODY_BYTES", upload_setting: str = "NASTAVNIK_MAX_UPLOAD_BYTES") -> None:
        self.app = app
        self.default = default
        self.limits = sorted((limits or {}).items(), key=lambda item: -len(item[0]))
        self.setting = setting
        self.upload_setting = upload_setting

    def limit_for(self, path: str) -> tuple[int, str]:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit if isinstance(limit, tuple) else (limit, self.upload_setting)
        return self.default, self.setting

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self.limit_for(_route_path(scope))
        declared = _content_length(scope)
        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit, setting)  # before reading a byte of it
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit, setting)
            return message

        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:  # read outside a route (a middleware, a handler without FastAPI)
            if started:
                raise
            response = JSONResponse({"detail": exc.detail}, status_code=413)
            await response(scope, receive, send)


def _route_path(scope: Any) -> str:
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root):] or "/"
    return path


def _content_length(scope: Any) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
