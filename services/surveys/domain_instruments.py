"""The instrument model of surveys (pure, no I/O): the closed lists (kinds of item, roles,
stages), the Instrument with its sections, items and scale rules, and its definition — a plain
dict, the same shape for the built-in library (services/surveys/instruments/) and for the
instruments saved by the region or a school — validated by `definition_problems` (every
problem in Russian, each naming its field) and turned into an Instrument by `parse_instrument`.
Answers and their scores are domain.py's."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

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
STAGES: dict[str, str] = {"start": "входная диагностика", "end": "итоговая диагностика"}
CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TEXT = 5000
MIN_GROUP = vocabulary.MIN_GROUP  # per-item aggregates of answers are shown only for at least this many responses (no breakdown of small groups)
YES_NO = ({"code": "yes", "text": "Да", "value": 1}, {"code": "no", "text": "Нет", "value": 0})


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    value: float | None = None


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    kind: str = "scale"
    minimum: float | None = 1
    maximum: float | None = 10
    required: bool = True
    options: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    hint: str = ""

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    items: tuple[Item, ...]
    description: str = ""


@dataclass(frozen=True)
class ScaleRule:
    code: str
    title: str
    sources: tuple[str, ...]
    method: str = "mean"


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: str
    description: str
    respondent_roles: tuple[str, ...]
    sections: tuple[Section, ...]
    scale_rules: tuple[ScaleRule, ...] = ()
    staged: bool = False
    """Start/end measurement: every response names its stage; growth = end − start."""
    definition: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def respondent_role(self) -> str:
        return self.respondent_roles[0]

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def scales(self) -> dict[str, tuple[str, ...]]:
        return {rule.code: rule.sources for rule in self.scale_rules}

    @cached_property
    def _items_by_code(self) -> dict[str, Item]:
        # Every submit looks up each answer's item: once per instrument, not once per answer.
        return {item.code: item for item in reversed(self.items)}

    def item(self, code: str) -> Item | None:
        return self._items_by_code.get(code)


@dataclass(frozen=True)
class AnswerProblem:
    item: str
    message: str


@dataclass(frozen=True)
class DefinitionProblem:
    field: str
    message: str



def definition_problems(data: Mapping[str, Any]) -> list[DefinitionProblem]:
    """Every problem of an instrument definition, in Russian, each naming its field."""
    if not isinstance(data, Mapping):
        return [DefinitionProblem("", "Описание анкеты должно быть объектом JSON")]
    problems = _header_problems(data)
    items: dict[str, Mapping[str, Any]] = {}
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        problems.append(_problem("sections", "в анкете должен быть хотя бы один раздел"))
        sections = []
    section_codes: set[str] = set()
    for s, section in enumerate(sections):
        problems.extend(_section_problems(section, f"sections[{s}]", section_codes, items))
    rules = data.get("scales", [])
    if not isinstance(rules, list):
        problems.append(_problem("scales", "шкалы — список правил подсчёта"))
        rules = []
    scale_codes: set[str] = set()
    for r, rule in enumerate(rules):
        problems.extend(_rule_problems(rule, f"scales[{r}]", scale_codes, items))
    return problems


def _problem(where: str, message: str) -> DefinitionProblem:
    return DefinitionProblem(where, f"{where}: {message}")


def _header_problems(data: Mapping[str, Any]) -> list[DefinitionProblem]:
    """The instrument's own fields: code, version, title, who answers, staged."""
    problems = []
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code) or len(code) < 3:
        problems.append(_problem("code", "код анкеты — от 3 до 64 латинских строчных букв, цифр и «_», начинается с буквы"))
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(_problem("version", "версия — целое число не меньше 1"))
    if not _text(data.get("title")):
        problems.append(_problem("title", "нужно название анкеты"))
    roles = data.get("respondent_roles")
    if not isinstance(roles, list) or not roles or any(r not in ROLES for r in roles):
        problems.append(_problem("respondent_roles", f"укажите, кто отвечает: список из {', '.join(ROLES)}"))
    if "staged" in data and not isinstance(data["staged"], bool):
        problems.append(_problem("staged", "ожидается true или false"))
    return problems


