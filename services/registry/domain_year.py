"""Pure rules of a programme's year (issue 15): who may take part in an activity, who may be
recorded as trained or recognised, the dates, and the attendance counts. No I/O, no framework."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from shared import vocabulary

ACTIVITY_KINDS = vocabulary.ACTIVITY_KINDS
TRAINING_KINDS = vocabulary.TRAINING_KINDS
RECOGNITION_KINDS = vocabulary.RECOGNITION_KINDS
RECOGNITION_LEVELS = vocabulary.RECOGNITION_LEVELS
RECOGNITION_RESULTS = vocabulary.RECOGNITION_RESULTS


@dataclass(frozen=True)
class Person:
    """What the rules need to know of a person of the school."""

    id: str
    school_id: str
    category: str
    active: bool
    consented: bool
    enrolled: bool = False  # in the activity's programme (any role), for an activity
    mentors: bool = False  # holds a mentor enrolment in a programme of the school


def activity_participant_problem(person: Person | None, school_id: str) -> str | None:
    """An activity's participant: a person of the programme's school, active, with consent, and
    either enrolled in the programme or one of the school's staff (a teacher)."""
    if person is None or person.school_id != school_id:
        return "Участник не найден среди людей школы программы"
    if not person.active:
        return "Участник выбыл или отозвал согласие"
    if not person.consented:
        return "Нет согласия на обработку персональных данных: участника нельзя внести в мероприятие"
    if not (person.enrolled or person.category == "teacher"):
        return "Участником мероприятия может быть зачисленный в программу или педагог школы"
    return None


def mentor_problem(person: Person | None, school_id: str) -> str | None:
    """Training and recognition are recorded for the school's mentors and teachers: a teacher, or
    anyone enrolled as a mentor (a student, an employer's representative, a pupil mentor)."""
    if person is None or person.school_id != school_id:
        return "Наставник не найден среди людей школы"
    if not person.active:
        return "Участник выбыл или отозвал согласие"
    if not person.consented:
        return "Нет согласия на обработку персональных данных"
    if not (person.category == "teacher" or person.mentors):
        return "Обучение и признание вносятся для педагогов и наставников школы"
    return None


def held_problem(held_on: date, today: date) -> str | None:
    """A held activity was held on a past day or today; earlier than planned is allowed (it was
    brought forward: both dates are kept)."""
    if held_on > today:
        return "Дата проведения не может быть в будущем: отметьте мероприятие после того, как оно прошло"
    return None


def past_problem(day: date, today: date, what: str) -> str | None:
    """A completed training or a recognition: not in the future."""
    if day > today:
        return f"{what} не может быть в будущем"
    return None


def unknown_ids(given: Iterable[str], known: Iterable[str]) -> list[str]:
    known_set = set(known)
    return sorted({i for i in given if i not in known_set})


def attendance(marks: Mapping[str, bool]) -> tuple[int, int]:
    """(invited, attended) of an activity's participants → marks."""
    return len(marks), sum(1 for came in marks.values() if came)


def attendance_label(invited: int, attended: int, held: bool) -> str:
    """«пришли N из M» on a held activity, «приглашены M» on a planned one."""
    if held:
        return f"пришли {attended} из {invited}"
    return f"приглашены {invited}" if invited else "участники не выбраны"


def untrained(mentor_ids: Iterable[str], trained_ids: Iterable[str]) -> list[str]:
    """The mentors with no training record this year, in the given order."""
    trained = set(trained_ids)
    return [m for m in mentor_ids if m not in trained]
