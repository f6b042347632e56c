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
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Any

from services.surveys.domain_instruments import (
    CODE,
    KINDS,
    MAX_TEXT,
    METHODS,
    MIN_GROUP,
    ROLES,
    STAGES,
    YES_NO,
    AnswerProblem,
    DefinitionProblem,
    Instrument,
    InvalidDefinition,
    Item,
    Option,
    ScaleRule,
    Section,
    _number,
    definition_problems,
    parse_instrument,
)

__all__ = [  # the rules of surveys in one place: the instrument model (domain_instruments.py) and the answers
    "AnswerProblem",
    "BUILT_IN",
    "CODE",
    "CampaignDates",
    "DefinitionProblem",
    "Instrument",
    "InvalidDefinition",
    "InvitationState",
    "Item",
    "KINDS",
    "MAX_TEXT",
    "METHODS",
    "MIN_GROUP",
    "Option",
    "PROGRAMME_ROLES",
    "ROLES",
    "STAGES",
    "ScaleRule",
    "Section",
    "VARIANT_FORMS",
    "YES_NO",
    "answer_problems",
    "answers_from_form",
    "campaigns_to_close",
    "definition_problems",
    "form_problems",
    "growth",
    "item_figures",
    "item_labels",
    "parse_instrument",
    "programme_role_problem",
    "programme_role_required",
    "reminder_day",
    "reminder_recipients",
    "response_form",
    "response_rate",
    "score",
    "stage_problem",
]

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
    check = _VALUE_PROBLEMS.get(item.kind)
    return check(item, value) if check is not None else None


def _scale_problem(item: Item, value: Any) -> str | None:
    if not _is_int(value):
        return f"Ожидается целое число от {item.minimum:g} до {item.maximum:g}"
    if not item.minimum <= value <= item.maximum:
        return f"Значение {value} вне шкалы {item.minimum:g}–{item.maximum:g}"
    return None


def _number_problem(item: Item, value: Any) -> str | None:
    if not _number(value):
        return "Ожидается число"
    if (item.minimum is not None and value < item.minimum) or (item.maximum is not None and value > item.maximum):
        low = "−∞" if item.minimum is None else f"{item.minimum:g}"
        high = "∞" if item.maximum is None else f"{item.maximum:g}"
        return f"Значение {value} вне допустимого диапазона {low}–{high}"
    return None


def _text_problem(item: Item, value: Any) -> str | None:
    if not isinstance(value, str):
        return "Ожидается текст"
    if len(value) > MAX_TEXT:
        return f"Ответ длиннее {MAX_TEXT} символов"
    return None


def _single_problem(item: Item, value: Any) -> str | None:
    if not isinstance(value, str) or item.option(value) is None:
        return f"Выберите один из вариантов: {', '.join(o.code for o in item.options)}"
    return None


def _multiple_problem(item: Item, value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "Ожидается список выбранных вариантов"
    unknown = [v for v in value if item.option(v) is None]
    if unknown:
        return f"Нет таких вариантов: {', '.join(unknown)}"
    if len(set(value)) != len(value):
        return "Вариант выбран дважды"
    return None


def _matrix_problem(item: Item, value: Any) -> str | None:
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


_VALUE_PROBLEMS: dict[str, Callable[[Item, Any], str | None]] = {
    "scale": _scale_problem,
    "number": _number_problem,
    "text": _text_problem,
    "single": _single_problem,
    "multiple": _multiple_problem,
    "matrix": _matrix_problem,
}
"""What an answer must be, by the kind of item."""


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
