"""The written part of the monitoring report («Описанные итоги мониторинга, данные анализа,
рекомендации»): a text in Russian generated from the indicators a scope already has, in titled
sections, with recommendations derived from rules. Pure: no I/O — the caller passes the computed
indicator values (services.reports.domain.compute), the schools that need attention
(services.reports.attention) and, for a school, its municipality's and region's values.

Where a figure is missing the text says so; it never invents one. Numbers read as everywhere
else for people (shared.formatting: decimal comma, «—» never appears in a sentence)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.formatting import number, percent

from services.reports import domain

Values = Mapping[str, float | None]

TITLES = {
    "coverage": "Охват наставничеством",
    "pairs": "Пары наставничества",
    "satisfaction": "Удовлетворённость участников",
    "growth": "Рост по областям профессиональных дефицитов",
    "swot": "SWOT-анализ",
    "attention": "Школы, требующие внимания",
    "comparison": "Сравнение с муниципалитетом и регионом",
    "recommendations": "Рекомендации",
}
LOW_SATISFACTION = 7.5
"""A mean satisfaction under the «8–10 баллов» band (domain.SATISFACTION_BANDS) calls for a look at the reasons."""
MANY_TERMINATED = 20.0
"""Pairs terminated early, % of the pairs that ended: at or above it, a recommendation."""
LOW_RESPONSE = 50.0
"""Campaigns answered by fewer than half of those invited (as attention.LOW_RESPONSE)."""
LISTED_SCHOOLS = 10
"""Schools named in the «Школы, требующие внимания» section; the rest are counted."""
SNAPSHOT_CODES = (
    "schools_total", "schools_with_programme", "mentors_total", "mentees_total", "mentees_teacher", "mentees_pupil",
    "young_specialists_in_mentoring_share", "pupils_in_mentoring_share", "pupils_coverage_against_target",
    "pairs_formed", "pairs_active", "pairs_completed", "pairs_terminated", "mentor_load_mean", "mentors_over_capacity",
    "mentee_satisfaction_mean", "mentee_satisfaction_answers", "mentor_satisfaction_mean", "mentor_satisfaction_answers",
    "growth_mentees_measured", "growth_mean_change", "growth_improved_share", "measurement_measured", "measurement_mean_change",
    *(f"deficit_{stage}_{area}" for area in domain.DEFICIT_AREAS for stage in domain.STAGES),
    *(f"swot_{scale}_mean" for scale in domain.SWOT_SCALES), "campaign_response_rate",
)
"""The indicators the text is written from: an approved text keeps their values, and the page
says «показатели изменились после утверждения» when today's differ."""


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class AttentionSchool:
    """A school that needs attention: its name, municipality and the reasons (attention.REASONS texts)."""

    name: str
    municipality: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Inputs:
    level: str  # region, municipality, school
    title: str  # the scope's name
    academic_year: str
    values: Values
    schools_total: int = 0  # region / municipality: the schools attention looked at
    attention: Sequence[AttentionSchool] = ()
    parents: Sequence[tuple[str, Values]] = ()  # a school: (name, values) of its municipality and region
    school_reasons: tuple[str, ...] = ()  # a school: its own reasons to need attention
    reason_order: Sequence[str] = ()  # the reasons' texts, most serious first (attention.REASONS)


def generate(inputs: Inputs) -> list[Section]:
    v = inputs.values
    sections = [
        Section(TITLES["coverage"], coverage(inputs)),
        Section(TITLES["pairs"], pairs(v)),
        Section(TITLES["satisfaction"], satisfaction(v)),
        Section(TITLES["growth"], growth(v)),
        Section(TITLES["swot"], swot(v)),
    ]
    if inputs.level == "school":
        sections.append(Section(TITLES["comparison"], comparison(inputs)))
    else:
        sections.append(Section(TITLES["attention"], attention(inputs)))
    sections.append(Section(TITLES["recommendations"], "\n".join(f"— {r}" for r in recommendations(inputs))))
    return sections


def snapshot(values: Values) -> dict[str, float | None]:
    """The key figures an approved text was written against."""
    return {code: values.get(code) for code in SNAPSHOT_CODES}


