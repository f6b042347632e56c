"""Instrument definitions as pydantic models (services/surveys/domain_definitions.py): each
Russian message at its field, the items' discriminated union on `kind`, and the committed JSON
Schema (docs/instrument-definition.schema.json) in step with the models."""

from __future__ import annotations

from typing import Any

import pytest

from services.surveys import definition_schema
from services.surveys.domain import definition_problems
from services.surveys.domain_definitions import Definition, MatrixItem, NumberItem, ScaleItem, SingleItem, TextItem

CHOICES = [{"code": "yes", "text": "Да", "value": 1}, {"code": "no", "text": "Нет", "value": 0}]
VALID: dict[str, Any] = {
    "code": "club_feedback", "title": "Отзыв о клубе", "respondent_roles": ["mentee"],
    "sections": [{"code": "main", "title": "Основное", "items": [
        {"code": "mood", "text": "Настроение"},
        {"code": "club", "text": "Понравилось?", "kind": "single", "options": CHOICES},
        {"code": "skills", "text": "Навыки", "kind": "matrix", "rows": [{"code": "reading", "text": "Чтение"}]},
        {"code": "hours", "text": "Часы", "kind": "number", "min": 0},
        {"code": "note", "text": "Заметка", "kind": "text"},
    ]}],
    "scales": [{"code": "total", "items": ["mood", "club", "skills.reading", "club=yes", "hours"]}],
}


def _with_item(**item: Any) -> dict[str, Any]:
    return {**VALID, "sections": [{"code": "main", "title": "Основное", "items": [item]}], "scales": []}


def _problems(definition: Any) -> dict[str, str]:
    return {p.field: p.message for p in definition_problems(definition)}


def test_a_valid_definition_has_no_problems_and_each_item_becomes_its_kind() -> None:
    assert _problems(VALID) == {}
    items = Definition.model_validate(VALID).sections[0].items
    assert [type(item) for item in items] == [ScaleItem, SingleItem, MatrixItem, NumberItem, TextItem]  # no kind: a scale


