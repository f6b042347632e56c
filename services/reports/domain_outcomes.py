"""Indicators of what the programmes promise (issue 12, items 3–4), part of services/reports/domain.py
(which re-exports everything here; import it from there): the pupils' professional-interest
diagnostic by grade and by programme, retention of young specialists and newly arrived teachers,
the programme's staff by subject, pupils' professional self-determination, custom instruments.
Pure: no I/O. Every counter is a sum over schools, as in domain.py.

This module imports nothing from domain.py at import time (domain.py imports it while it is being
built): the indicator list is made by `indicators()`, called from domain._indicators()."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared import vocabulary

Counters = Mapping[str, float]

MIN_GROUP = vocabulary.MIN_GROUP
"""Below this many answers a group (a grade, a programme, an item) is not broken down."""
SMALL_GROUP = f"меньше {MIN_GROUP} ответов"
"""What a breakdown's cell says instead of a value (None) of a group too small to break down:
the reader learns why there is no figure (pages and PDF; the XLSX leaves the cell empty, its
note says why)."""
SELF_DETERMINATION = vocabulary.SELF_DETERMINATION
PEDAGOGICAL = "pedagogical"
RETENTION_GROUPS: dict[str, str] = {"young": "молодые специалисты", "arrived": "вновь прибывшие педагоги"}
"""The teachers whose retention seed 001 promises (закрепление начинающих и вновь пришедших
специалистов), counted among those enrolled as mentees."""
LEFT_SCHOOL = "left_school"
DDO_BREAKDOWN = "ddo_by|"
"""`ddo_by|grade|<grade>|<what>` and `ddo_by|programme|<programme id>|<what>`; what = answers or leaning_<type>."""
STAFF_BREAKDOWN = "staff_by|"
"""`staff_by|<mentor|mentee>|<normalised subject>`: teachers enrolled in a role, per subject they teach."""
CUSTOM_BREAKDOWN = "custom_by|"
"""`custom_by|<code>|<version>|<item>|<what>`: what = sum / count (numeric items), answers /
opt_<option> (choice items)."""
STAFF_TOP = 10
"""Subjects shown by name; the rest are added up as «прочие»."""
NO_SUBJECT = ""
HUMAN = "human"


# -- the indicators ---------------------------------------------------------------------------


def indicators() -> list:  # list[domain.Indicator]
    from services.reports.domain_indicators import Indicator, _count, _sum

    out = []
    section = "Закрепление педагогов"
    for group, label in RETENTION_GROUPS.items():
        out += [
            Indicator(f"retention_{group}_mentees", f"Наставляемые — {label}", "чел.",
                      f"{label}, зачисленные наставляемыми в учебном году (кто отозвал согласие на обработку данных, не учитывается)",
                      _count(f"retention_{group}_mentees"), section),
            Indicator(f"retention_{group}_left", f"{label.capitalize()}-наставляемые, уволившиеся из школы", "чел.",
                      "из них выбыли из школы (причина выбытия в реестре — «покинул школу») в этом учебном году или позже",
                      _count(f"retention_{group}_left"), section),
            Indicator(f"retention_{group}_left_during", f"{label.capitalize()}: уволились во время программы", "чел.",
                      "выбыли из школы в том же учебном году, в котором были наставляемыми",
                      _count(f"retention_{group}_left_during"), section),
            Indicator(f"retention_{group}_left_after", f"{label.capitalize()}: уволились после программы", "чел.",
                      "выбыли из школы в следующих учебных годах",
                      _count(f"retention_{group}_left_after"), section),
            Indicator(f"retention_{group}_retained_share", f"Закрепление: {label} остались в школе", "%",
                      "(наставляемые группы − выбывшие из школы) / наставляемые группы × 100",
                      _retained(f"retention_{group}_mentees", f"retention_{group}_left"), section),
        ]
    out.append(Indicator("retention_consent_withdrawn", "Не учитываются в закреплении: отозвали согласие", "чел.",
                         "молодые специалисты и вновь прибывшие педагоги-наставляемые, отозвавшие согласие на обработку данных: "
                         "они не покинули школу, но и не считаются ни оставшимися, ни выбывшими",
                         _count("retention_consent_withdrawn"), section))
    section = "Самоопределение обучающихся"
    recorded = [f"self_determination_{code}" for code in SELF_DETERMINATION]
    out += [
        Indicator("self_determination_recorded", "Обучающихся с записанным профессиональным самоопределением", "чел.",
                  "обучающиеся, у которых школа указала профессиональное самоопределение", _sum(*recorded), section),
        Indicator("self_determination_pedagogical", "Выбрали педагогическую профессию", "чел.",
                  "обучающиеся с самоопределением «педагогическая профессия»", _count(f"self_determination_{PEDAGOGICAL}"), section),
        Indicator("self_determination_pedagogical_share", "Доля выбравших педагогическую профессию", "%",
                  "выбравшие педагогическую профессию / обучающиеся с записанным самоопределением × 100",
                  _share_of_sum(f"self_determination_{PEDAGOGICAL}", recorded), section),
    ]
    return out


def _retained(whole: str, left: str):  # noqa: ANN202
    def formula(c: Counters) -> float | None:
        total = c.get(whole, 0)
        return round(100 * (total - c.get(left, 0)) / total, 1) if total > 0 else None

    return formula


def _share_of_sum(part: str, whole: list[str]):  # noqa: ANN202
    def formula(c: Counters) -> float | None:
        total = sum(c.get(name, 0) for name in whole)
        return round(100 * c.get(part, 0) / total, 1) if total > 0 else None

    return formula


# -- what each fact adds to the counters --------------------------------------------------------


def retention_groups(category: str, young_specialist: bool, newly_arrived: bool) -> list[str]:
    """The retention groups a person belongs to (teachers only)."""
    if category != "teacher":
        return []
    return [group for group, member in (("young", young_specialist), ("arrived", newly_arrived)) if member]


def mentee_enrolled(groups: list[str]) -> dict[str, float]:
    """A person of the groups enrolled as a mentee in a year (first enrolment in the role)."""
    return {f"retention_{group}_mentees": 1 for group in groups}


def mentee_withdrawn(groups: list[str], reason: str, during: bool) -> dict[str, float]:
    """What a mentee year of a person of the groups becomes when the person is withdrawn: one who
    left the school stays among the mentees and is counted as left (during the programme's year or
    after it); one who withdrew consent did not leave the school and is no longer counted at all
    (out of the mentees, never among the left), only the number of such exclusions is kept."""
    if not groups:
        return {}
    if reason == LEFT_SCHOOL:
        when = "during" if during else "after"
        return {name: 1 for group in groups for name in (f"retention_{group}_left", f"retention_{group}_left_{when}")}
    deltas: dict[str, float] = {f"retention_{group}_mentees": -1 for group in groups}
    deltas["retention_consent_withdrawn"] = 1
    return deltas


def self_determination(code: str | None) -> dict[str, float]:
    """A pupil's recorded self-determination (a population counter: the pupil's current state)."""
    return {f"self_determination_{code}": 1} if code in SELF_DETERMINATION else {}


def normal_subject(subject: str) -> str:
    """A subject as reports groups it: lower case, single spaces, ё as е, no separators of counter names."""
    return re.sub(r"\s+", " ", subject.replace("|", "/")).strip().lower().replace("ё", "е")


def subjects_of(subjects: list[str] | None) -> list[str]:
    """A person's distinct normalised subjects; none given counts as «предмет не указан»."""
    found = sorted({s for s in (normal_subject(x) for x in subjects or []) if s})
    return found or [NO_SUBJECT]


