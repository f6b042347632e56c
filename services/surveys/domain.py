"""Instruments, validation of definitions and answers, scoring: pure, no I/O.

An instrument is data: a definition (a plain dict, the same shape for the built-in library
in services/surveys/instruments/ and for instruments saved by the region or a school) is
validated by `definition_problems` and turned into an `Instrument` by `parse_instrument`.

Answers, one per item code:
- scale  → an integer in [min, max]          - number   → a number (within min/max if given)
- single → an option code                    - multiple → a list of option codes
- matrix → {row code: integer in [min, max]} - text     → a string

Scoring rules: a scale is the mean (or the sum) of its sources, each source one of
- `item`         the item's value (scale, number; single choice whose options carry values)
- `item.row`     one row of a matrix item
- `item=option`  1 if the option was chosen, else 0 (single or multiple choice)
Unanswered sources are left out; a scale with no answered source has no score."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from statistics import fmean
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


# -- definitions ------------------------------------------------------------------------------


def definition_problems(data: Mapping[str, Any]) -> list[DefinitionProblem]:
    """Every problem of an instrument definition, in Russian, each naming its field."""
    problems: list[DefinitionProblem] = []

    def bad(where: str, message: str) -> None:
        problems.append(DefinitionProblem(where, f"{where}: {message}"))

    if not isinstance(data, Mapping):
        return [DefinitionProblem("", "Описание анкеты должно быть объектом JSON")]
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code) or len(code) < 3:
        bad("code", "код анкеты — от 3 до 64 латинских строчных букв, цифр и «_», начинается с буквы")
    version = data.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        bad("version", "версия — целое число не меньше 1")
    if not _text(data.get("title")):
        bad("title", "нужно название анкеты")
    roles = data.get("respondent_roles")
    if not isinstance(roles, list) or not roles or any(r not in ROLES for r in roles):
        bad("respondent_roles", f"укажите, кто отвечает: список из {', '.join(ROLES)}")
    if "staged" in data and not isinstance(data["staged"], bool):
        bad("staged", "ожидается true или false")

    items: dict[str, Mapping[str, Any]] = {}
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        bad("sections", "в анкете должен быть хотя бы один раздел")
        sections = []
    section_codes: set[str] = set()
    for s, section in enumerate(sections):
        where = f"sections[{s}]"
        if not isinstance(section, Mapping):
            bad(where, "раздел должен быть объектом")
            continue
        scode = section.get("code")
        if not isinstance(scode, str) or not CODE.match(scode):
            bad(f"{where}.code", "код раздела — латинские строчные буквы, цифры и «_»")
        elif scode in section_codes:
            bad(f"{where}.code", f"раздел «{scode}» уже есть в анкете")
        else:
            section_codes.add(scode)
        if not _text(section.get("title")):
            bad(f"{where}.title", "нужно название раздела")
        section_items = section.get("items")
        if not isinstance(section_items, list) or not section_items:
            bad(f"{where}.items", "в разделе должен быть хотя бы один вопрос")
            continue
        for i, item in enumerate(section_items):
            iwhere = f"{where}.items[{i}]"
            if not isinstance(item, Mapping):
                bad(iwhere, "вопрос должен быть объектом")
                continue
            icode = item.get("code")
            if not isinstance(icode, str) or not CODE.match(icode):
                bad(f"{iwhere}.code", "код вопроса — латинские строчные буквы, цифры и «_»")
            elif icode in items:
                bad(f"{iwhere}.code", f"вопрос «{icode}» уже есть в анкете")
            else:
                items[icode] = item
            problems.extend(_item_problems(item, iwhere))

    rules = data.get("scales", [])
    if not isinstance(rules, list):
        bad("scales", "шкалы — список правил подсчёта")
        rules = []
    scale_codes: set[str] = set()
    for r, rule in enumerate(rules):
        where = f"scales[{r}]"
        if not isinstance(rule, Mapping):
            bad(where, "правило шкалы должно быть объектом")
            continue
        rcode = rule.get("code")
        if not isinstance(rcode, str) or not CODE.match(rcode):
            bad(f"{where}.code", "код шкалы — латинские строчные буквы, цифры и «_»")
        elif rcode in scale_codes:
            bad(f"{where}.code", f"шкала «{rcode}» уже есть")
        else:
            scale_codes.add(rcode)
        if rule.get("method", "mean") not in METHODS:
            bad(f"{where}.method", "способ подсчёта — mean (среднее) или sum (сумма)")
        sources = rule.get("items")
        if not isinstance(sources, list) or not sources:
            bad(f"{where}.items", "у шкалы должен быть хотя бы один источник (вопрос)")
            continue
        for k, source in enumerate(sources):
            message = _source_problem(source, items)
            if message:
                bad(f"{where}.items[{k}]", message)
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
        if _number(low) and _number(high) and low > high:
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


# -- answers ------------------------------------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_int(value: object) -> bool:
    return _number(value) and int(value) == value


def answer_problems(instrument: Instrument, answers: Mapping[str, object]) -> list[AnswerProblem]:
    """Every problem of a set of answers, one per item, in Russian."""
    problems = [
        AnswerProblem(code, f"Неизвестный вопрос «{code}» в анкете {instrument.code} v{instrument.version}")
        for code in answers
        if instrument.item(code) is None
    ]
    for item in instrument.items:
        value = answers.get(item.code)
        if _empty(value):
            if item.required:
                problems.append(AnswerProblem(item.code, "Обязательный вопрос без ответа"))
            continue
        message = _value_problem(item, value)
        if message:
            problems.append(AnswerProblem(item.code, message))
    return problems


def _value_problem(item: Item, value: object) -> str | None:
    if item.kind == "scale":
        if not _is_int(value):
            return f"Ожидается целое число от {item.minimum:g} до {item.maximum:g}"
        if not item.minimum <= value <= item.maximum:
            return f"Значение {value} вне шкалы {item.minimum:g}–{item.maximum:g}"
    elif item.kind == "number":
        if not _number(value):
            return "Ожидается число"
        if (item.minimum is not None and value < item.minimum) or (item.maximum is not None and value > item.maximum):
            low = "−∞" if item.minimum is None else f"{item.minimum:g}"
            high = "∞" if item.maximum is None else f"{item.maximum:g}"
            return f"Значение {value} вне допустимого диапазона {low}–{high}"
    elif item.kind == "text":
        if not isinstance(value, str):
            return "Ожидается текст"
        if len(value) > MAX_TEXT:
            return f"Ответ длиннее {MAX_TEXT} символов"
    elif item.kind == "single":
        if not isinstance(value, str) or item.option(value) is None:
            return f"Выберите один из вариантов: {', '.join(o.code for o in item.options)}"
    elif item.kind == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "Ожидается список выбранных вариантов"
        unknown = [v for v in value if item.option(v) is None]
        if unknown:
            return f"Нет таких вариантов: {', '.join(unknown)}"
        if len(set(value)) != len(value):
            return "Вариант выбран дважды"
    elif item.kind == "matrix":
        if not isinstance(value, Mapping):
            return "Ожидается оценка для каждой строки"
        rows = {r.code: r for r in item.rows}
        unknown = [k for k in value if k not in rows]
        if unknown:
            return f"Нет таких строк: {', '.join(map(str, unknown))}"
        wrong = [k for k, v in value.items() if not _is_int(v) or not item.minimum <= v <= item.maximum]
        if wrong:
            return f"Оценки строк {', '.join(wrong)}: целое число от {item.minimum:g} до {item.maximum:g}"
        missing = [r.text for r in item.rows if _empty(value.get(r.code))]
        if item.required and missing:
            return f"Не оценены строки: {'; '.join(missing)}"
    return None


def _source_value(instrument: Instrument, source: str, answers: Mapping[str, object]) -> float | None:
    if "=" in source:
        code, option = source.split("=", 1)
        value = answers.get(code)
        item = instrument.item(code)
        if _empty(value):
            # nothing ticked in a multiple choice is an answer ("none of these"), not a gap
            return 0.0 if item is not None and item.kind == "multiple" else None
        chosen = value if isinstance(value, list) else [value]
        return 1.0 if option in chosen else 0.0
    if "." in source:
        code, row = source.split(".", 1)
        value = answers.get(code)
        cell = value.get(row) if isinstance(value, Mapping) else None
        return float(cell) if _number(cell) else None
    value = answers.get(source)
    item = instrument.item(source)
    if item is not None and item.kind == "single" and isinstance(value, str):
        option = item.option(value)
        return float(option.value) if option is not None and option.value is not None else None
    return float(value) if _number(value) else None


def score(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, float]:
    """Scale code → mean (or sum) of its answered sources, rounded to 2 decimals."""
    scores = {}
    for rule in instrument.scale_rules:
        values = [v for v in (_source_value(instrument, s, answers) for s in rule.sources) if v is not None]
        if values:
            scores[rule.code] = round(fmean(values) if rule.method == "mean" else sum(values), 2)
    return scores


def item_figures(instrument: Instrument, answers: Mapping[str, object]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """What a custom instrument's response tells reports, item by item: the numbers (scale, number;
    a matrix row as `item.row`) and the options chosen (single, multiple). Free text never."""
    numbers: dict[str, float] = {}
    chosen: dict[str, list[str]] = {}
    for item in instrument.items:
        value = answers.get(item.code)
        if _empty(value):
            continue
        if item.kind in ("scale", "number") and _number(value):
            numbers[item.code] = float(value)
        elif item.kind == "matrix" and isinstance(value, Mapping):
            numbers.update({f"{item.code}.{row}": float(cell) for row, cell in value.items() if _number(cell)})
        elif item.kind == "single" and isinstance(value, str):
            chosen[item.code] = [value]
        elif item.kind == "multiple" and isinstance(value, list):
            chosen[item.code] = [v for v in value if isinstance(v, str)]
    return numbers, chosen


def item_labels(instrument: Instrument) -> list[dict[str, Any]]:
    """The numeric and choice items of an instrument with their texts (matrix rows one by one)."""
    out: list[dict[str, Any]] = []
    for item in instrument.items:
        if item.kind in ("scale", "number", "single", "multiple"):
            out.append({"code": item.code, "text": item.text, "kind": item.kind, "options": {o.code: o.text for o in item.options}})
        elif item.kind == "matrix":
            out += [{"code": f"{item.code}.{row.code}", "text": f"{item.text} — {row.text}", "kind": "scale", "options": {}}
                    for row in item.rows]
    return out


def answers_from_form(instrument: Instrument, fields: Iterable[tuple[str, str]]) -> tuple[dict[str, object], list[AnswerProblem]]:
    """A web form's fields (name, value) as answers: `item` for most kinds, `item` repeated for
    multiple choice, `item.row` for a matrix. Unparseable values become problems."""
    raw: dict[str, list[str]] = {}
    for name, value in fields:
        raw.setdefault(name, []).append(value.strip() if isinstance(value, str) else value)
    answers: dict[str, object] = {}
    problems: list[AnswerProblem] = []
    for item in instrument.items:
        values = [v for v in raw.get(item.code, []) if v != ""]
        if item.kind == "multiple":
            if values:
                answers[item.code] = values
        elif item.kind == "matrix":
            cells: dict[str, object] = {}
            for row in item.rows:
                cell = next((v for v in raw.get(f"{item.code}.{row.code}", []) if v != ""), None)
                if cell is not None:
                    cells[row.code] = int(cell) if re.fullmatch(r"-?\d+", cell) else cell
            if cells:
                answers[item.code] = cells
        elif values:
            value = values[0]
            if item.kind == "scale":
                if re.fullmatch(r"-?\d+", value):
                    answers[item.code] = int(value)
                else:
                    problems.append(AnswerProblem(item.code, f"Ожидается целое число от {item.minimum:g} до {item.maximum:g}"))
                    answers[item.code] = value
            elif item.kind == "number":
                try:
                    number = float(value.replace(",", ".").replace(" ", ""))
                    answers[item.code] = int(number) if number.is_integer() else number
                except ValueError:
                    problems.append(AnswerProblem(item.code, "Ожидается число"))
                    answers[item.code] = value
            else:
                answers[item.code] = value
    return answers, problems


def form_problems(instrument: Instrument, fields: Iterable[tuple[str, str]]) -> tuple[dict[str, object], list[AnswerProblem]]:
    """Answers of a web form and all their problems (parse problems win over validation ones)."""
    answers, parse = answers_from_form(instrument, fields)
    parsed_items = {p.item for p in parse}
    return answers, parse + [p for p in answer_problems(instrument, answers) if p.item not in parsed_items]


# -- campaigns and growth -----------------------------------------------------------------------


def response_rate(invited: int, responded: int) -> float | None:
    """Share of invited respondents who answered, in % (1 decimal); undefined with nobody invited."""
    return round(100 * responded / invited, 1) if invited else None


def growth(start: Mapping[str, float], end: Mapping[str, float]) -> dict[str, float]:
    """Per scale present in both: end − start (positive = grew)."""
    return {scale: round(end[scale] - start[scale], 2) for scale in start if scale in end}


def stage_problem(instrument: Instrument, stage: str | None) -> str | None:
    if instrument.staged and stage not in STAGES:
        return "Укажите этап измерения: start (входная) или end (итоговая)"
    if not instrument.staged and stage is not None:
        return f"Анкета {instrument.code} не измеряется по этапам: этап не указывается"
    return None


PROGRAMME_ROLES = ("mentee", "mentor")


def programme_role_required(instrument: Instrument) -> str | None:
    """The role a respondent must hold in a mentoring programme (enrolled or paired in it): an
    instrument answered by mentees only or by mentors only (satisfaction) asks about their
    mentoring in that role, so nobody else answers it or is counted in it."""
    roles = instrument.respondent_roles
    return roles[0] if len(roles) == 1 and roles[0] in PROGRAMME_ROLES else None


def programme_role_problem(instrument: Instrument, roles_held: Collection[str]) -> str | None:
    """Why this respondent may not answer the instrument, in Russian; None if they may."""
    required = programme_role_required(instrument)
    if required is None or required in roles_held:
        return None
    who = f"Анкету «{instrument.title}» заполняет {ROLES[required]} программы наставничества"
    if not any(role in PROGRAMME_ROLES for role in roles_held):
        return f"{who}, а респондент не зачислен ни в одну программу наставничества"
    return f"{who}, а респондент зачислен в программу не как {ROLES[required]}"


def _load_built_in() -> dict[tuple[str, int], Instrument]:
    from services.surveys.instruments import DEFINITIONS  # pure data modules

    library = {}
    for definition in DEFINITIONS:
        instrument = parse_instrument(definition)
        library[(instrument.code, instrument.version)] = instrument
    return library


BUILT_IN: dict[tuple[str, int], Instrument] = _load_built_in()
"""The built-in library, (code, version) → instrument, validated at import."""


def _variant_forms() -> dict[str, str]:
    from services.surveys.instruments import swot  # pure data

    return {f"swot_{form}": form for form in swot.FORMS}


VARIANT_FORMS: dict[str, str] = _variant_forms()
"""Built-in instruments made one variant per form of mentoring (SWOT): code → form."""


def response_form(instrument_code: str, campaign_form: str | None) -> str | None:
    """The form of mentoring a response is about: its campaign's, else its instrument variant's."""
    return campaign_form or VARIANT_FORMS.get(instrument_code)


# -- the campaign schedule (services/surveys/schedule.py runs it) ---------------------------------


@dataclass(frozen=True)
class CampaignDates:
    id: str
    status: str  # open | closed
    opens_on: date
    closes_on: date


@dataclass(frozen=True)
class InvitationState:
    id: str
    status: str  # pending | draft | completed
    has_link: bool  # False once the respondent withdrew


def campaigns_to_close(campaigns: Iterable[CampaignDates], today: date) -> list[str]:
    """Open campaigns whose last day has passed: the schedule closes them."""
    return [c.id for c in campaigns if c.status == "open" and today > c.closes_on]


def reminder_day(campaign: CampaignDates, today: date, days_before: Iterable[int]) -> date | None:
    """The reminder day a campaign is due on `today`: the latest `closes_on − d` not after today
    and not before it opened (a day the schedule missed is caught up until the next one); None
    when the campaign is closed, not open yet or has no reminder day so far."""
    if campaign.status != "open" or not campaign.opens_on <= today <= campaign.closes_on:
        return None
    days = [campaign.closes_on - timedelta(days=d) for d in days_before if d >= 0]
    due = [day for day in days if campaign.opens_on <= day <= today]
    return max(due, default=None)


def reminder_recipients(invitations: Iterable[InvitationState], reminded: Collection[str]) -> list[str]:
    """Invitations to remind on a reminder day: not answered, with a personal link, not reminded
    on that day yet."""
    return [i.id for i in invitations if i.status != "completed" and i.has_link and i.id not in reminded]