def _code_problem(code: object, where: str, noun: str, taken: Collection[str], duplicate: str) -> DefinitionProblem | None:
    """A section's, item's or scale's code: well-formed and not taken yet in the instrument."""
    if not isinstance(code, str) or not CODE.match(code):
        return _problem(f"{where}.code", f"код {noun} — латинские строчные буквы, цифры и «_»")
    if code in taken:
        return _problem(f"{where}.code", duplicate.format(code))
    return None


def _section_problems(section: object, where: str, section_codes: set[str], items: dict[str, Mapping[str, Any]]) -> list[DefinitionProblem]:
    """One section and its items (each item's code added to `items`)."""
    if not isinstance(section, Mapping):
        return [_problem(where, "раздел должен быть объектом")]
    problems = []
    scode = section.get("code")
    problem = _code_problem(scode, where, "раздела", section_codes, "раздел «{}» уже есть в анкете")
    if problem:
        problems.append(problem)
    else:
        section_codes.add(str(scode))  # a str: _code_problem checked it
    if not _text(section.get("title")):
        problems.append(_problem(f"{where}.title", "нужно название раздела"))
    section_items = section.get("items")
    if not isinstance(section_items, list) or not section_items:
        problems.append(_problem(f"{where}.items", "в разделе должен быть хотя бы один вопрос"))
        return problems
    for i, item in enumerate(section_items):
        iwhere = f"{where}.items[{i}]"
        if not isinstance(item, Mapping):
            problems.append(_problem(iwhere, "вопрос должен быть объектом"))
            continue
        icode = item.get("code")
        problem = _code_problem(icode, iwhere, "вопроса", items, "вопрос «{}» уже есть в анкете")
        if problem:
            problems.append(problem)
        else:
            items[str(icode)] = item
        problems.extend(_item_problems(item, iwhere))
    return problems


def _rule_problems(rule: object, where: str, scale_codes: set[str], items: Mapping[str, Mapping[str, Any]]) -> list[DefinitionProblem]:
    """One scale rule: its code, method and sources (items of the instrument)."""
    if not isinstance(rule, Mapping):
        return [_problem(where, "правило шкалы должно быть объектом")]
    problems = []
    rcode = rule.get("code")
    problem = _code_problem(rcode, where, "шкалы", scale_codes, "шкала «{}» уже есть")
    if problem:
        problems.append(problem)
    else:
        scale_codes.add(str(rcode))  # a str: _code_problem checked it
    if rule.get("method", "mean") not in METHODS:
        problems.append(_problem(f"{where}.method", "способ подсчёта — mean (среднее) или sum (сумма)"))
    sources = rule.get("items")
    if not isinstance(sources, list) or not sources:
        problems.append(_problem(f"{where}.items", "у шкалы должен быть хотя бы один источник (вопрос)"))
        return problems
    for k, source in enumerate(sources):
        message = _source_problem(source, items)
        if message:
            problems.append(_problem(f"{where}.items[{k}]", message))
    return problems


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _item_problems(item: Mapping[str, Any], where: str) -> list[DefinitionProblem]:
    out: list[DefinitionProblem] = []

    def bad(at: str, message: str) -> None:
        out.append(DefinitionProblem(at, f"{at}: {message}"))

    if not _text(item.get("text")):
        bad(f"{where}.text", "нужна формулировка вопроса")
    kind = item.get("kind", "scale")
    if kind not in KINDS:
        bad(f"{where}.kind", f"неизвестный вид вопроса «{kind}»; допустимы: {', '.join(KINDS)}")
        return out
    if "required" in item and not isinstance(item["required"], bool):
        bad(f"{where}.required", "ожидается true или false")
    low, high = item.get("min"), item.get("max")
    if kind in ("scale", "matrix"):
        low, high = item.get("min", 1), item.get("max", 10)
        if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool) or isinstance(high, bool):
            bad(f"{where}.min", "границы шкалы — целые числа")
        elif not low < high or high - low > 100:
            bad(f"{where}.max", "верхняя граница шкалы должна быть больше нижней (не более 100 делений)")
    if kind == "number":
        for name, value in (("min", low), ("max", high)):
            if value is not None and not _number(value):
                bad(f"{where}.{name}", "граница — число")
        if low is not None and high is not None and _number(low) and _number(high) and low > high:
            bad(f"{where}.max", "верхняя граница меньше нижней")
    if kind in ("single", "multiple"):
        options = item.get("options")
        if not isinstance(options, list) or len(options) < 2:
            bad(f"{where}.options", "у вопроса с выбором нужно не меньше двух вариантов")
        else:
            out.extend(_choices_problems(options, f"{where}.options", "вариант"))
    elif item.get("options"):
        bad(f"{where}.options", f"варианты ответа бывают только у вопросов с выбором, а здесь «{kind}»")
    if kind == "matrix":
        rows = item.get("rows")
        if not isinstance(rows, list) or not rows:
            bad(f"{where}.rows", "у матрицы должна быть хотя бы одна строка")
        else:
            out.extend(_choices_problems(rows, f"{where}.rows", "строка"))
    return out


