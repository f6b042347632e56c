"""The values of the spreadsheets schools send: each parser turns a raw cell into a typed value
(yes/no, numbers, dates, grades, the Russian words for categories, roles, consent, statuses,
forms and stages) or raises BadValue with the reason in Russian and English. Pure: nothing
here reads a file or touches the database (spreadsheet.py reads the files)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any


class BadValue(ValueError):
    def __init__(self, ru: str, en: str) -> None:
        super().__init__(en)
        self.ru = ru
        self.en = en




# -- values -----------------------------------------------------------------------------------

YES = {"да", "д", "yes", "y", "1", "true", "истина", "+", "x", "х", "v", "✓", "есть", "получено", "имеется"}
NO = {"нет", "н", "no", "n", "0", "false", "ложь", "-", "—", "отсутствует", "не получено"}
WITHDRAWN = {"отозвано", "отозван", "отозвала", "отозвал", "отзыв", "отозвано согласие"}


def text(value: Any) -> str:
    """The cell as clean text: whitespace (NBSP and line breaks included) collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _cached(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Cells repeat (grades, dates, yes/no): remember the parse of each distinct text."""
    remembered = functools.lru_cache(maxsize=4096)(parser)

    def parse(value: Any) -> Any:
        if isinstance(value, str):
            return remembered(value)
        return parser(value)

    parse.__name__ = parser.__name__
    return parse


@_cached
def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if not word:
        return None
    if word in YES:
        return True
    if word in NO:
        return False
    raise BadValue(f"ожидается «да» или «нет», а не «{text(value)}»", f"expected yes or no, got '{text(value)}'")


def integer(value: Any, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadValue("ожидается число", "expected a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = text(value).replace(",", ".")
        if not raw:
            return None
        try:
            number = float(raw)
        except ValueError:
            raise BadValue(f"ожидается число, а не «{raw}»", f"expected a number, got '{raw}'") from None
    if not number.is_integer():
        raise BadValue(f"ожидается целое число, а не {number:g}", f"expected a whole number, got {number:g}")
    result = int(number)
    if not low <= result <= high:
        raise BadValue(f"число {result} вне допустимого диапазона {low}–{high}", f"{result} is outside {low}..{high}")
    return result


@_cached
def a_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise BadValue(f"дата «{raw}» не в формате ДД.ММ.ГГГГ", f"date '{raw}' is not DD.MM.YYYY")


@_cached
def grade(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return integer(value, 1, 11)
    raw = text(value)
    match = re.fullmatch(r"(\d{1,2})\s*[-–]?\s*[«\"]?[А-Яа-яA-Za-z]?[»\"]?(\s*класс)?", raw)
    if not match:
        raise BadValue(f"класс «{raw}» не распознан: ожидается число 1–11, можно с буквой (10А)",
                       f"grade '{raw}' not understood: expected 1-11, optionally with a letter (10A)")
    return integer(match.group(1), 1, 11)


def listing(value: Any) -> list[str]:
    raw = value if isinstance(value, str) else text(value)
    return [part for part in (text(p).lower() for p in re.split(r"[;,\n]", raw)) if part]


def _key(value: Any) -> str:
    return re.sub(r"[\s\-–—_]+", "", text(value).lower().replace("ё", "е"))


CATEGORY_WORDS = {
    "teacher": ("педагог", "учитель", "преподаватель", "teacher", "педагогическийработник", "сотрудник"),
    "pupil": ("обучающийся", "ученик", "учащийся", "ученица", "обучающаяся", "pupil", "школьник"),
    "student": ("студент", "студентка", "student"),
    "employer": ("работодатель", "представительработодателя", "employer", "наставникотработодателя"),
}
KIND_WORDS = {
    "university": ("вуз", "университет", "институт", "академия", "university"),
    "college": ("колледж", "техникум", "училище", "педколледж", "college", "спо"),
    "employer": ("работодатель", "предприятие", "организация", "компания", "employer"),
}
ROLE_WORDS = {
    "mentor": ("наставник", "mentor"),
    "mentee": ("наставляемый", "наставляемая", "mentee"),
    "curator": ("куратор", "curator"),
}
CONSENT_BY_WORDS = {
    "self": ("сам", "сама", "лично", "участник", "self", "педагог", "студент", "работник"),
    "legal_representative": ("законныйпредставитель", "родитель", "мать", "отец", "опекун", "попечитель",
                             "представитель", "legalrepresentative", "родитель(законныйпредставитель)"),
}


def choice(value: Any, words: dict[str, tuple[str, ...]], what_ru: str, what_en: str) -> str | None:
    key = _key(value)
    if not key:
        return None
    for code, variants in words.items():
        if key == _key(code) or key in variants:
            return code
    allowed = ", ".join(variants[0] for variants in words.values())
    raise BadValue(f"{what_ru} «{text(value)}» не распознан(а); допустимо: {allowed}",
                   f"{what_en} '{text(value)}' not understood; allowed: {', '.join(words)}")


@_cached
def category(value: Any) -> str | None:
    return choice(value, CATEGORY_WORDS, "категория", "category")


@_cached
def partner_kind(value: Any) -> str | None:
    return choice(value, KIND_WORDS, "тип организации", "organisation kind")


@_cached
def role(value: Any) -> str | None:
    return choice(value, ROLE_WORDS, "роль", "role")


@_cached
def consent_by(value: Any) -> str | None:
    return choice(value, CONSENT_BY_WORDS, "кто дал согласие", "consent giver")


@_cached
def consent_state(value: Any) -> str | None:
    """'yes', 'no', 'withdrawn' or None (empty)."""
    word = text(value).lower().replace("ё", "е")
    if not word:
        return None
    if word in WITHDRAWN or word.startswith("отозван"):
        return "withdrawn"
    if word in YES or word.startswith("получен") or word.startswith("дано"):
        return "yes"
    if word in NO:
        return "no"
    raise BadValue(f"согласие «{text(value)}»: ожидается «да», «нет» или «отозвано»",
                   f"consent '{text(value)}': expected yes, no or withdrawn")


@_cached
def status(value: Any) -> str | None:
    """'active', 'left' or None."""
    word = text(value).lower().replace("ё", "е")
    if not word or word in NO:
        return "active" if word else None
    if word in YES or word.startswith(("выбыл", "уволен", "отчислен", "переведен")):
        return "left"
    if word.startswith(("актив", "работает", "обучается", "учится")):
        return "active"
    raise BadValue(f"статус «{text(value)}»: ожидается «активен» или «выбыл»", f"status '{text(value)}': expected active or left")


@_cached
def self_determination(value: Any) -> str | None:
    """A pupil's professional self-determination: the vocabulary's words («педагогическая профессия»)
    or its codes (pedagogical)."""
    from shared.vocabulary import SELF_DETERMINATION

    raw = re.sub(r"\s+", " ", text(value)).strip().lower().replace("ё", "е")
    if not raw:
        return None
    for code, label in SELF_DETERMINATION.items():
        if raw in (code, label.replace("ё", "е")):
            return code
    words = ", ".join(f"«{label}»" for label in SELF_DETERMINATION.values())
    raise BadValue(f"профессиональное самоопределение «{text(value)}»: ожидается одно из {words}",
                   f"self-determination '{text(value)}': expected one of {', '.join(SELF_DETERMINATION)}")


def age_band(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        age = integer(value, 14, 100)
        return "under_35" if age is not None and age < 35 else "35_plus"
    raw = text(value).lower().replace(" ", "")
    if raw.isdigit():
        return "under_35" if int(raw) < 35 else "35_plus"
    if raw in ("до35", "<35", "младше35", "моложе35", "до35лет", "under_35", "менее35"):
        return "under_35"
    if raw in ("35истарше", "35+", "старше35", "от35", ">=35", "35летистарше", "35_plus", "35иболее"):
        return "35_plus"
    raise BadValue(f"возрастная группа «{text(value)}»: ожидается «до 35» или «35 и старше»",
                   f"age band '{text(value)}': expected 'до 35' or '35 и старше'")


def academic_year(value: Any) -> str:
    raw = text(value).replace("–", "/").replace("-", "/").replace(" ", "")
    match = re.fullmatch(r"(\d{4})/(\d{2}|\d{4})", raw)
    if match:
        start = int(match.group(1))
        end = int(match.group(2)) if len(match.group(2)) == 4 else start // 100 * 100 + int(match.group(2))
        if end == start + 1:
            return f"{start}/{end}"
    raise BadValue(f"учебный год «{text(value)}»: ожидается вида 2026/2027", f"academic year '{text(value)}': expected like 2026/2027")


def forms(value: Any, known: dict[str, str]) -> list[str]:
    by_label = {_key(label): code for code, label in known.items()} | {_key(code): code for code in known}
    result = []
    for part in re.split(r"[;,\n]", text(value)):
        if not part.strip():
            continue
        code = by_label.get(_key(part))
        if code is None:
            raise BadValue(f"форма «{part.strip()}» не распознана; допустимо: {'; '.join(known.values())}",
                           f"form '{part.strip()}' not understood; allowed: {', '.join(known)}")
        if code not in result:
            result.append(code)
    return result


def stage(value: Any, known: dict[str, str]) -> str | None:
    key = _key(value)
    if not key:
        return None
    for code, label in known.items():
        if key in (_key(code), _key(label)):
            return code
    raise BadValue(f"этап «{text(value)}» не распознан; допустимо: {'; '.join(known.values())}",
                   f"stage '{text(value)}' not understood; allowed: {', '.join(known)}")
