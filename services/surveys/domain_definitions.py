"""An instrument's definition as pydantic models (pure: no I/O, no framework).

`Definition` is the one shape of every instrument — the built-in library
(services/surveys/instruments/) and the instruments the region or a school saves — with its
sections, its items as a discriminated union on `kind` (scale, single, multiple, matrix, number,
text; no `kind` is a scale), their options and rows, and its scales (scoring rules). Every field
check says what is wrong in Russian: the validators raise `PydanticCustomError("value_error", …)`
with the message only, and `problems()` prefixes it with the field's path
(`sections[0].items[2].code: …`). What pydantic cannot see field by field — a code used twice, a
scale's source that names no item — is `_references`' (the raw definition, so that a definition
with several problems gets them all at once). `definition_schema()` is its JSON Schema
(docs/generated/instrument-definition.schema.json, checked for drift by tests/unit)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Literal, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from shared import vocabulary

KINDS: dict[str, str] = {
    "scale": "шкала",
    "single": "один вариант",
    "multiple": "несколько вариантов",
    "matrix": "матрица",
    "number": "число",
    "text": "свободный ответ",
}
ROLES: dict[str, str] = dict(sorted(vocabulary.ROLES.items(), key=lambda item: item[0] != "mentee"))  # mentees first
METHODS = ("mean", "sum")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CODE_PATTERN = CODE.pattern
Loc = tuple[str | int, ...]
_TAGS = (*KINDS, "unknown")

# The order of the fields in a problem list: the order a person reads a definition in.
_ORDER = ("code", "version", "title", "respondent_roles", "staged", "sections", "text", "kind", "required",
          "min", "max", "options", "rows", "method", "items", "value", "scales")


def fail(message: str, field: str | None = None) -> NoReturn:
    """A problem of the value being validated; `field`: of this field of the object instead."""
    raise PydanticCustomError("value_error", "{message}", {"message": message, "field": field})


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _well_formed(code: object) -> bool:
    return isinstance(code, str) and bool(CODE.match(code))


def _checked(check: Callable[[Any], bool], message: str) -> WrapValidator:
    """The value passes `check`, then its type (for the schema); else the one Russian message."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not check(value):
            fail(message)
        try:
            return handler(value)
        except ValidationError:
            fail(message)

    return WrapValidator(validate)


def _object(message: str) -> WrapValidator:
    """An object (then its own fields' problems); else the one message at its place."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(value, Mapping):
            fail(message)
        return handler(value)

    return WrapValidator(validate)


def _listed(message: str, least: int = 1) -> WrapValidator:
    """A list of at least `least` elements (then each element's problems); else the message."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(value, list) or len(value) < least:
            fail(message)
        return handler(value)

    return WrapValidator(validate)


def _code(noun: str) -> WrapValidator:
    return _checked(_well_formed, f"код {noun} — латинские строчные буквы, цифры и «_»")


Pattern = Field(pattern=CODE_PATTERN)
NonEmpty = Field(min_length=1)
SectionCode = Annotated[str, Pattern, _code("раздела")]
ItemCode = Annotated[str, Pattern, _code("вопроса")]
ScaleCode = Annotated[str, Pattern, _code("шкалы")]


def _requires(*names: str) -> ConfigDict:
    """The fields a definition must give. They are declared with a default (None, validated) so
    that a missing one gets its Russian message, not pydantic's; the schema says they are required."""

    def extra(schema: dict[str, Any]) -> None:
        schema["required"] = list(names)
        for name in names:
            schema["properties"][name].pop("default", None)

    return ConfigDict(json_schema_extra=extra)


Flag = Annotated[bool, _checked(lambda v: isinstance(v, bool), "ожидается true или false")]
Integer = WithJsonSchema({"type": "integer"})
Number = WithJsonSchema({"type": "number"})


class Choice(BaseModel):
    """An option of a choice item or a row of a matrix."""

    code: Annotated[str, Field(pattern=CODE_PATTERN), _checked(_well_formed, "код — латинские строчные буквы, цифры и «_»")] = Field(
        None, validate_default=True)
    text: Annotated[str, NonEmpty, _checked(_text, "нужен текст")] = Field(None, validate_default=True)
    value: Annotated[float | None, _checked(lambda v: v is None or is_number(v), "балл — число")] = None

    model_config = _requires("code", "text")


Options = Annotated[list[Annotated[Choice, _object("вариант должен быть объектом с code и text")]],
                    _listed("у вопроса с выбором нужно не меньше двух вариантов", 2)]
Rows = Annotated[list[Annotated[Choice, _object("строка должен быть объектом с code и text")]],
                 _listed("у матрицы должна быть хотя бы одна строка")]


class _Item(BaseModel):
    """What every kind of item has: a code, a question, whether it must be answered, a hint."""

    code: ItemCode = Field(None, validate_default=True)
    text: Annotated[str, NonEmpty, _checked(_text, "нужна формулировка вопроса")] = Field(None, validate_default=True)
    required: Flag = True
    hint: Annotated[str, WithJsonSchema({"type": "string"})] = ""

    model_config = _requires("code", "text")

    @field_validator("hint", mode="plain")
    @classmethod
    def _any_hint(cls, value: Any) -> Any:
        return value  # never checked (a hint is shown as it is)


class _Plain(_Item):
    """Items with no options: a choice's options here are a problem."""

    KIND: ClassVar[str] = ""
    options: Annotated[Any, WithJsonSchema({"not": {}})] = None

    @field_validator("options", mode="plain")
    @classmethod
    def _no_options(cls, value: Any, info: ValidationInfo) -> Any:
        if value:
            fail(f"варианты ответа бывают только у вопросов с выбором, а здесь «{cls.KIND}»")
        return value


class _Bounded(_Plain):
    """A scale or a matrix: integer bounds, at most 100 steps."""

    min: Annotated[Any, Integer] = 1
    max: Annotated[Any, Integer] = Field(10, validate_default=True)

    @field_validator("max", mode="plain")
    @classmethod
    def _bounds(cls, high: Any, info: ValidationInfo) -> Any:
        low = info.data.get("min", 1)
        if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool) or isinstance(high, bool):
            fail("границы шкалы — целые числа", field="min")
        if not low < high or high - low > 100:
            fail("верхняя граница шкалы должна быть больше нижней (не более 100 делений)")
        return high