def _choices_problems(choices: list, where: str, noun: str) -> list[DefinitionProblem]:
    out: list[DefinitionProblem] = []
    seen: set[str] = set()
    for n, choice in enumerate(choices):
        at = f"{where}[{n}]"
        if not isinstance(choice, Mapping):
            out.append(DefinitionProblem(at, f"{at}: {noun} должен быть объектом с code и text"))
            continue
        code = choice.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            out.append(DefinitionProblem(f"{at}.code", f"{at}.code: код — латинские строчные буквы, цифры и «_»"))
        elif code in seen:
            out.append(DefinitionProblem(f"{at}.code", f"{at}.code: код «{code}» повторяется"))
        else:
            seen.add(code)
        if not _text(choice.get("text")):
            out.append(DefinitionProblem(f"{at}.text", f"{at}.text: нужен текст"))
        if choice.get("value") is not None and not _number(choice.get("value")):
            out.append(DefinitionProblem(f"{at}.value", f"{at}.value: балл — число"))
    return out


def _source_problem(source: object, items: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not isinstance(source, str) or not source:
        return "источник — строка «вопрос», «вопрос.строка» или «вопрос=вариант»"
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
        if all(isinstance(o, Mapping) and _number(o.get("value")) for o in options):
            return None
        return f"у вариантов вопроса «{source}» нет баллов (value): укажите «{source}=вариант» или баллы"
    if kind == "matrix":
        return f"у матрицы «{source}» укажите строку: «{source}.строка»"
    return f"вопрос «{source}» ({KINDS[kind]}) не даёт числа для шкалы"


class InvalidDefinition(ValueError):
    def __init__(self, problems: list[DefinitionProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def parse_instrument(data: Mapping[str, Any]) -> Instrument:
    """A validated definition as an Instrument; InvalidDefinition lists every problem."""
    problems = definition_problems(data)
    if problems:
        raise InvalidDefinition(problems)

    def choices(values: Iterable[Mapping[str, Any]]) -> tuple[Option, ...]:
        return tuple(Option(c["code"], c["text"].strip(), c.get("value")) for c in values)

    sections = tuple(
        Section(
            code=s["code"],
            title=s["title"].strip(),
            description=s.get("description", ""),
            items=tuple(
                Item(
                    code=i["code"],
                    text=i["text"].strip(),
                    kind=i.get("kind", "scale"),
                    minimum=i.get("min", 1) if i.get("kind", "scale") in ("scale", "matrix") else i.get("min"),
                    maximum=i.get("max", 10) if i.get("kind", "scale") in ("scale", "matrix") else i.get("max"),
                    required=i.get("required", True),
                    options=choices(i.get("options", [])),
                    rows=choices(i.get("rows", [])),
                    hint=i.get("hint", ""),
                )
                for i in s["items"]
            ),
        )
        for s in data["sections"]
    )
    return Instrument(
        code=data["code"],
        version=data.get("version", 1),
        title=data["title"].strip(),
        description=data.get("description", ""),
        respondent_roles=tuple(data["respondent_roles"]),
        sections=sections,
        scale_rules=tuple(
            ScaleRule(r["code"], r.get("title", r["code"]), tuple(r["items"]), r.get("method", "mean"))
            for r in data.get("scales", [])
        ),
        staged=data.get("staged", False),
        definition=dict(data),
    )