def changed_figures(kept: Mapping[str, float | None], values: Values) -> list[tuple[str, float | None, float | None]]:
    """(indicator name, value at approval, value now) of the kept figures that differ today."""
    out = []
    for code, then in kept.items():
        now = values.get(code)
        if code in domain.BY_CODE and not _same(then, now):
            out.append((domain.BY_CODE[code].name, then, now))
    return out


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


# -- the sections ------------------------------------------------------------------------


def _int(value: float | None) -> int:
    return int(round(value or 0))


def _points(value: float | None) -> str:
    """A score: «2,5 балла», «1 балл», «5 баллов» (the noun agrees with the number)."""
    text = number(value)
    if value is None or round(value, 2) != int(round(value, 2)):
        return f"{text} балла"
    return f"{text} {_plural(int(round(value)), 'балл', 'балла', 'баллов')}"


def _plural(n: int, one: str, few: str, many: str) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def coverage(inputs: Inputs) -> str:
    v = inputs.values
    sentences = []
    if inputs.level != "school":
        total, running = _int(v.get("schools_total")), _int(v.get("schools_with_programme"))
        if total:
            sentences.append(f"Программы наставничества реализуют {number(running)} из {number(total)} школ "
                             f"({percent(v.get('schools_with_programme_share'))}).")
        else:
            sentences.append("Данных о школах нет.")
    share = v.get("pupils_in_mentoring_share")
    if share is None:
        sentences.append("Данных о численности обучающихся нет: охват обучающихся наставничеством не рассчитан.")
    else:
        sentences.append(f"В наставничество вовлечено {percent(share)} обучающихся ({number(_int(v.get('mentees_pupil')))} чел.) "
                         f"при целевом показателе {percent(domain.PUPILS_TARGET)}; целевой показатель выполнен на "
                         f"{percent(v.get('pupils_coverage_against_target'))}.")
        if share >= domain.PUPILS_TARGET:
            sentences.append("Целевой показатель охвата обучающихся достигнут.")
        else:
            sentences.append(f"До целевого показателя не хватает {number(domain.PUPILS_TARGET - share, 1)} п. п.")
    mentors, teachers = _int(v.get("mentors_total")), _int(v.get("mentees_teacher"))
    if mentors or teachers:
        sentences.append(f"Наставников — {number(mentors)}, наставляемых педагогов — {number(teachers)}.")
    else:
        sentences.append("Наставники и наставляемые педагоги в этом учебном году не зачислены.")
    young = v.get("young_specialists_in_mentoring_share")
    if young is None:
        sentences.append("Данных о молодых специалистах нет.")
    else:
        sentences.append(f"Доля молодых специалистов, вовлечённых в наставничество, — {percent(young)}.")
    return " ".join(sentences)


def pairs(v: Values) -> str:
    formed = _int(v.get("pairs_formed"))
    if not formed:
        return "Пары наставничества в этом учебном году не сформированы."
    sentences = [f"Сформировано пар: {number(formed)}; действуют — {number(_int(v.get('pairs_active')))}, "
                 f"завершили работу — {number(_int(v.get('pairs_completed')))}, "
                 f"прекращены досрочно — {number(_int(v.get('pairs_terminated')))}."]
    load = v.get("mentor_load_mean")
    if load is not None:
        sentences.append(f"На одного наставника в действующих парах приходится в среднем {number(load)} наставляемых.")
    over = _int(v.get("mentors_over_capacity"))
    if over:
        sentences.append(f"Сверх допустимой нагрузки работают наставники: {number(over)}.")
    return " ".join(sentences)


def _satisfaction_of(v: Values, who: str, label: str) -> str:
    answers = _int(v.get(f"{who}_satisfaction_answers"))
    if not answers:
        return f"Анкет удовлетворённости {label} нет — их удовлетворённость не оценена."
    bands = ", ".join(
        f"{name} ({domain.SATISFACTION_BANDS[band][0]}) — {percent(v.get(f'{who}_satisfaction_{band}_share'))}"
        for band, name in (("high", "высокие"), ("mid", "средние"), ("low", "низкие"))
    )
    return (f"Средний балл удовлетворённости {label} — {number(v.get(f'{who}_satisfaction_mean'))} из 10 "
            f"(анкет: {number(answers)}); оценки: {bands}.")


