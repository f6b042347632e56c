"""Pure rules of the region's bank of practices and of the regional roadmap (seed 002, 003, 004):
the review workflow (who may move a practice from which status to which), the academic year,
the search text, and when a roadmap item is overdue. No I/O, no framework."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared import vocabulary

FORMS = vocabulary.FORMS
DEFICIT_AREAS = vocabulary.DEFICIT_AREAS
SCHOOL_LEVELS = vocabulary.SCHOOL_LEVELS
PRACTICE_STATUSES = vocabulary.PRACTICE_STATUSES
ROADMAP_STATUSES = vocabulary.ROADMAP_STATUSES

REGION_ADMIN = "region_admin"
CURATOR = "school_curator"

EDITABLE = frozenset({"draft", "returned"})
"""A practice the school may still change (text, authors, files)."""


@dataclass(frozen=True)
class Transition:
    action: str
    role: str
    sources: frozenset[str]
    target: str
    comment_required: bool
    label: str  # the button, in Russian


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("submit", CURATOR, frozenset({"draft", "returned"}), "submitted", False, "Отправить на экспертизу"),
    Transition("take", REGION_ADMIN, frozenset({"submitted"}), "under_review", False, "Взять на экспертизу"),
    Transition("publish", REGION_ADMIN, frozenset({"under_review"}), "published", False, "Опубликовать"),
    Transition("return", REGION_ADMIN, frozenset({"submitted", "under_review"}), "returned", True, "Вернуть на доработку"),
    Transition("withdraw", REGION_ADMIN, frozenset({"published"}), "withdrawn", True, "Снять с публикации"),
)}
"""The review workflow: submitted → under review → published, or returned with a comment (and
submitted again); a published practice may be withdrawn with a comment."""


class TransitionRefused(Exception):
    """Why a status change is not allowed (a Russian message); `kind` decides the HTTP status."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # unknown | forbidden | conflict | comment
        self.message = message


def transition(action: str, role: str, status: str, comment: str | None) -> Transition:
    """The transition `action` from `status` by `role`, or TransitionRefused saying why not."""
    found = TRANSITIONS.get(action)
    if found is None:
        raise TransitionRefused("unknown", f"Неизвестное действие «{action}».")
    if role != found.role:
        who = "администратор региона" if found.role == REGION_ADMIN else "куратор школы"
        raise TransitionRefused("forbidden", f"Действие «{found.label}» выполняет {who}.")
    if status not in found.sources:
        allowed = ", ".join(f"«{PRACTICE_STATUSES[s]}»" for s in sorted(found.sources))
        raise TransitionRefused(
            "conflict", f"Нельзя выполнить «{found.label}»: практика в статусе «{PRACTICE_STATUSES[status]}», "
                        f"а нужно {allowed}.")
    if found.comment_required and not (comment or "").strip():
        raise TransitionRefused("comment", "Напишите комментарий: школа увидит, что нужно исправить или почему практика снята.")
    return found


def actions_for(role: str, status: str) -> list[Transition]:
    """The status changes `role` may make now (the buttons of the practice's page)."""
    return [t for t in TRANSITIONS.values() if t.role == role and status in t.sources]


def academic_year(day: date) -> str:
    """The academic year a day belongs to: from 1 September to 31 August («2026/2027»)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{start + 1}"


def codes_field(codes: list[str]) -> str:
    """A list of codes as one column («,a,b,»): searched by `,code,` on every database."""
    return "," + ",".join(dict.fromkeys(codes)) + "," if codes else ""


def codes_of(field: str) -> list[str]:
    return [code for code in field.split(",") if code]


def search_text(*parts: str) -> str:
    """What the text search looks in: case-folded here, as SQLite's lower() knows no Cyrillic."""
    return " ".join(part for part in parts if part).casefold()


def unknown_codes(codes: list[str], known: dict[str, str]) -> list[str]:
    return [code for code in codes if code not in known]


# -- the regional roadmap ------------------------------------------------------------------

def done_on_for(status: str, done_on: date | None, today: date) -> date | None:
    """An item done has the day it was done (today when not given); any other has none."""
    if status != "done":
        return None
    return done_on or today


def overdue(status: str, due_on: date, today: date) -> bool:
    """Past its deadline and neither done nor cancelled: highlighted for the yearly report."""
    return status not in ("done", "cancelled") and due_on < today


def roadmap_sort_key(section: str, number: str) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """Items in the roadmap's order: by section, then by number read as numbers («2.10» after «2.9»)."""
    parts = [p for p in number.replace("-", ".").split(".") if p]
    return section, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)