def staff_role_taken(role: str, category: str, subjects: list[str]) -> dict[str, float]:
    """A teacher's first enrolment in a year as mentor or mentee: one per subject they teach."""
    if category != "teacher" or role not in ("mentor", "mentee"):
        return {}
    return {f"{STAFF_BREAKDOWN}{role}|{subject}": 1 for subject in subjects}


def interests_by(grade: int | None, programme_id: str | None, leanings: list[str]) -> dict[str, float]:
    """One ДДО answer by the pupil's grade and by the programme it was collected for."""
    deltas: dict[str, float] = {}
    for kind, key in (("grade", "" if grade is None else str(grade)), ("programme", programme_id or "")):
        prefix = f"{DDO_BREAKDOWN}{kind}|{key}|"
        deltas[f"{prefix}answers"] = 1
        for leaning in leanings:
            deltas[f"{prefix}leaning_{leaning}"] = 1
    return deltas


def custom_answer(code: str, version: int, items: Mapping[str, float], choices: Mapping[str, list[str]]) -> dict[str, float]:
    """One response to a custom instrument: each numeric item's value, each choice item's options."""
    prefix = f"{CUSTOM_BREAKDOWN}{code}|{version}|"
    deltas: dict[str, float] = {}
    for item, value in items.items():
        deltas[f"{prefix}{item}|sum"] = float(value)
        deltas[f"{prefix}{item}|count"] = 1
    for item, options in choices.items():
        deltas[f"{prefix}{item}|answers"] = 1
        for option in set(options):
            deltas[f"{prefix}{item}|opt_{option}"] = 1
    return deltas


