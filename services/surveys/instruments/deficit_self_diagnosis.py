"""Professional-deficit self-diagnosis of a teacher (самодиагностика профессиональных дефицитов).

One scale per area of seed 003; the scale codes are exactly the keys of
shared.contracts.surveys.DEFICIT_AREAS, which pairing reads. Higher score = bigger deficit."""

from __future__ import annotations

from shared.contracts.surveys import DEFICIT_AREAS, DEFICIT_INSTRUMENT, DEFICIT_SCALE

# area → statements; each is rated by how hard it is for the respondent (1 — no difficulty, 5 — serious)
STATEMENTS: dict[str, list[tuple[str, str]]] = {
    "scientific_theoretical": [
        ("st_subject_theory", "Знание современных научных представлений в преподаваемой области"),
        ("st_pedagogy_theory", "Знание современных теорий обучения и воспитания"),
        ("st_research", "Использование результатов исследований в собственной практике"),
    ],
    "regulatory_legal": [
        ("rl_fgos", "Знание требований ФГОС и федеральных образовательных программ"),
        ("rl_local_acts", "Работа с локальными актами школы и нормативными документами"),
        ("rl_rights", "Знание прав и обязанностей участников образовательных отношений"),
    ],
    "subject_professional": [
        ("sp_content", "Владение содержанием преподаваемого предмета, в том числе сложными темами"),
        ("sp_tasks", "Решение задач повышенного уровня сложности, олимпиадных заданий"),
        ("sp_assessment", "Подготовка обучающихся к ОГЭ, ЕГЭ, ВПР"),
    ],
    "psychological_pedagogical": [
        ("pp_age", "Учёт возрастных и индивидуальных особенностей обучающихся"),
        ("pp_discipline", "Поддержание дисциплины, работа с конфликтами"),
        ("pp_special_needs", "Работа с детьми с ОВЗ, одарёнными детьми, детьми в трудной ситуации"),
    ],
    "methodological": [
        ("me_lesson_design", "Проектирование урока по требованиям ФГОС"),
        ("me_methods", "Выбор методов и приёмов, активных форм обучения"),
        ("me_evaluation", "Оценивание результатов обучения, формирующее оценивание"),
    ],
    "ict_digital": [
        ("ict_tools", "Использование цифровых инструментов и сервисов на уроке"),
        ("ict_platforms", "Работа на образовательных платформах и в электронном журнале"),
        ("ict_distance", "Проведение дистанционных занятий"),
    ],
    "extracurricular_upbringing": [
        ("eu_class_teacher", "Работа классного руководителя"),
        ("eu_parents", "Взаимодействие с родителями (законными представителями)"),
        ("eu_activities", "Организация внеурочной деятельности и воспитательных мероприятий"),
    ],
    "health_saving": [
        ("hs_load", "Соблюдение норм учебной нагрузки и смены видов деятельности"),
        ("hs_safety", "Обеспечение безопасности обучающихся, первая помощь"),
        ("hs_healthy_lifestyle", "Формирование у обучающихся культуры здорового образа жизни"),
    ],
}

HINT = f"{DEFICIT_SCALE[0]} — затруднений нет, {DEFICIT_SCALE[1]} — серьёзные затруднения, нужна помощь."
"""Under every statement: the one scale of this instrument (not the generic «самый низкий … самый высокий»)."""

DEFINITIONS = [
    {
        "code": DEFICIT_INSTRUMENT,
        "version": 1,
        "title": "Самодиагностика профессиональных дефицитов педагога",
        "staged": True,
        "description": (
            "Оцените, насколько трудно вам даётся каждое направление работы: 1 — затруднений нет, "
            "5 — серьёзные затруднения, нужна помощь: чем выше оценка, тем больше профессиональный дефицит. Самодиагностика проводится дважды: в начале программы "
            "наставничества (входная) и в конце (итоговая), чтобы увидеть, какие затруднения удалось преодолеть."
        ),
        "respondent_roles": ["mentee", "mentor"],
        "sections": [
            {
                "code": area,
                "title": f"Область: {title}",
                "items": [
                    {"code": code, "text": text, "kind": "scale", "min": DEFICIT_SCALE[0], "max": DEFICIT_SCALE[1], "hint": HINT} for code, text in STATEMENTS[area]
                ],
            }
            for area, title in DEFICIT_AREAS.items()
        ]
        + [
            {
                "code": "needs",
                "title": "Ваши потребности",
                "items": [
                    {"code": "help_needed", "kind": "text", "required": False,
                     "text": "Какая помощь наставника нужна вам в первую очередь?"},
                ],
            }
        ],
        "scales": [
            {"code": area, "title": title, "method": "mean", "items": [code for code, _ in STATEMENTS[area]]}
            for area, title in DEFICIT_AREAS.items()
        ],
    }
]
