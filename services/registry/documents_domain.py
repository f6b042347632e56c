"""Pure rules of a programme's documents and the curator's appointment (no I/O, no framework):
what a document's details must be, and the summary a regional monitoring checks first — whether
the school has its order, its regulation, its roadmap and an appointed curator (seed 000
«Приказ, Положение», «Дорожная карта»; seed 001 «куратор назначается приказом директора»)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared import vocabulary

DOCUMENT_KINDS = vocabulary.DOCUMENT_KINDS
REQUIRED_DOCUMENTS = vocabulary.REQUIRED_DOCUMENTS
NUMBERED_KINDS = ("order", "curator_order")
"""Orders carry a number (№ приказа); a regulation or a roadmap is approved by one and may have none."""
EARLIEST = date(2000, 1, 1)
NUMBER_MAX = 50
ACADEMIC_YEAR = re.compile(r"^\d{4}/\d{4}$")


def details_problem(kind: str, number: str | None, issued_on: date, today: date) -> tuple[str, str] | None:
    """(field, Russian message) of what is wrong with a document's details, or None."""
    if kind not in DOCUMENT_KINDS:
        return "kind", "Выберите вид документа из списка"
    if kind in NUMBERED_KINDS and not (number or "").strip():
        return "number", f"Укажите номер документа: {DOCUMENT_KINDS[kind]} издаётся с номером"
    if number is not None and len(number) > NUMBER_MAX:
        return "number", f"Номер документа — не длиннее {NUMBER_MAX} символов"
    if issued_on > today:
        return "issued_on", "Дата документа не может быть позже сегодняшнего дня"
    if issued_on < EARLIEST:
        return "issued_on", "Дата документа слишком ранняя: проверьте год"
    return None


def appointment_problem(order_kind: str, order_issued_on: date, appointed_on: date, today: date) -> tuple[str, str] | None:
    """(field, message) of what is wrong with a curator's appointment by this order, or None."""
    if order_kind != "curator_order":
        return "order_document_id", f"Куратор назначается приказом: выберите документ вида «{DOCUMENT_KINDS['curator_order']}»"
    if appointed_on < order_issued_on:
        return "appointed_on", "Дата назначения не может быть раньше даты приказа"
    if appointed_on > today:
        return "appointed_on", "Дата назначения не может быть позже сегодняшнего дня"
    return None


@dataclass(frozen=True)
class Summary:
    """What a programme has of what the monitoring checks: the three documents and the curator."""

    order: bool
    regulation: bool
    roadmap: bool
    curator: bool

    @property
    def complete(self) -> bool:
        return self.order and self.regulation and self.roadmap and self.curator

    def missing(self) -> list[str]:
        """The Russian names of what is missing, in the monitoring's order."""
        names = [DOCUMENT_KINDS[kind] for kind in REQUIRED_DOCUMENTS if not getattr(self, kind)]
        if not self.curator:
            names.append("куратор не назначен приказом")
        return names


def summary(kinds: Iterable[str], curator_appointed: bool) -> Summary:
    present = set(kinds)
    order, regulation, roadmap = (kind in present for kind in REQUIRED_DOCUMENTS)
    return Summary(order=order, regulation=regulation, roadmap=roadmap, curator=curator_appointed)
