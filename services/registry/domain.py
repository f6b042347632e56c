"""Registry rules: pure functions, no I/O."""

from __future__ import annotations

from datetime import date

YOUNG_SPECIALIST_MAX_AGE = 35
YOUNG_SPECIALIST_MAX_EXPERIENCE = 3


def is_young_specialist(category: str, birth_year: int | None, experience_years: int | None, today: date) -> bool:
    """Молодой специалист: a teacher under 35, or in the first three years of work."""
    if category != "teacher":
        return False
    young_by_age = birth_year is not None and today.year - birth_year < YOUNG_SPECIALIST_MAX_AGE
    young_by_experience = experience_years is not None and experience_years <= YOUNG_SPECIALIST_MAX_EXPERIENCE
    return young_by_age or young_by_experience


def enrolment_problem(role: str, category: str, capacity: int | None) -> str | None:
    """Why this enrolment cannot be made, or None. Messages are for people: Russian."""
    if role == "mentor" and not capacity:
        return "Для наставника укажите вместимость (capacity): сколько наставляемых одновременно"
    if role != "mentor" and capacity is not None:
        return "Вместимость (capacity) указывается только для наставника"
    if role == "curator" and category != "teacher":
        return "Куратором может быть только педагог"
    return None