def satisfaction(v: Values) -> str:
    return " ".join((_satisfaction_of(v, "mentee", "наставляемых"), _satisfaction_of(v, "mentor", "наставников")))


def area_changes(v: Values) -> list[tuple[str, float, float]]:
    """(area name, start mean, end mean) of the areas measured at both stages, the largest fall of
    the deficit first (a higher score is a larger deficit)."""
    out = []
    for area, label in domain.DEFICIT_AREAS.items():
        start, end = v.get(f"deficit_start_{area}"), v.get(f"deficit_end_{area}")
        if start is not None and end is not None:
            out.append((label, start, end))
    return sorted(out, key=lambda row: (round(row[2] - row[1], 6), list(domain.DEFICIT_AREAS.values()).index(row[0])))


def _change(label: str, start: float, end: float) -> str:
    return f"«{label}» (с {number(start)} до {number(end)})"


def growth(v: Values) -> str:
    has_start = any(v.get(f"deficit_start_{a}") is not None for a in domain.DEFICIT_AREAS)
    has_end = any(v.get(f"deficit_end_{a}") is not None for a in domain.DEFICIT_AREAS)
    sentences = []
    if not has_start and not has_end:
        sentences.append("Самодиагностики профессиональных дефицитов нет: рост наставляемых не измерен.")
    elif not has_end:
        sentences.append("Есть только входная самодиагностика профессиональных дефицитов; итоговой пока нет — рост не измерен.")
    elif not has_start:
        sentences.append("Есть только итоговая самодиагностика профессиональных дефицитов; входной нет — рост не измерен.")
    else:
        measured = _int(v.get("growth_mentees_measured"))
        if measured:
            sentences.append(f"Входную и итоговую самодиагностику прошли наставляемые: {number(measured)}; дефициты уменьшились у "
                             f"{percent(v.get('growth_improved_share'))} из них, среднее изменение — {_points(v.get('growth_mean_change'))} "
                             f"(отрицательное — дефициты уменьшились).")
        changes = area_changes(v)
        fell = [c for c in changes if c[2] < c[1]]
        same = [c for c in changes if c[2] == c[1]]
        rose = [c for c in changes if c[2] > c[1]]
        if not changes:
            sentences.append("Нет областей, измеренных в начале и в конце: рост по областям не рассчитан.")
        elif len(fell) > 1:
            sentences.append(f"Сильнее всего дефицит снизился в области {_change(*fell[0])}, меньше всего — в области {_change(*fell[-1])}.")
        elif fell:
            sentences.append(f"Дефицит снизился в области {_change(*fell[0])}.")
        else:
            sentences.append("Ни в одной области средний балл дефицита не снизился.")
        if same:
            sentences.append("Не изменился дефицит в областях: " + ", ".join(f"«{c[0]}» ({number(c[1])})" for c in same) + ".")
        if rose:
            sentences.append("Дефицит вырос в областях: " + ", ".join(_change(*c) for c in rose) + ".")
    measured = _int(v.get("measurement_measured"))
    if measured:
        sentences.append(f"Диагностику мотивации и компетенций в начале и в конце года прошли участники: {number(measured)}; "
                         f"средний рост — {_points(v.get('measurement_mean_change'))}.")
    return " ".join(sentences)


