"""Registry rules: pure functions, no I/O. Messages are for people: Russian."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from shared import vocabulary

YOUNG_SPECIALIST_MAX_AGE = 35
YOUNG_SPECIALIST_MAX_EXPERIENCE = 3

CATEGORIES = vocabulary.CATEGORIES
PARTNER_KINDS = vocabulary.PARTNER_KINDS
ROLES = vocabulary.ROLES

FORMS = vocabulary.FORMS
"""Forms of mentoring by who mentors whom (Р-145, DOMAIN.md); the same codes as pairing's."""

STAGES = vocabulary.STAGES
"""Stages of a programme (DOMAIN.md), in order. `closed` ends every enrolment."""

AGE_BANDS = vocabulary.AGE_BANDS

ERASED_NAME = "Участник (данные удалены)"


def is_young_specialist(
    category: str,
    birth_year: int | None,
    experience_years: int | None,
    today: date,
    age_band: str | None = None,
) -> bool:
    """Молодой специалист: a teacher under 35, or in the first three years of work. The age comes
    from the birth year when the school gave one, else from the age band."""
    if category != "teacher":
        return False
    if birth_year is not None:
        young_by_age = today.year - birth_year < YOUNG_SPECIALIST_MAX_AGE
    else:
        young_by_age = age_band == "under_35"
    young_by_experience = experience_years is not None and experience_years <= YOUNG_SPECIALIST_MAX_EXPERIENCE
    return young_by_age or young_by_experience


SELF_DETERMINATION = vocabulary.SELF_DETERMINATION
"""Pupils' professional self-determination, recorded by the school (optional)."""


SCHOOL_LIMITS: dict[str, int] = {"school_id": 64, "name": 300, "municipality_id": 64, "municipality_name": 200}
PROGRAMME_LIMITS: dict[str, int] = {"code": 64, "title": 300}
"""The longest school and programme fields, in characters: the API's bodies and the importer's rows alike."""


def too_long(values: dict, limits: dict[str, int]) -> tuple[str, int] | None:
    """(field, limit) of the first value longer than its limit, or None."""
    return next(((name, limit) for name, limit in limits.items()
                 if isinstance(values.get(name), str) and len(values[name]) > limit), None)


def person_problems(
    category: str, grade: int | None, partner_id: str | None, self_determination: str | None = None,
    class_direction: str | None = None,
) -> list[tuple[str, str, str]]:
    """Every (field, why in Russian, why in English) a person's fields do not fit their category:
    the one home of these rules, for the API, the pages, the school's commands and the importer."""
    pupil = category == "pupil"
    checks = [
        (pupil and grade is None, "grade", "Для обучающегося укажите класс (grade)", "A pupil needs a grade"),
        (not pupil and grade is not None, "grade", "Класс (grade) указывается только для обучающегося", "Only pupils have a grade"),
        (partner_id is not None and category not in ("student", "employer"), "partner_id",
         "Организация-партнёр указывается только для студента или представителя работодателя",
         "Only students and employer representatives have a partner organisation"),
        (self_determination is not None and not pupil, "self_determination",
         "Профессиональное самоопределение указывается только для обучающегося",
         "Only pupils have a professional self-determination"),
        (self_determination is not None and self_determination not in SELF_DETERMINATION, "self_determination",
         "Профессиональное самоопределение: одно из " + ", ".join(f"{code} ({label})" for code, label in SELF_DETERMINATION.items()),
         "Unknown professional self-determination"),
        (class_direction is not None and not pupil, "class_direction",
         "Направление класса указывается только для обучающегося", "Only pupils have a class direction"),
    ]
    return [(field, ru, en) for failed, field, ru, en in checks if failed]


def person_problem(
    category: str, grade: int | None, partner_id: str | None, self_determination: str | None = None,
    class_direction: str | None = None,
) -> tuple[str, str] | None:
    """(field, why) of the first of person_problems, or None."""
    problems = person_problems(category, grade, partner_id, self_determination, class_direction)
    return (problems[0][0], problems[0][1]) if problems else None


def consent_problem(category: str, given_by: str, representative_name: str | None) -> tuple[str, str] | None:
    """(field, why) a consent cannot be accepted as given, or None. For a pupil (a minor) only
    the legal representative consents (152-ФЗ, ст. 9)."""
    if category == "pupil" and given_by != "legal_representative":
        return "consent.given_by", "Согласие на обработку персональных данных обучающегося даёт законный представитель"
    return None


def no_consent_message(category: str) -> str:
    if category == "pupil":
        return (
            "Нет согласия законного представителя на обработку персональных данных обучающегося (152-ФЗ): "
            "зачислить в программу нельзя. Внесите согласие родителя или законного представителя."
        )
    return (
        "Нет согласия участника на обработку персональных данных (152-ФЗ): зачислить в программу нельзя. "
        "Внесите согласие участника."
    )


def enrolment_problem(role: str, category: str, capacity: int | None) -> str | None:
    """Why this enrolment cannot be made, or None."""
    if role == "mentor" and not capacity:
        return "Для наставника укажите вместимость (capacity): сколько наставляемых одновременно"
    if role != "mentor" and capacity is not None:
        return "Вместимость (capacity) указывается только для наставника"
    if role == "curator" and category != "teacher":
        return "Куратором может быть только педагог"
    return None


def forms_problem(forms: list[str]) -> str | None:
    unknown = [form for form in forms if form not in FORMS]
    if unknown:
        return f"Неизвестные формы наставничества: {', '.join(unknown)}; допустимые: {', '.join(FORMS)}"
    return None


def stage_problem(current: str, new: str) -> str | None:
    if new not in STAGES:
        return f"Неизвестный этап {new}; допустимые: {', '.join(STAGES)}"
    if current == "closed" and new != "closed":
        return "Программа завершена: этап больше не меняется"
    return None


def external_id_hash(secret: str, school_id: str, external_id: str) -> str:
    """A keyed hash kept after erasure, so that a withdrawn person is recognised if a school's
    file brings them back — without keeping the school system's id itself."""
    message = f"{school_id}\x1f{external_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def reappearance_problem(withdrawn_on: date, consent_date: date | None) -> str | None:
    """A withdrawn person comes back (e.g. in a school's old file): only with a newer consent."""
    if consent_date is None or consent_date <= withdrawn_on:
        return (
            f"Участник отозвал согласие или выбыл {withdrawn_on:%d.%m.%Y}: повторно внести его можно "
            "только с новым согласием (дата согласия позже этой даты)"
        )
    return None
