"""Start/end measurement of motivation and competences (stage 2 of the monitoring: оценка
мотивационно-личностного и компетентностного роста). The same instrument is answered at the
start (stage `start`) and at the end (stage `end`); growth is the difference per scale between
a person's two responses."""

from __future__ import annotations

SCALES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "motivation": ("Мотивация", [
        ("mo_interest", "Мне интересно то, чем я занимаюсь в школе"),
        ("mo_goals", "Я ставлю себе цели развития и добиваюсь их"),
        ("mo_self_development", "Я понимаю, что мне нужно для собственного развития и карьеры"),
    ]),
    "competences": ("Компетенции", [
        ("co_tasks", "Я уверенно справляюсь со своими учебными или профессиональными задачами"),
        ("co_new_methods", "Я применяю новые способы работы, которым научился"),
        ("co_independent", "Я могу самостоятельно решить сложную задачу"),
    ]),
    "soft_skills": ("Гибкие навыки и лидерство", [
        ("ss_communication", "Я легко договариваюсь с другими людьми"),
        ("ss_teamwork", "Я умею работать в команде"),
        ("ss_leadership", "Я готов брать на себя ответственность и вести за собой других"),
    ]),
    "engagement": ("Вовлечённость", [
        ("en_activities", "Я участвую в мероприятиях школы (конкурсы, проекты, события)"),
        ("en_belonging", "Я чувствую себя частью коллектива школы"),
        ("en_stay", "Я хочу продолжать учиться или работать в этой школе"),
    ]),
}

HINT = "1 — совсем не согласен, 10 — полностью согласен."

DEFINITIONS = [
    {
        "code": "growth_measurement",
        "version": 1,
        "staged": True,
        "title": "Входная и итоговая диагностика: мотивация и компетенции",
        # The items follow the sense of the methodological recommendations (soft skills, leadership,
        # engagement, motivation, awareness of one's development and career, wish to keep working at
        # the school; the official text was not at hand). Each scale is the mean of its items.
        "description": (
            "Одна и та же анкета заполняется в начале программы наставничества (входная диагностика) и в конце "
            "(итоговая), чтобы увидеть, как вы выросли. Оцените, насколько вы согласны с каждым утверждением: "
            "от 1 (совсем не согласен) до 10 (полностью согласен)."
        ),
        "respondent_roles": ["mentee", "mentor"],
        "sections": [
            {"code": scale, "title": title,
             "items": [{"code": c, "text": t, "kind": "scale", "min": 1, "max": 10, "hint": HINT} for c, t in items]}
            for scale, (title, items) in SCALES.items()
        ],
        "scales": [
            {"code": scale, "title": title, "items": [c for c, _ in items]} for scale, (title, items) in SCALES.items()
        ],
    }
]