class ScaleItem(_Bounded):
    KIND: ClassVar[str] = "scale"
    kind: Literal["scale"] = "scale"


class MatrixItem(_Bounded):
    KIND: ClassVar[str] = "matrix"
    kind: Literal["matrix"]
    rows: Rows = Field(None, validate_default=True)

    model_config = _requires("code", "text", "kind", "rows")


class NumberItem(_Plain):
    """A number, within its bounds when given."""

    KIND: ClassVar[str] = "number"
    kind: Literal["number"]
    model_config = _requires("code", "text", "kind")
    min: Annotated[Any, Number] = None
    max: Annotated[Any, Number] = None

    @field_validator("min", "max", mode="plain")
    @classmethod
    def _bound(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None and not is_number(value):
            fail("граница — число")
        low = info.data.get("min")
        if info.field_name == "max" and is_number(low) and is_number(value) and low > value:
            fail("верхняя граница меньше нижней")
        return value


class TextItem(_Plain):
    KIND: ClassVar[str] = "text"
    kind: Literal["text"]
    model_config = _requires("code", "text", "kind")


class SingleItem(_Item):
    kind: Literal["single"]
    options: Options = Field(None, validate_default=True)

    model_config = _requires("code", "text", "kind", "options")


class MultipleItem(_Item):
    kind: Literal["multiple"]
    options: Options = Field(None, validate_default=True)

    model_config = _requires("code", "text", "kind", "options")


class _UnknownItem(_Item):
    """An item of a kind there is not: its code and question checked, its kind refused."""

    kind: Any = None

    @field_validator("required", mode="plain")
    @classmethod
    def _unchecked(cls, value: Any) -> Any:
        return value  # an unknown kind: nothing but its code, question and kind is checked

    @field_validator("kind", mode="plain")
    @classmethod
    def _refused(cls, kind: Any) -> NoReturn:
        fail(f"неизвестный вид вопроса «{kind}»; допустимы: {', '.join(KINDS)}")


def _kind_of(value: Any) -> str:
    kind = value.get("kind", "scale") if isinstance(value, Mapping) else getattr(value, "kind", "scale")
    return kind if isinstance(kind, str) and kind in KINDS else "unknown"


AnyItem = Annotated[
    Annotated[ScaleItem, Tag("scale")] | Annotated[SingleItem, Tag("single")] | Annotated[MultipleItem, Tag("multiple")]
    | Annotated[MatrixItem, Tag("matrix")] | Annotated[NumberItem, Tag("number")] | Annotated[TextItem, Tag("text")]
    | Annotated[_UnknownItem, Tag("unknown")],
    Discriminator(_kind_of),
    _object("вопрос должен быть объектом"),
]


class Section(BaseModel):
    code: SectionCode = Field(None, validate_default=True)
    title: Annotated[str, NonEmpty, _checked(_text, "нужно название раздела")] = Field(None, validate_default=True)
    description: Annotated[str, WithJsonSchema({"type": "string"})] = ""
    items: Annotated[list[AnyItem], _listed("в разделе должен быть хотя бы один вопрос")] = Field(None, validate_default=True)

    model_config = _requires("code", "title", "items")

    @field_validator("description", mode="plain")
    @classmethod
    def _any_description(cls, value: Any) -> Any:
        return value  # never checked (shown as it is)


Source = Annotated[str, Field(min_length=1, description="«вопрос», «вопрос.строка» или «вопрос=вариант»"),
                   _checked(lambda v: isinstance(v, str) and bool(v), "источник — строка «вопрос», «вопрос.строка» или «вопрос=вариант»")]


class ScaleRule(BaseModel):
    """A scale: the mean (or the sum) of its sources."""

    code: ScaleCode = Field(None, validate_default=True)
    title: str | None = None
    method: Annotated[Literal["mean", "sum"], _checked(lambda v: v in METHODS, "способ подсчёта — mean (среднее) или sum (сумма)")] = "mean"
    items: Annotated[list[Source], _listed("у шкалы должен быть хотя бы один источник (вопрос)")] = Field(None, validate_default=True)

    model_config = _requires("code", "items")

    @field_validator("title", mode="plain")
    @classmethod
    def _any_title(cls, value: Any) -> Any:
        return value  # never checked (the code when none)


class Definition(BaseModel):
    """An instrument: who answers it, its sections of items, its scales."""

    code: Annotated[str, Field(min_length=3, max_length=64, pattern=CODE_PATTERN), _checked(
        lambda v: _well_formed(v) and len(v) >= 3, "код анкеты — от 3 до 64 латинских строчных букв, цифр и «_», начинается с буквы",
    )] = Field(None, validate_default=True)
    version: Annotated[int, Field(ge=1), _checked(
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "версия — целое число не меньше 1")] = 1
    title: Annotated[str, NonEmpty, _checked(_text, "нужно название анкеты")] = Field(None, validate_default=True)
    respondent_roles: Annotated[list[Literal[tuple(ROLES)]], Field(min_length=1), _checked(  # type: ignore[valid-type]
        lambda v: isinstance(v, list) and bool(v) and all(isinstance(r, str) and r in ROLES for r in v),
        f"укажите, кто отвечает: список из {', '.join(ROLES)}",
    )] = Field(None, validate_default=True)
    staged: Flag = False
    description: Annotated[str, WithJsonSchema({"type": "string"})] = ""
    sections: Annotated[list[Annotated[Section, _object("раздел должен быть объектом")]],
                        _listed("в анкете должен быть хотя бы один раздел")] = Field(None, validate_default=True)
    scales: Annotated[list[Annotated[ScaleRule, _object("правило шкалы должно быть объектом")]],
                      _listed("шкалы — список правил подсчёта", 0)] = []

    model_config = _requires("code", "title", "respondent_roles", "sections") | ConfigDict(title="Описание анкеты")

    @field_validator("description", mode="plain")
    @classmethod
    def _any_description(cls, value: Any) -> Any:
        return value  # never checked (shown as it is)


def definition_schema() -> dict[str, Any]:
    """The JSON Schema of an instrument definition (what `POST /surveys/api/v1/instruments` takes)."""
    schema = Definition.model_json_schema()
    del schema["$defs"]["_UnknownItem"]  # how an unknown kind is refused, not a kind of item
    members = schema["$defs"]["Section"]["properties"]["items"]["items"]["oneOf"]
    members.remove({"$ref": "#/$defs/_UnknownItem"})
    return schema


def problems(data: object) -> list[tuple[Loc, str]]:
    """Every problem of a definition as (where, message), in reading order; [] when it is valid."""
    if not isinstance(data, Mapping):
        return [((), "Описание анкеты должно быть объектом JSON")]
    found: list[tuple[Loc, str]] = []
    try:
        Definition.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            context = error.get("ctx") or {}
            loc = _without_tags(tuple(error["loc"]))
            if context.get("field"):  # a field validator's problem of a sibling field
                loc = (*loc[:-1], context["field"])
            found.append((loc, context.get("message", error["msg"])))
    found.extend(_references(data))
    return sorted(found, key=lambda problem: _reading_order(problem[0]))


def _without_tags(loc: Loc) -> Loc:
    """pydantic names the union's member after an item's index: `items.3.matrix.rows` → `items.3.rows`."""
    return tuple(part for n, part in enumerate(loc)
                 if not (n >= 2 and isinstance(loc[n - 1], int) and loc[n - 2] == "items" and part in _TAGS))


def _reading_order(loc: Loc) -> tuple[tuple[int, int], ...]:
    return tuple((0, part) if isinstance(part, int) else (1, _ORDER.index(part) if part in _ORDER else len(_ORDER)) for part in loc)


def _references(data: Mapping[str, Any]) -> list[tuple[Loc, str]]:
    """Codes used twice (sections, items, scales; options and rows within their item) and the
    scales' sources, which must name an item (its row, its option) that gives a number."""
    found: list[tuple[Loc, str]] = []
    items: dict[str, Mapping[str, Any]] = {}
    sections = data.get("sections")
    section_codes: set[str] = set()
    for s, section in enumerate(sections if isinstance(sections, list) else []):
        if not isinstance(section, Mapping):
            continue
        _unique(section.get("code"), section_codes, ("sections", s, "code"), "раздел «{}» уже есть в анкете", found)
        section_items = section.get("items")
        for i, item in enumerate(section_items if isinstance(section_items, list) else []):
            if not isinstance(item, Mapping):
                continue
            where: Loc = ("sections", s, "items", i)
            if _unique(item.get("code"), items.keys(), (*where, "code"), "вопрос «{}» уже есть в анкете", found):
                items[item["code"]] = item
            found.extend(_choice_duplicates(item, where))
    rules = data.get("scales", [])
    scale_codes: set[str] = set()
    for r, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, Mapping):
            continue
        _unique(rule.get("code"), scale_codes, ("scales", r, "code"), "шкала «{}» уже есть", found)
        sources = rule.get("items")
        for k, source in enumerate(sources if isinstance(sources, list) else []):
            message = _source_problem(source, items) if isinstance(source, str) and source else None
            if message:
                found.append((("scales", r, "items", k), message))
    return found