def swot(v: Values) -> str:
    means = {scale: v.get(f"swot_{scale}_mean") for scale in domain.SWOT_SCALES}
    if all(m is None for m in means.values()):
        return "Анкет SWOT-анализа нет."
    listed = "; ".join(f"{label} — {number(means[scale])}" for scale, label in domain.SWOT_SCALES.items() if means[scale] is not None)
    sentences = [f"Отмечено факторов в среднем на анкету: {listed}."]
    positive = [m for m in (means["strengths"], means["opportunities"]) if m is not None]
    negative = [m for m in (means["weaknesses"], means["threats"]) if m is not None]
    if positive and negative:
        plus, minus = sum(positive), sum(negative)
        if plus > minus:
            sentences.append("Сильных сторон и возможностей отмечено больше, чем слабых сторон и угроз.")
        elif plus < minus:
            sentences.append("Слабых сторон и угроз отмечено больше, чем сильных сторон и возможностей.")
        else:
            sentences.append("Сильных сторон и возможностей отмечено столько же, сколько слабых сторон и угроз.")
    answered = [form for form in domain.FORMS if _int(v.get(f"swot_responses_{form}"))]
    strong = [(domain.FORMS[f], mean) for f in answered if (mean := v.get(f"swot_strengths_mean_{f}")) is not None]
    weak = [(domain.FORMS[f], mean) for f in answered if (mean := v.get(f"swot_weaknesses_mean_{f}")) is not None]
    if len(strong) > 1:
        name, value = max(strong, key=lambda row: row[1])
        sentences.append(f"Больше всего сильных сторон — в форме «{name}» ({number(value)}).")
    if len(weak) > 1:
        name, value = max(weak, key=lambda row: row[1])
        sentences.append(f"Больше всего слабых сторон — в форме «{name}» ({number(value)}).")
    return " ".join(sentences)


def attention(inputs: Inputs) -> str:
    if not inputs.schools_total:
        return "Школ в данных мониторинга нет."
    lagging = list(inputs.attention)
    if not lagging:
        return f"Все школы ({number(inputs.schools_total)}) реализуют программу, сформировали пары и планы; отстающих нет."
    counts = []
    for reason in _reason_order(lagging, inputs.reason_order):
        counts.append(f"{reason} — {number(sum(1 for s in lagging if reason in s.reasons))}")
    sentences = [f"Требуют внимания школ: {number(len(lagging))} из {number(inputs.schools_total)} ({'; '.join(counts)})."]
    named = []
    for school in lagging[:LISTED_SCHOOLS]:
        where = f", {school.municipality}" if inputs.level == "region" and school.municipality else ""
        named.append(f"— {school.name}{where}: {', '.join(school.reasons)}.")
    rest = len(lagging) - LISTED_SCHOOLS
    sentences.append("\n".join(named) + (f"\nи ещё школ: {number(rest)}." if rest > 0 else ""))
    return "\n".join(sentences)


def _reason_order(schools: Sequence[AttentionSchool], order: Sequence[str]) -> list[str]:
    """The reasons found, most serious first (`order`), else as first met."""
    seen: list[str] = []
    for school in schools:
        for reason in school.reasons:
            if reason not in seen:
                seen.append(reason)
    return sorted(seen, key=lambda r: list(order).index(r) if r in order else len(order))


COMPARED = (
    ("pupils_in_mentoring_share", "Охват обучающихся", True),
    ("young_specialists_in_mentoring_share", "Доля вовлечённых молодых специалистов", True),
    ("mentee_satisfaction_mean", "Удовлетворённость наставляемых", False),
    ("mentor_satisfaction_mean", "Удовлетворённость наставников", False),
    ("growth_improved_share", "Доля наставляемых со сниженными дефицитами", True),
)


def comparison(inputs: Inputs) -> str:
    v = inputs.values
    lines = []
    for code, label, is_share in COMPARED:
        show = percent if is_share else number
        if v.get(code) is None:
            continue
        others = ", ".join(f"{name} — {show(values.get(code))}" for name, values in inputs.parents if values.get(code) is not None)
        lines.append(f"{label}: в школе — {show(v.get(code))}" + (f" ({others})." if others else "."))
    if not lines:
        lines.append("Показателей для сравнения с муниципалитетом и регионом пока нет.")
    if inputs.school_reasons:
        lines.append(f"Школа требует внимания: {', '.join(inputs.school_reasons)}.")
    return "\n".join(lines)


