"""SWOT questionnaire of the programme, one variant per form of mentoring, filled in by the
curator (stage 1 of the monitoring; sections 2.3 of the appendix to the methodological
recommendations). For each quadrant the curator marks the factors seen in the form's pairs and
may add others; each quadrant's scale is the number of marked factors."""

from __future__ import annotations

from shared.vocabulary import FORM_PARTIES
from shared.vocabulary import FORMS as FORM_NAMES

FORMS: dict[str, tuple[str, str, str]] = {form: (FORM_NAMES[form], *FORM_PARTIES[form]) for form in FORM_NAMES}
"""form: (title, mentor, mentee) — the vocabulary's forms, in its order."""

COMMON = {
    "strengths": [
        ("motivated_pairs", "Высокая мотивация участников пар"),
        ("regular_meetings", "Встречи пар проходят регулярно"),
        ("visible_results", "Есть измеримые результаты наставляемых"),
        ("admin_support", "Поддержка администрации школы"),
    ],
    "weaknesses": [
        ("lack_of_time", "Нехватка времени у наставников"),
        ("weak_planning", "Слабое планирование работы пар"),
        ("formal_participation", "Формальное участие части пар"),
        ("low_feedback", "Мало обратной связи от участников"),
    ],
    "opportunities": [
        ("network_partners", "Сетевые партнёры (вузы, колледжи, предприятия)"),
        ("training", "Обучение наставников (курсы, семинары)"),
        ("best_practices", "Обмен лучшими практиками между школами"),
        ("digital_tools", "Цифровые сервисы для дистанционных встреч"),
    ],
    "threats": [
        ("burnout", "Перегрузка и выгорание наставников"),
        ("turnover", "Уход участников из школы или программы"),
        ("no_incentives", "Отсутствие стимулирования наставников"),
        ("paperwork", "Рост документационной нагрузки"),
    ],
}
QUADRANTS = {
    "strengths": "Сильные стороны (S)",
    "weaknesses": "Слабые стороны (W)",
    "opportunities": "Возможности (O)",
    "threats": "Угрозы (T)",
}


def _variant(form: str) -> dict:
    title, mentor, mentee = FORMS[form]
    sections = []
    scales = []
    for quadrant, heading in QUADRANTS.items():
        options = [{"code": c, "text": t} for c, t in COMMON[quadrant]]
        if quadrant == "strengths":
            options.append({"code": "form_fit", "text": f"Форма подходит паре «{mentor} – {mentee}»"})
        if quadrant == "weaknesses":
            options.append({"code": "form_mismatch", "text": f"Трудно подобрать пары «{mentor} – {mentee}»"})
        sections.append({
            "code": quadrant,
            "title": heading,
            "items": [
                {"code": f"{quadrant}_factors", "kind": "multiple", "required": False, "options": options,
                 "text": f"{heading}: отметьте, что наблюдается в форме «{title}»"},
                {"code": f"{quadrant}_other", "kind": "text", "required": False, "text": f"{heading}: что ещё?"},
            ],
        })
        scales.append({"code": quadrant, "title": f"{heading}: отмечено факторов", "method": "sum",
                       "items": [f"{quadrant}_factors={o['code']}" for o in options]})
    sections.append({
        "code": "overall",
        "title": "Итог",
        "items": [
            {"code": "pairs_count", "kind": "number", "min": 0, "max": 1000,
             "text": f"Сколько пар (групп) формы «{title}» работает в школе?"},
            {"code": "overall_rating", "kind": "scale", "min": 1, "max": 10,
             "text": f"Общая оценка реализации формы «{title}» (1 — самый низкий балл, 10 — самый высокий)"},
        ],
    })
    scales += [
        {"code": "overall_rating", "title": "Общая оценка формы", "items": ["overall_rating"]},
        {"code": "pairs_count", "title": "Число пар", "method": "sum", "items": ["pairs_count"]},
    ]
    return {
        "code": f"swot_{form}",
        "version": 1,
        "title": f"SWOT-анализ программы наставничества: форма «{title}»",
        # The factors follow the sense of the appendix to the methodological recommendations
        # (section 2.3; its official text was not at hand); each quadrant's score is the number ticked.
        "description": (
            "Заполняет куратор программы по итогам работы пар данной формы: отметьте сильные и слабые стороны, "
            "возможности и угрозы, которые вы наблюдаете, и добавьте свои."
        ),
        "respondent_roles": ["curator"],
        "sections": sections,
        "scales": scales,
    }


DEFINITIONS = [_variant(form) for form in FORMS]
