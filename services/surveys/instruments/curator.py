"""The curator's questionnaire (анкета куратора; section 2.4 of the appendix to the
methodological recommendations): how the programme was organised."""

from __future__ import annotations

YES_NO = [{"code": "yes", "text": "Да", "value": 1}, {"code": "no", "text": "Нет", "value": 0}]
RATINGS = [
    ("organisation", "Насколько удалось организовать работу программы наставничества в школе?"),
    ("pairs_formed_well", "Насколько удачно сформированы пары и группы?"),
    ("mentor_engagement", "Насколько вовлечены наставники?"),
    ("mentee_engagement", "Насколько вовлечены наставляемые?"),
    ("admin_support", "Насколько достаточной была поддержка администрации?"),
    ("resources", "Насколько достаточно ресурсов (времени, помещений, материалов)?"),
]

DEFINITIONS = [
    {
        "code": "curator_questionnaire",
        "version": 1,
        "title": "Анкета куратора программы наставничества",
        # The items follow the sense of section 2.4 of the appendix to the methodological
        # recommendations (its official text was not at hand).
        "description": (
            "Оцените, как была организована программа наставничества в школе: оценки от 1 (самый низкий балл) "
            "до 10 (самый высокий), вопросы «да» или «нет» и открытые вопросы."
        ),
        "respondent_roles": ["curator"],
        "sections": [
            {"code": "ratings", "title": "Оценки от 1 до 10",
             "items": [{"code": c, "text": t} for c, t in RATINGS]},
            {"code": "facts", "title": "Факты", "items": [
                {"code": "plan_approved", "kind": "single", "options": YES_NO,
                 "text": "Утверждены ли программа и дорожная карта наставничества приказом директора?"},
                {"code": "mentors_trained", "kind": "single", "options": YES_NO,
                 "text": "Прошли ли наставники обучение?"},
                {"code": "meetings_held", "kind": "number", "min": 0, "max": 1000,
                 "text": "Сколько общих мероприятий программы проведено за год?"},
            ]},
            {"code": "open", "title": "Ваше мнение", "items": [
                {"code": "difficulties", "kind": "text", "required": False, "text": "Какие трудности возникли?"},
                {"code": "proposals", "kind": "text", "required": False, "text": "Что предлагаете изменить?"},
            ]},
        ],
        "scales": [
            {"code": "organisation_quality", "title": "Качество организации (среднее)", "items": [c for c, _ in RATINGS]},
            *({"code": c, "title": t, "items": [c]} for c, t in RATINGS),
            {"code": "readiness", "title": "Доля выполненных условий (утверждено, обучены)", "items": ["plan_approved", "mentors_trained"]},
        ],
    }
]
