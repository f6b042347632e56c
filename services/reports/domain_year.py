"""The programme's year in the monitoring (issue 15): what the facts of a school programme's year
add to the counters — its documents and curator, its activities, the pairs' meetings, the
training and recognition of mentors, the bank of practices, the regional roadmap — and the
indicators over them. Pure: no I/O.

A fact is the latest known state of one thing (a document, an activity, a meeting…), as a small
dict. Facts are grouped into tallies (a school's year for distinct counts, or one thing alone):
a tally's counters are recomputed from its facts whenever one of them changes, and the
difference with what it added before goes to the counters (services/reports/year.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from shared import vocabulary

Counters = Mapping[str, float]
Fact = Mapping[str, Any]

REQUIRED_DOCUMENTS = vocabulary.REQUIRED_DOCUMENTS
RECOGNISED_WINNERS = ("winner", "prize_winner")
"""Results counted as «победители и призёры»."""
SUBMITTED = ("submitted", "under_review", "published", "returned", "withdrawn")
"""Practice statuses counted as submitted to the bank (everything but a draft)."""

REGION_LEVEL = ("year_roadmap_items", "year_roadmap_done", "year_roadmap_done_on_time", "year_roadmap_overdue")
"""The roadmap's counters: the region's own (its events name a region, not a school), kept in the
region's scope only, like the region-wide campaigns' (domain_indicators.REGION_ONLY)."""

TALLIES = ("programme", "activity", "meetings", "training", "recognition", "practice", "publication", "roadmap")
"""programme: a school's documents and curator in a year; activity: one activity; meetings: one
pair's meetings in a year; training, recognition: a school's year (distinct mentors); practice:
one practice in the year of its first submission; publication: one practice in the academic year of
its (last) publication; roadmap: the region's roadmap items due in one academic year."""


