"""Mentee's and mentor's satisfaction questionnaires of the target model (анкеты
удовлетворённости). Version 1: the five 1–10 ratings and two open items (kept as it was);
version 2 adds the yes/no items and splits personal and group meetings."""

from __future__ import annotations

# The items follow the sense of the target model's questionnaire (its official wording was not
# at hand); respondents read only NOTE, which says how to answer.
NOTE = (
    "Анкета удовлетворённости участника программы наставничества. Оцените, насколько вы довольны "
    "программой: от 1 (самый низкий балл) до 10 (самый высокий)."
)
RATINGS = ("effectiveness", "comfort", "meetings_useful", "joint_work", "expectations_met")


def _ratings(partner: str) -> list[dict]:
    return [
        {"code": "effectiveness", "text": "Насколько эффективной была программа наставничества?"},
        {"code": "comfort", "text": f"Насколько комфортно было общение с {partner}?"},
        {"code": "meetings_useful", "text": "Насколько полезными были личные и групповые встречи?"},
        {"code": "joint_work", "text": "Насколько вы довольны совместной работой?"},
        {"code": "expectations_met", "text": "Насколько оправдались ваши ожидания?"},
    ]


OPEN = [
    {"code": "most_valuable", "kind": "text", "required": False, "text": "Что было особенно ценным?"},
    {"code": "missing", "kind": "text", "required": False, "text": "Чего не хватило?"},
]


def _v1(code: str, role: str, who: str, partner: str) -> dict:
    return {
        "code": code,
        "version": 1,
        "title": f"Анкета удовлетворённости ({who})",
        "description": NOTE,
        "respondent_roles": [role],
        "sections": [
            {"code": "ratings", "title": "Оценки от 1 до 10", "items": _ratings(partner)},
            {"code": "open", "title": "Ваше мнение", "items": OPEN},
        ],
        "scales": [{"code": "satisfaction", "title": "Удовлетворённость (среднее)", "items": list(RATINGS)}]
        + [{"code": r, "title": r, "items": [r]} for r in RATINGS],
    }


def _v2(code: str, role: str, who: str, partner: str) -> dict:
    yes_no = [{"code": "yes", "text": "Да", "value": 1}, {"code": "no", "text": "Нет", "value": 0}]
    extra_yes_no = [
        {"code": "liked_participating", "kind": "single", "options": yes_no,
         "text": "Понравилось ли вам участвовать в программе наставничества?"},
        {"code": "want_to_continue", "kind": "single", "options": yes_no,
         "text": "Хотели бы вы продолжить работу в программе наставничества?"},
    ]
    if role == "mentee":
        extra_yes_no.append({"code": "want_to_mentor", "kind": "single", "options": yes_no,
                             "text": "Хотели бы вы в будущем сами стать наставником?"})
    ratings = _ratings(partner)
    ratings[2] = {"code": "meetings_useful", "text": "Насколько полезными были личные встречи?"}
    ratings.insert(3, {"code": "group_meetings_useful", "required": False,
                       "text": "Насколько полезными были групповые встречи (если они были)?"})
    return {
        "code": code,
        "version": 2,
        "title": f"Анкета удовлетворённости ({who})",
        "description": NOTE + " В конце ответьте на несколько вопросов «да» или «нет».",
        "respondent_roles": [role],
        "sections": [
            {"code": "ratings", "title": "Оценки от 1 до 10", "items": ratings},
            {"code": "yes_no", "title": "Да или нет", "items": extra_yes_no},
            {"code": "open", "title": "Ваше мнение", "items": OPEN},
        ],
        "scales": [{"code": "satisfaction", "title": "Удовлетворённость (среднее)", "items": list(RATINGS)}]
        + [{"code": r, "title": r, "items": [r]} for r in (*RATINGS, "group_meetings_useful")]
        + [{"code": f"{i['code']}_share", "title": i["text"], "items": [i["code"]]} for i in extra_yes_no],
    }


DEFINITIONS = [
    _v1("satisfaction_mentee", "mentee", "наставляемого", "наставником"),
    _v1("satisfaction_mentor", "mentor", "наставника", "наставляемым"),
    _v2("satisfaction_mentee", "mentee", "наставляемого", "наставником"),
    _v2("satisfaction_mentor", "mentor", "наставника", "наставляемым"),
]