def _unique(code: object, taken: Any, loc: Loc, duplicate: str, found: list[tuple[Loc, str]]) -> bool:
    """A well-formed code not taken yet: True (the caller takes it); taken: a problem."""
    if not _well_formed(code):
        return False
    if code in taken:
        found.append((loc, duplicate.format(code)))
        return False
    if isinstance(taken, set):
        taken.add(code)
    return True


def _choice_duplicates(item: Mapping[str, Any], where: Loc) -> list[tuple[Loc, str]]:
    kind = item.get("kind", "scale")
    name, least = {"single": ("options", 2), "multiple": ("options", 2), "matrix": ("rows", 1)}.get(kind, ("", 0))
    choices = item.get(name) if name else None
    if not isinstance(choices, list) or len(choices) < least:
        return []
    found: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for n, choice in enumerate(choices):
        if isinstance(choice, Mapping):
            _unique(choice.get("code"), seen, (*where, name, n, "code"), "код «{}» повторяется", found)
    return found


def _source_problem(source: str, items: Mapping[str, Mapping[str, Any]]) -> str | None:
    if "=" in source:
        code, option = source.split("=", 1)
        item = items.get(code)
        if item is None:
            return f"нет вопроса «{code}»"
        if item.get("kind") not in ("single", "multiple"):
            return f"«{source}»: вариант можно указать только у вопроса с выбором"
        if option not in {o.get("code") for o in item.get("options", []) if isinstance(o, Mapping)}:
            return f"у вопроса «{code}» нет варианта «{option}»"
        return None
    if "." in source:
        code, row = source.split(".", 1)
        item = items.get(code)
        if item is None:
            return f"нет вопроса «{code}»"
        if item.get("kind") != "matrix":
            return f"«{source}»: строку можно указать только у матрицы"
        if row not in {r.get("code") for r in item.get("rows", []) if isinstance(r, Mapping)}:
            return f"у матрицы «{code}» нет строки «{row}»"
        return None
    item = items.get(source)
    if item is None:
        return f"нет вопроса «{source}»"
    kind = item.get("kind", "scale")
    if kind in ("scale", "number"):
        return None
    if kind == "single":
        options = item.get("options", [])
        if all(isinstance(o, Mapping) and is_number(o.get("value")) for o in options):
            return None
        return f"у вариантов вопроса «{source}» нет баллов (value): укажите «{source}=вариант» или баллы"
    if kind == "matrix":
        return f"у матрицы «{source}» укажите строку: «{source}.строка»"
    return f"вопрос «{source}» ({KINDS.get(kind, kind)}) не даёт числа для шкалы"