# -- breakdowns: the tables of a scope ---------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """A table of a scope's report: the first column names the row, the others are numbers (None: «—»)."""

    code: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]
    note: str = ""


def _grouped(counters: Counters, prefix: str) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for name, value in counters.items():
        if name.startswith(prefix):
            key, what = name[len(prefix):].rsplit("|", 1)
            found.setdefault(key, {})[what] = value
    return found


def interests_breakdowns(counters: Counters, titles: Mapping[str, str] | None = None) -> list[Breakdown]:
    """The ДДО by grade and by programme: per group the answers and the share leaning to each
    type («человек – человек» first: the pedagogical class is about it); a group of fewer than
    MIN_GROUP answers shows its count only."""
    from services.reports.domain import INTEREST_TYPES, programme_name

    kinds = [HUMAN, *(k for k in INTEREST_TYPES if k != HUMAN)]
    headers = ("Анкет, шт.", *(f"«{INTEREST_TYPES[k]}», %" for k in kinds))
    out = []
    for kind, title, first in (("grade", "ДДО по классам", "Класс"), ("programme", "ДДО по программам", "Программа")):
        groups = _grouped(counters, f"{DDO_BREAKDOWN}{kind}|")
        rows = []
        keys = sorted(groups, key=lambda g: (g == "", int(g) if g.isdigit() else 0, g))
        for key in keys:
            c = groups[key]
            answers = round(c.get("answers", 0))
            if answers <= 0:
                continue
            if kind == "grade":
                label = f"{key} класс" if key else "класс не указан"
            else:
                label = programme_name(key, titles or {})
            shares = [round(100 * c.get(f"leaning_{k}", 0) / answers, 1) if answers >= MIN_GROUP else None for k in kinds]
            rows.append((label, answers, *shares))
        if rows:
            out.append(Breakdown(f"ddo-{kind}", title, (first, *headers), tuple(rows),
                                 f"Доля анкет, где у типа наибольший балл (при равенстве — у каждого из равных); "
                                 f"группы меньше {MIN_GROUP} анкет не разбиваются по типам"))
    return out


def subject_label(subject: str) -> str:
    return subject[:1].upper() + subject[1:] if subject else "предмет не указан"


