"""The instrument model of surveys (pure, no I/O): the closed lists (kinds of item, roles,
stages), the Instrument with its sections, items and scale rules, and its definition — a plain
dict, the same shape for the built-in library (services/surveys/instruments/) and for the
instruments saved by the region or a school — validated by `definition_problems` (the pydantic
models of domain_definitions.py: every problem in Russian, each naming its field) and turned
into an Instrument by `parse_instrument`.
Answers and their scores are domain.py's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from shared import vocabulary

from services.surveys import domain_definitions as definitions

KINDS = definitions.KINDS
ROLES = definitions.ROLES
METHODS = definitions.METHODS
CODE = definitions.CODE
_number = definitions.is_number
STAGES: dict[str, str] = {"start": "входная диагностика", "end": "итоговая диагностика"}
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
    loc: tuple[str | int, ...] = ()
    """The field as a path (`("sections", 0, "items", 2, "code")`): the API's 422 location."""



def definition_problems(data: Mapping[str, Any]) -> list[DefinitionProblem]:
    """Every problem of an instrument definition (domain_definitions.Definition), in Russian,
    each naming its field: `sections[0].items[2].code: …`."""
    return [DefinitionProblem(_field(loc), f"{_field(loc)}: {message}" if loc else message, loc)
            for loc, message in definitions.problems(data)]


def _field(loc: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


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
