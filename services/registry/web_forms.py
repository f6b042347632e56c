"""What every registry page form needs: reading a posted form into a request body, and turning
validation and use-case errors into the GOV.UK-style `errors` dict (field → Russian message)
that templates/forms.html shows beside the fields."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shared.errors import UseCaseError

PYDANTIC_MESSAGES = {
    "missing": "Заполните поле",
    "string_too_short": "Заполните поле",
    "string_too_long": "Слишком длинное значение",
    "int_parsing": "Введите целое число",
    "greater_than_equal": "Слишком маленькое число",
    "less_than_equal": "Слишком большое число",
    "string_pattern_mismatch": "Неверный формат",
    "literal_error": "Выберите значение из списка",
}


def text(form: FormData, name: str) -> str | None:
    """A text field, trimmed; None when empty (the use cases treat None as «not given»)."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def checked(form: FormData, name: str) -> bool:
    return form.get(name) not in (None, "", "0")


def integer(form: FormData, name: str, errors: dict[str, str]) -> int | None:
    value = text(form, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        errors[name] = "Введите целое число"
        return None


def items(value: str | None) -> list[str]:
    """«математика; информатика» or «математика, информатика» → a list."""
    if not value:
        return []
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


CODE_IN_MESSAGE = re.compile(r" \([a-z_]+\)")


def for_people(message: str) -> str:
    """The API's messages name the JSON field in brackets, «укажите класс (grade)»: a page does not."""
    return CODE_IN_MESSAGE.sub("", message)


def validation_errors(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
        field = ".".join(loc).removeprefix(prefix) if loc else "form"
        message = PYDANTIC_MESSAGES.get(error["type"])
        if message is None:  # our own validators speak Russian already
            message = str(error["msg"]).removeprefix("Value error, ")
        errors.setdefault(field or "form", for_people(message))
    return errors


def use_case_errors(exc: UseCaseError, known: set[str] | None = None) -> dict[str, str]:
    """A use case's refusal beside its field (or at the top, as «form»)."""
    field = (exc.field or "form").removeprefix("consent.")
    if known is not None and field not in known:
        field = "form"
    return {field: for_people(exc.message)}


def values(form: FormData) -> dict[str, Any]:
    """What the person typed, to put back into the form after an error (lists for repeated names)."""
    kept: dict[str, Any] = {}
    for key in form:
        found = [v for v in form.getlist(key) if isinstance(v, str)]
        kept[key] = found if len(found) > 1 or key == "forms" else (found[0] if found else "")
    return kept
