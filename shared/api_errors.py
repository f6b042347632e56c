"""The error bodies of every service's API, and their documentation in the OpenAPI documents.

Every error answers `{"detail": …}`: a Russian message (401, 403, 404, 409, 413), or for 422 a
list of problems in FastAPI's validation shape `{"loc": [...], "msg": "…", "type": "…"}` —
whether pydantic, shared.validation or a use case (shared.errors.Unprocessable) found it.

`document_errors(app)` adds to each API operation the statuses it really answers, with this
schema: 401 (no or an invalid token) and 403 (a role that may not) on every route that needs a
token; 404 on every route that takes a path, query or body (it may name a thing the caller
cannot see); 409 on writes; 413
on writes with a body (the request-size limit); 422 everywhere. The fuzz test
(tests/fuzz/test_openapi_fuzz.py) checks every answer against it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

ERROR_SCHEMA = "Error"
ITEM_SCHEMA = "ErrorItem"
DESCRIPTIONS = {
    "401": "Нет токена доступа или он недействителен",
    "403": "Роль или область видимости не позволяет это действие",
    "404": "Не найдено (или не видно вызывающему)",
    "409": "Конфликт с текущим состоянием",
    "413": "Запрос слишком велик",
    "422": "Ошибка в запросе: список проблем с указанием поля",
}


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where: body/query/path and the field, e.g. [\"body\", \"full_name\"]")
    msg: str = Field(description="What is wrong, in Russian")
    type: str = Field(description="A machine-readable kind, e.g. missing, string_too_long, string_nul, value_error")


class ErrorOut(BaseModel):
    detail: str | list[ErrorItem] = Field(description="A message, or (422) the list of problems")


def problem(loc: list[str | int], msg: str, kind: str = "value_error") -> dict[str, Any]:
    """One 422 problem in the documented shape."""
    return {"type": kind, "loc": loc, "msg": msg}


def document_errors(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                                 servers=app.servers)
            _add_errors(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_errors(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ITEM_SCHEMA] = ErrorItem.model_json_schema()
    error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    error.pop("$defs", None)
    components[ERROR_SCHEMA] = error
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, response in responses.items():  # declared by the route, or FastAPI's 422
                if code in DESCRIPTIONS:
                    response["content"] = content
            if not path.startswith("/api/"):
                continue
            codes = ["401", "403", "422"]
            named = [p for p in operation.get("parameters", []) if p.get("in") in ("path", "query")]
            if named or "requestBody" in operation:  # names a thing: by the path, the query or the body
                codes.append("404")
            if method != "get":
                codes.append("409")
            if "requestBody" in operation:
                codes.append("413")
            for code in codes:
                responses.setdefault(code, {"description": DESCRIPTIONS[code], "content": content})