def recommendations(inputs: Inputs) -> list[str]:
    v = inputs.values
    out = []
    share = v.get("pupils_in_mentoring_share")
    if share is not None and share < domain.PUPILS_TARGET:
        out.append(f"Рекомендуется расширить охват обучающихся наставничеством: до целевого показателя "
                   f"{percent(domain.PUPILS_TARGET)} не хватает {number(domain.PUPILS_TARGET - share, 1)} п. п.")
    if inputs.level != "school":
        without = _int(v.get("schools_total")) - _int(v.get("schools_with_programme"))
        if without > 0:
            out.append(f"Рекомендуется помочь запустить программу наставничества школам, где её нет (школ: {number(without)}).")
    elif "нет программы" in inputs.school_reasons:
        out.append("Рекомендуется утвердить программу наставничества школы и зачислить участников.")
    if not _int(v.get("pairs_formed")) and _int(v.get("mentees_total")):
        out.append("Рекомендуется сформировать пары наставничества для зачисленных наставляемых.")
    ended = _int(v.get("pairs_completed")) + _int(v.get("pairs_terminated"))
    if ended and 100 * _int(v.get("pairs_terminated")) / ended >= MANY_TERMINATED:
        out.append("Рекомендуется разобрать причины досрочного прекращения пар: прекращено "
                   f"{number(_int(v.get('pairs_terminated')))} из {number(ended)} завершившихся.")
    if _int(v.get("mentors_over_capacity")):
        out.append("Рекомендуется перераспределить нагрузку наставников, работающих сверх допустимой.")
    answers = _int(v.get("mentee_satisfaction_answers")) + _int(v.get("mentor_satisfaction_answers"))
    if not answers:
        out.append("Рекомендуется провести анкетирование удовлетворённости наставляемых и наставников.")
    for who, label in (("mentee", "наставляемых"), ("mentor", "наставников")):
        mean = v.get(f"{who}_satisfaction_mean")
        if mean is not None and mean < LOW_SATISFACTION:
            out.append(f"Рекомендуется выяснить причины невысокой удовлетворённости {label} ({number(mean)} из 10).")
    has_start = any(v.get(f"deficit_start_{a}") is not None for a in domain.DEFICIT_AREAS)
    has_end = any(v.get(f"deficit_end_{a}") is not None for a in domain.DEFICIT_AREAS)
    if not has_start:
        out.append("Рекомендуется провести входную самодиагностику профессиональных дефицитов наставляемых.")
    elif not has_end:
        out.append("Рекомендуется в конце года провести итоговую самодиагностику, чтобы измерить рост наставляемых.")
    else:
        changes = area_changes(v)
        if len(changes) > 1:
            label, start, end = changes[-1]
            how = "снизился меньше всего" if end < start else "не снизился" if end == start else "вырос"
            out.append(f"Рекомендуется уделить больше внимания области «{label}» в планах развития: дефицит в ней {how}.")
    if inputs.level != "school":
        for reason, advice in (("мало планов", "проверить планы развития пар"), ("низкий отклик", "напомнить участникам об анкетировании")):
            schools = sum(1 for s in inputs.attention if reason in s.reasons)
            if schools:
                out.append(f"Рекомендуется {advice} в школах с пометкой «{reason}» (школ: {number(schools)}).")
    else:
        rate = v.get("campaign_response_rate")
        if rate is not None and rate < LOW_RESPONSE:
            out.append(f"Рекомендуется напомнить участникам об анкетировании: ответили {percent(rate)} приглашённых.")
    if not out:
        out.append("Показатели соответствуют целям программы; рекомендуется сохранить достигнутый уровень.")
    return out


# -- the text people edit and keep -----------------------------------------------------


def to_json(sections: Sequence[Section]) -> str:
    return json.dumps([{"title": s.title, "text": s.text} for s in sections], ensure_ascii=False)


def from_json(raw: str) -> list[Section]:
    return [Section(item["title"], item["text"]) for item in json.loads(raw)]


def plain_text(sections: Sequence[Section]) -> str:
    """The whole analysis as plain text: each section's title, its text, a blank line between."""
    return "\n\n".join(f"{s.title}\n{s.text}" for s in sections)