def staff_breakdown(counters: Counters, top: int = STAFF_TOP) -> list[Breakdown]:
    """Teachers enrolled as mentors and as mentees by subject: the `top` subjects with the most
    people, the rest as «прочие». A teacher of several subjects counts in each of them."""
    found: dict[str, dict[str, float]] = {}
    for name, value in counters.items():
        if name.startswith(STAFF_BREAKDOWN):
            role, subject = name[len(STAFF_BREAKDOWN):].split("|", 1)
            found.setdefault(subject, {})[role] = value
    ranked = sorted(
        ((s, round(c.get("mentor", 0)), round(c.get("mentee", 0))) for s, c in found.items()),
        key=lambda r: (-(r[1] + r[2]), r[0] == NO_SUBJECT, r[0]),
    )
    ranked = [r for r in ranked if r[1] + r[2] > 0]
    if not ranked:
        return []
    rows = [(subject_label(s), mentors, mentees) for s, mentors, mentees in ranked[:top]]
    rest = ranked[top:]
    if rest:
        rows.append((f"прочие ({len(rest)})", sum(r[1] for r in rest), sum(r[2] for r in rest)))
    return [Breakdown("staff-subjects", "Педагоги в программе по предметам", ("Предмет", "Наставников, чел.", "Наставляемых педагогов, чел."),
                      tuple(rows), "Педагог, ведущий несколько предметов, учтён в каждом")]


def custom_instruments_in(counters: Counters) -> set[tuple[str, int]]:
    """The custom instruments (code, version) answered in a scope."""
    found = set()
    for name in counters:
        if name.startswith(CUSTOM_BREAKDOWN):
            code, version, _ = name[len(CUSTOM_BREAKDOWN):].split("|", 2)
            found.add((code, int(version)))
    return found


def custom_breakdowns(counters: Counters, instruments: Mapping[tuple[str, int], Mapping] | None = None,
                      only: set[tuple[str, int]] | None = None) -> list[Breakdown]:
    """Per custom instrument (code, version) answered in the scope (of `only`, if given): each
    numeric item's mean and each choice item's share per option, from MIN_GROUP answers of the
    item on. `instruments`: (code, version) → {"title": …, "items": {item: {"text": …, "options": {option: text}}}}."""
    found: dict[tuple[str, int], dict[str, dict[str, float]]] = {}
    for name, value in counters.items():
        if name.startswith(CUSTOM_BREAKDOWN):
            code, written_version, item, what = name[len(CUSTOM_BREAKDOWN):].split("|", 3)
            found.setdefault((code, int(written_version)), {}).setdefault(item, {})[what] = value
    out = []
    for (code, version), items in sorted(found.items()):
        if only is not None and (code, version) not in only:
            continue
        known = (instruments or {}).get((code, version), {})
        texts = known.get("items", {})
        rows = []
        for item in [i for i in texts if i in items] + sorted(set(items) - set(texts)):  # the definition's order
            c = items[item]
            text = texts.get(item, {}).get("text") or item
            if "count" in c:
                n = round(c.get("count", 0))
                if n > 0:
                    rows.append((text, "среднее", n, round(c.get("sum", 0) / n, 2) if n >= MIN_GROUP else None))
            else:
                n = round(c.get("answers", 0))
                if n <= 0:
                    continue
                options = texts.get(item, {}).get("options", {})
                chosen = {what[4:]: value for what, value in c.items() if what.startswith("opt_") and round(value) > 0}
                for option in [o for o in options if o in chosen] + sorted(set(chosen) - set(options)):  # the definition's order
                    share = round(100 * chosen[option] / n, 1) if n >= MIN_GROUP else None
                    rows.append((text, options.get(option) or option, n, share))
        if rows:
            title = known.get("title") or code
            out.append(Breakdown(f"custom-{code}-{version}", f"Анкета «{title}» (версия {version})",
                                 ("Вопрос", "Ответ", "Ответов, шт.", "Среднее или доля, %"), tuple(rows),
                                 f"Для числовых вопросов — среднее, для вопросов с выбором — доля ответивших, выбравших вариант; "
                                 f"при менее чем {MIN_GROUP} ответах значение не показывается"))
    return out
