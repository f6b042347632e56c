"""What the practices pages share: names for the templates, form reading, errors as a field → message map."""

from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData

from shared.errors import UseCaseError

from services.practices import domain

CURATOR, ADMIN = domain.CURATOR, domain.REGION_ADMIN
UPLOAD_PAGES = ("/files/",)  # the upload limit (NASTAVNIK_MAX_UPLOAD_BYTES) applies to these pages' posts
PRACTICE_LABELS = {"title": "Название", "form": "Форма наставничества", "deficit_areas": "Области дефицитов",
                   "school_levels": "Уровни образования", "description": "Описание практики",
                   "results": "Достигнутые результаты", "author_ids": "Авторы", "file": "Файл", "comment": "Комментарий"}
ROADMAP_LABELS = {"section": "Раздел", "number": "Номер", "measure": "Мероприятие", "term": "Срок (как в плане)",
                  "due_on": "Крайняя дата", "executors": "Ответственные исполнители", "document_type": "Вид документа",
                  "expected_results": "Ожидаемые результаты", "status": "Статус", "done_on": "Дата выполнения",
                  "note": "Примечание"}
NAMES: dict[str, Any] = {"forms": domain.FORMS, "areas": domain.DEFICIT_AREAS, "levels": domain.SCHOOL_LEVELS,
                         "statuses": domain.PRACTICE_STATUSES, "roadmap_statuses": domain.ROADMAP_STATUSES, "labels": PRACTICE_LABELS}


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


PYDANTIC_MESSAGES = {
    "missing": "Заполните поле", "string_too_short": "Заполните поле", "string_too_long": "Слишком длинное значение",
    "too_long": "Выбрано слишком много", "literal_error": "Выберите значение из списка",
    "date_from_datetime_parsing": "Введите дату", "date_parsing": "Введите дату",
}


def errors_of(exc: ValidationError | UseCaseError) -> dict[str, str]:
    """A refusal beside its field, in Russian (or at the top of the form, as «form»)."""
    if isinstance(exc, UseCaseError):
        return {exc.field or "form": exc.message}
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        errors.setdefault(field, PYDANTIC_MESSAGES.get(error["type"], str(error["msg"]).removeprefix("Value error, ")))
    return errors


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def typed_practice(form: FormData) -> dict[str, Any]:
    return {"title": text(form, "title"), "form": text(form, "form"), "deficit_areas": texts(form, "deficit_areas"),
            "school_levels": texts(form, "school_levels"), "description": text(form, "description"),
            "results": text(form, "results"), "author_ids": texts(form, "author_ids")}