def months_spanned(days: Sequence[date]) -> int:
    """Calendar months from the first day's month through the last day's, both included."""
    if not days:
        return 0
    first, last = min(days), max(days)
    return (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1


def _programme(facts: Sequence[Fact]) -> dict[str, float]:
    kinds = {fact["kind"] for fact in facts if fact.get("what") == "document"}
    out: dict[str, float] = {f"year_schools_document_{kind}": 1.0 for kind in REQUIRED_DOCUMENTS if kind in kinds}
    if all(kind in kinds for kind in REQUIRED_DOCUMENTS):
        out["year_schools_with_documents"] = 1.0
    if any(fact.get("what") == "curator" for fact in facts):
        out["year_schools_with_curator"] = 1.0
    return out


def _activity(facts: Sequence[Fact]) -> dict[str, float]:
    out: dict[str, float] = {}
    for fact in facts:
        out["year_activities_planned"] = out.get("year_activities_planned", 0) + 1
        if fact.get("held_on"):
            for name, value in (("year_activities_held", 1), ("year_activity_invited", fact.get("invited", 0)),
                                ("year_activity_attended", fact.get("attended", 0))):
                out[name] = out.get(name, 0) + value
    return out


def _meetings(facts: Sequence[Fact]) -> dict[str, float]:
    days = [date.fromisoformat(fact["held_on"]) for fact in facts]
    if not days:
        return {}
    return {"year_meetings": float(len(days)), "year_pairs_met": 1.0, "year_pair_months": float(months_spanned(days))}


def _people(facts: Sequence[Fact], counted: str, distinct: str, winners: str | None = None) -> dict[str, float]:
    out = {counted: float(len(facts)), distinct: float(len({fact["person"] for fact in facts}))}
    if winners is not None:
        out[winners] = float(len({fact["person"] for fact in facts if fact.get("result") in RECOGNISED_WINNERS}))
    return {name: value for name, value in out.items() if value}


def _practice(facts: Sequence[Fact]) -> dict[str, float]:
    out: dict[str, float] = {}
    for fact in facts:
        if fact["status"] in SUBMITTED:
            out["year_practices_submitted"] = out.get("year_practices_submitted", 0) + 1
        if fact["status"] == "published":
            out["year_practices_published"] = out.get("year_practices_published", 0) + 1
    return out


def _roadmap(facts: Sequence[Fact]) -> dict[str, float]:
    """As of the date of the latest roadmap change known (`at` of the facts): an item not done
    whose deadline is before that day is overdue."""
    as_of = max((fact["at"] for fact in facts), default="")
    out: dict[str, float] = {}

    def plus(name: str) -> None:
        out[name] = out.get(name, 0) + 1

    for fact in facts:
        if fact["status"] == "cancelled":
            continue
        plus("year_roadmap_items")
        if fact["status"] == "done":
            plus("year_roadmap_done")
            if fact.get("done_on") and fact["done_on"] <= fact["due_on"]:
                plus("year_roadmap_done_on_time")
        elif fact["due_on"] < as_of:
            plus("year_roadmap_overdue")
    return out


_TALLY: dict[str, Callable[[Sequence[Fact]], dict[str, float]]] = {
    "programme": _programme,
    "activity": _activity,
    "meetings": _meetings,
    "training": lambda facts: _people(facts, "year_trainings", "year_mentors_trained"),
    "recognition": lambda facts: _people(facts, "year_recognitions", "year_mentors_recognised", "year_mentors_winners"),
    "practice": _practice,
    "publication": lambda facts: {"year_practices_published_in_year": 1.0} if any(f["status"] == "published" for f in facts) else {},
    "roadmap": _roadmap,
}


def tally(kind: str, facts: Sequence[Fact]) -> dict[str, float]:
    """What a tally's current facts (removed ones left out) add to the counters."""
    return _TALLY[kind](facts)


# -- the indicators -----------------------------------------------------------------------------


def _count(name: str) -> Callable[[Counters], float | None]:
    return lambda c: round(c.get(name, 0), 6)


def _ratio(part: str, whole: str, factor: float = 100, digits: int = 1) -> Callable[[Counters], float | None]:
    def formula(c: Counters) -> float | None:
        total = c.get(whole, 0)
        return round(factor * c.get(part, 0) / total, digits) if total else None

    return formula


def _on_time(c: Counters) -> float | None:
    due = c.get("year_roadmap_done", 0) + c.get("year_roadmap_overdue", 0)
    return round(100 * c.get("year_roadmap_done_on_time", 0) / due, 1) if due else None


REGION_SECTION = "Дорожная карта региона"
"""The section of the region's own indicators (its roadmap): shown at the region's level only."""


def shown_at(section: str, scope: str) -> bool:
    """Whether an indicator of `section` means anything at `scope` (a school has no roadmap)."""
    return scope == "region" or section != REGION_SECTION


def indicators(make: Callable[..., Any]) -> list[Any]:
    """The indicators of the programme's year, built with domain_indicators.Indicator (`make`)."""
    docs, events, meetings, people, bank, roadmap = (
        "Документы программы", "Мероприятия программы", "Встречи пар", "Обучение и признание наставников",
        "Банк практик", REGION_SECTION,
    )
    required = ", ".join(vocabulary.DOCUMENT_KINDS[kind] for kind in REQUIRED_DOCUMENTS)
    out = [
        make("year_schools_with_documents", "Школ со всеми тремя документами программы", "шт.",
             f"школы, у программы которых в учебном году есть все три документа: {required}",
             _count("year_schools_with_documents"), docs),
        make("year_schools_with_documents_share", "Доля школ с программой, имеющих все три документа", "%",
             "школы со всеми тремя документами / школы, реализующие программу × 100",
             _ratio("year_schools_with_documents", "schools_with_programme"), docs),
    ]
    for kind in REQUIRED_DOCUMENTS:
        label = vocabulary.DOCUMENT_KINDS[kind]
        out.append(make(f"year_schools_document_{kind}", f"Школ, где есть документ: {label}", "шт.",
                        f"школы, у программы которых в учебном году записан документ «{label}»",
                        _count(f"year_schools_document_{kind}"), docs))
    out += [
        make("year_schools_with_curator", "Школ с назначенным куратором программы", "шт.",
             "школы, где приказом директора назначен куратор программы учебного года",
             _count("year_schools_with_curator"), docs),
        make("year_activities_planned", "Мероприятий запланировано", "шт.",
             "мероприятия программ учебного года, кроме отменённых", _count("year_activities_planned"), events),
        make("year_activities_held", "Мероприятий проведено", "шт.",
             "мероприятия с датой проведения", _count("year_activities_held"), events),
        make("year_activities_held_share", "Проведено мероприятий от запланированных", "%",
             "проведённые мероприятия / запланированные (не отменённые) × 100",
             _ratio("year_activities_held", "year_activities_planned"), events),
        make("year_activity_attendance_share", "Посещаемость мероприятий", "%",
             "присутствовавшие / приглашённые участники проведённых мероприятий × 100",
             _ratio("year_activity_attended", "year_activity_invited"), events),
        make("year_meetings", "Встреч пар проведено", "шт.",
             "встречи, записанные в журналах пар за учебный год", _count("year_meetings"), meetings),
        make("year_pairs_met", "Пар, проводивших встречи", "шт.",
             "пары с хотя бы одной встречей в учебном году", _count("year_pairs_met"), meetings),
        make("year_meetings_per_pair_month", "Встреч на пару в месяц", "встреч",
             "встречи учебного года / пара-месяцы; пара-месяцы пары — календарные месяцы от месяца её первой "
             "встречи в году до месяца последней включительно",
             _ratio("year_meetings", "year_pair_months", factor=1, digits=2), meetings),
        make("year_mentors_trained", "Наставников, прошедших обучение", "чел.",
             "разные наставники с записью об обучении в учебном году", _count("year_mentors_trained"), people),
        make("year_mentors_trained_share", "Доля наставников, прошедших обучение в учебном году", "%",
             "наставники с обучением в учебном году / наставники, зачисленные в программы × 100",
             _ratio("year_mentors_trained", "mentors_total"), people),
        make("year_trainings", "Записей об обучении наставников", "шт.",
             "курсы, интенсивы, семинары и стажировки, завершённые в учебном году", _count("year_trainings"), people),
        make("year_mentors_recognised", "Наставников, отмеченных в конкурсах и наградах", "чел.",
             "разные наставники с записью о конкурсе, награде, ИКУ или олимпиаде в учебном году",
             _count("year_mentors_recognised"), people),
        make("year_mentors_winners", "Наставников — победителей и призёров", "чел.",
             "разные наставники с результатом «победитель» или «призёр» в учебном году", _count("year_mentors_winners"), people),
        make("year_recognitions", "Записей о конкурсах и наградах", "шт.",
             "участие, призы и награды наставников в учебном году", _count("year_recognitions"), people),
        make("year_practices_submitted", "Практик подано в банк", "шт.",
             "практики школы (по школе-автору), впервые поданные в учебном году, кроме черновиков",
             _count("year_practices_submitted"), bank),
        make("year_practices_published", "Практик опубликовано", "шт.",
             "из поданных в учебном году — опубликованные в банке сейчас", _count("year_practices_published"), bank),
        make("year_practices_published_in_year", "Практик опубликовано в учебном году", "шт.",
             "практики школы, опубликованные в банке сейчас, с датой (последней) публикации в учебном году",
             _count("year_practices_published_in_year"), bank),
        make("year_roadmap_items", "Пунктов дорожной карты региона", "шт.",
             "пункты со сроком в учебном году, кроме отменённых (только уровень региона)", _count("year_roadmap_items"), roadmap),
        make("year_roadmap_done", "Пунктов дорожной карты выполнено", "шт.",
             "пункты со статусом «выполнено»", _count("year_roadmap_done"), roadmap),
        make("year_roadmap_overdue", "Пунктов дорожной карты просрочено", "шт.",
             "не выполненные пункты, срок которых прошёл к дате последнего изменения дорожной карты",
             _count("year_roadmap_overdue"), roadmap),
        make("year_roadmap_on_time_share", "Пунктов дорожной карты выполнено в срок", "%",
             "выполненные не позже срока / (выполненные + просроченные) × 100", _on_time, roadmap),
    ]
    return out