@pytest.mark.parametrize(("definition", "field", "message"), [
    ([], "", "Описание анкеты должно быть объектом JSON"),
    ({**VALID, "code": "ab"}, "code", "код анкеты — от 3 до 64 латинских строчных букв, цифр и «_», начинается с буквы"),
    ({**VALID, "version": 0}, "version", "версия — целое число не меньше 1"),
    ({**VALID, "version": True}, "version", "версия — целое число не меньше 1"),
    ({**VALID, "title": " "}, "title", "нужно название анкеты"),
    ({k: v for k, v in VALID.items() if k != "respondent_roles"}, "respondent_roles", "укажите, кто отвечает: список из mentee, mentor, curator"),
    ({**VALID, "staged": "yes"}, "staged", "ожидается true или false"),
    ({**VALID, "sections": {}}, "sections", "в анкете должен быть хотя бы один раздел"),
    ({**VALID, "sections": ["x"]}, "sections[0]", "раздел должен быть объектом"),
    ({**VALID, "sections": [VALID["sections"][0], VALID["sections"][0]]}, "sections[1].code", "раздел «main» уже есть в анкете"),
    ({**VALID, "sections": [{"code": "Main", "title": "", "items": []}], "scales": []}, "sections[0].code", "код раздела — латинские строчные буквы, цифры и «_»"),
    ({**VALID, "sections": [{"code": "main", "title": "", "items": []}], "scales": []}, "sections[0].title", "нужно название раздела"),
    ({**VALID, "sections": [{"code": "main", "title": "О", "items": []}], "scales": []}, "sections[0].items", "в разделе должен быть хотя бы один вопрос"),
    ({**VALID, "sections": [{"code": "main", "title": "О", "items": [3]}], "scales": []}, "sections[0].items[0]", "вопрос должен быть объектом"),
    (_with_item(code="1a", text="Т"), "sections[0].items[0].code", "код вопроса — латинские строчные буквы, цифры и «_»"),
    (_with_item(code="a", text=""), "sections[0].items[0].text", "нужна формулировка вопроса"),
    (_with_item(code="a", text="Т", kind="slider"), "sections[0].items[0].kind", "неизвестный вид вопроса «slider»; допустимы: scale, single, multiple, matrix, number, text"),
    (_with_item(code="a", text="Т", required="no"), "sections[0].items[0].required", "ожидается true или false"),
    (_with_item(code="a", text="Т", min=1.5), "sections[0].items[0].min", "границы шкалы — целые числа"),
    (_with_item(code="a", text="Т", max="10"), "sections[0].items[0].min", "границы шкалы — целые числа"),
    (_with_item(code="a", text="Т", min=0, max=101), "sections[0].items[0].max", "верхняя граница шкалы должна быть больше нижней (не более 100 делений)"),
    (_with_item(code="a", text="Т", kind="number", min="0"), "sections[0].items[0].min", "граница — число"),
    (_with_item(code="a", text="Т", kind="number", min=5, max=1), "sections[0].items[0].max", "верхняя граница меньше нижней"),
    (_with_item(code="a", text="Т", kind="text", options=CHOICES), "sections[0].items[0].options", "варианты ответа бывают только у вопросов с выбором, а здесь «text»"),
    (_with_item(code="a", text="Т", kind="multiple", options=CHOICES[:1]), "sections[0].items[0].options", "у вопроса с выбором нужно не меньше двух вариантов"),
    (_with_item(code="a", text="Т", kind="single", options=[*CHOICES, "x"]), "sections[0].items[0].options[2]", "вариант должен быть объектом с code и text"),
    (_with_item(code="a", text="Т", kind="single", options=[*CHOICES, {"code": "Y", "text": "Д"}]), "sections[0].items[0].options[2].code", "код — латинские строчные буквы, цифры и «_»"),
    (_with_item(code="a", text="Т", kind="single", options=[*CHOICES, CHOICES[0]]), "sections[0].items[0].options[2].code", "код «yes» повторяется"),
    (_with_item(code="a", text="Т", kind="single", options=[*CHOICES, {"code": "z", "text": ""}]), "sections[0].items[0].options[2].text", "нужен текст"),
    (_with_item(code="a", text="Т", kind="single", options=[*CHOICES, {"code": "z", "text": "З", "value": "1"}]), "sections[0].items[0].options[2].value", "балл — число"),
    (_with_item(code="a", text="Т", kind="matrix"), "sections[0].items[0].rows", "у матрицы должна быть хотя бы одна строка"),
    (_with_item(code="a", text="Т", kind="matrix", rows=[1]), "sections[0].items[0].rows[0]", "строка должен быть объектом с code и text"),
    ({**VALID, "scales": {}}, "scales", "шкалы — список правил подсчёта"),
    ({**VALID, "scales": [1]}, "scales[0]", "правило шкалы должно быть объектом"),
    ({**VALID, "scales": [{"code": "S", "items": ["mood"]}]}, "scales[0].code", "код шкалы — латинские строчные буквы, цифры и «_»"),
    ({**VALID, "scales": [{"code": "s", "items": ["mood"]}] * 2}, "scales[1].code", "шкала «s» уже есть"),
    ({**VALID, "scales": [{"code": "s", "method": "median", "items": ["mood"]}]}, "scales[0].method", "способ подсчёта — mean (среднее) или sum (сумма)"),
    ({**VALID, "scales": [{"code": "s", "items": []}]}, "scales[0].items", "у шкалы должен быть хотя бы один источник (вопрос)"),
    ({**VALID, "scales": [{"code": "s", "items": [5]}]}, "scales[0].items[0]", "источник — строка «вопрос», «вопрос.строка» или «вопрос=вариант»"),
    ({**VALID, "scales": [{"code": "s", "items": ["nope"]}]}, "scales[0].items[0]", "нет вопроса «nope»"),
    ({**VALID, "scales": [{"code": "s", "items": ["mood=yes"]}]}, "scales[0].items[0]", "«mood=yes»: вариант можно указать только у вопроса с выбором"),
    ({**VALID, "scales": [{"code": "s", "items": ["club=maybe"]}]}, "scales[0].items[0]", "у вопроса «club» нет варианта «maybe»"),
    ({**VALID, "scales": [{"code": "s", "items": ["mood.x"]}]}, "scales[0].items[0]", "«mood.x»: строку можно указать только у матрицы"),
    ({**VALID, "scales": [{"code": "s", "items": ["skills.x"]}]}, "scales[0].items[0]", "у матрицы «skills» нет строки «x»"),
    ({**VALID, "scales": [{"code": "s", "items": ["skills"]}]}, "scales[0].items[0]", "у матрицы «skills» укажите строку: «skills.строка»"),
    ({**VALID, "scales": [{"code": "s", "items": ["note"]}]}, "scales[0].items[0]", "вопрос «note» (свободный ответ) не даёт числа для шкалы"),
])
def test_each_problem_has_its_russian_message_at_its_field(definition: Any, field: str, message: str) -> None:
    problems = _problems(definition)
    assert problems.get(field) == (f"{field}: {message}" if field else message), problems


def test_every_problem_comes_at_once_in_reading_order_with_its_location() -> None:
    broken = {**VALID, "code": "x", "sections": [{"code": "main", "title": "", "items": [
        {"code": "a", "text": "Т", "kind": "matrix", "min": 5, "max": 1, "rows": []},
        {"code": "a", "text": "", "kind": "slider", "required": "?"},  # an unknown kind: its required is not checked
    ]}], "scales": [{"code": "s", "items": ["zz"]}]}
    problems = definition_problems(broken)
    assert [p.field for p in problems] == [
        "code", "sections[0].title", "sections[0].items[0].max", "sections[0].items[0].rows",
        "sections[0].items[1].code", "sections[0].items[1].text", "sections[0].items[1].kind", "scales[0].items[0]",
    ]
    assert problems[3].loc == ("sections", 0, "items", 0, "rows")


def test_the_committed_json_schema_matches_the_models() -> None:
    committed = definition_schema.PATH.read_text(encoding="utf-8")
    assert committed == definition_schema.render(), "run: .venv/bin/python -m services.surveys.definition_schema"
    schema = Definition.model_json_schema()
    members = {ref["$ref"].rsplit("/", 1)[-1] for ref in schema["$defs"]["Section"]["properties"]["items"]["items"]["oneOf"]}
    assert {"ScaleItem", "SingleItem", "MultipleItem", "MatrixItem", "NumberItem", "TextItem"} <= members
    assert "_UnknownItem" not in committed
