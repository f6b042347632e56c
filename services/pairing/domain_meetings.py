"""Pure rules of a pair's meetings (журнал встреч): what a meeting may be, the log's summary, and
whether a text could name a person who withdrew."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared import vocabulary

MEETING_FORMATS = vocabulary.MEETING_FORMATS
MINUTES = (1, 1440)  # a meeting lasts a minute at least, a day at most
TOPIC_MAX = 300
NOTE_MAX = 2000
REFLECTION_MAX = 1000  # «что получилось, что было полезно, что дальше» — a short text
USEFULNESS = (1, 5)
MEASURES_MAX = 20
ERASED = "Данные удалены"


def meeting_problem(held_on: date, minutes: int, *, formed_on: date, today: date) -> tuple[str, str] | None:
    """(field, Russian message) of the first thing wrong with a meeting of a pair formed on
    `formed_on`, or None: not in the future, not before the pair was formed, 1..1440 minutes."""
    if held_on > today:
        return "held_on", "Дата встречи не может быть в будущем"
    if held_on < formed_on:
        return "held_on", f"Встреча не может быть раньше, чем сформирована пара ({formed_on:%d.%m.%Y})"
    low, high = MINUTES
    if not low <= minutes <= high:
        return "minutes", f"Длительность встречи — от {low} до {high} минут"
    return None


@dataclass(frozen=True)
class Summary:
    this_month: int
    total: int
    minutes: int

    @property
    def hours(self) -> str:
        return hours(self.minutes)


def hours(minutes: int) -> str:
    """Minutes as hours a person reads in Russian: «1,5», «12»."""
    value = round(minutes / 60, 1)
    return f"{value:g}".replace(".", ",")


def summary(meetings: Iterable[tuple[date, int]], today: date) -> Summary:
    """Meetings this calendar month, in all, and their minutes, from (held_on, minutes)."""
    this_month = total = minutes = 0
    for held_on, length in meetings:
        total += 1
        minutes += length
        if (held_on.year, held_on.month) == (today.year, today.month):
            this_month += 1
    return Summary(this_month, total, minutes)


def reflection_status(written: int, mentees: int) -> str:
    """How far the mentees' reflections on a meeting are, for the log's column."""
    if mentees <= 1:
        return "отзыв есть" if written else "ждёт отзыва"
    return f"отзывов {written} из {mentees}"


def names_person(text: str | None, display_name: str | None) -> bool:
    """Whether free text (a topic, a note) could name the person: any word of their name of three
    letters or more, in any of its Russian endings (the stem and up to four letters more), as a
    whole word, any case. Errs on the side of erasing."""
    if not text or not display_name:
        return False
    for word in re.findall(r"\w+", display_name):
        if len(word) < 3:
            continue
        stem = re.escape(word[: max(3, len(word) - 2)])
        if re.search(rf"(?<!\w){stem}\w{{0,4}}(?!\w)", text, flags=re.IGNORECASE):
            return True
    return False
