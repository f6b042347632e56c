"""Profiles the matcher reads: deficit levels from the deficit diagnostic, a mentor's strengths
from their own diagnostic or, without one, from their subjects and experience."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shared.contracts.surveys import DEFICIT_AREAS, INTEREST_SCALE, INTEREST_TYPES
from shared.contracts.surveys import DEFICIT_SCALE as SURVEYS_DEFICIT_SCALE

# Strengths a mentor without a diagnostic gets from the registry's subjects (seed 001's list).
_SUBJECT_AREAS: dict[str, tuple[str, ...]] = {
    "информатик": ("ict_digital",),
    "психолог": ("psychological_pedagogical",),
    "классное руководство": ("extracurricular_upbringing",),
    "воспитат": ("extracurricular_upbringing",),
    "физическая культура": ("health_saving",),
    "управлен": ("regulatory_legal",),
}


def strengths_from_subjects(subjects: Sequence[str], experience_years: int | None) -> dict[str, float]:
    """A mentor's strengths when no diagnostic is known: subject work and methods from having
    subjects at all (more with experience), and a few areas named by the subject itself."""
    if not subjects:
        return {}
    seasoned = 1.0 if (experience_years or 0) >= 10 else 0.7
    strengths = {"subject_professional": seasoned, "methodological": round(seasoned * 0.8, 2)}
    for subject in subjects:
        for stem, areas in _SUBJECT_AREAS.items():
            if stem in subject.lower():
                for area in areas:
                    strengths[area] = 1.0
    return strengths


DEFICIT_SCALE: tuple[float, float] = tuple(float(v) for v in SURVEYS_DEFICIT_SCALE)  # type: ignore[assignment]
"""The deficit diagnostic's range per area, from the surveys contract (1 = no deficit)."""


def deficit_levels(scores: Mapping[str, float], scale: tuple[float, float] = DEFICIT_SCALE) -> dict[str, float]:
    """Deficit diagnostic scores (per area code) → levels 0..1 (1 = strong deficit); codes
    outside the known areas are ignored."""
    low, high = scale
    return {
        area: round(min(max((float(value) - low) / (high - low), 0.0), 1.0), 3)
        for area, value in scores.items()
        if area in DEFICIT_AREAS
    }


def strength_levels(deficits: Mapping[str, float]) -> dict[str, float]:
    """A mentor's own diagnostic: a low deficit is a strength."""
    return {area: round(1.0 - level, 3) for area, level in deficits.items()}


# What a mentor's work offers a pupil, by Климов's five types: teaching is a «человек – человек»
# profession; a subject (or an employer's field named as a subject) adds its own type.
_SUBJECT_TYPES: dict[str, str] = {
    "матем": "sign_system",
    "информатик": "sign_system",
    "програм": "sign_system",
    "экономик": "sign_system",
    "физик": "technology",
    "технолог": "technology",
    "инженер": "technology",
    "черчен": "technology",
    "биолог": "nature",
    "хими": "nature",
    "географ": "nature",
    "эколог": "nature",
    "сельск": "nature",
    "литератур": "artistic_image",
    "музык": "artistic_image",
    "изобразительн": "artistic_image",
    "искусств": "artistic_image",
    "дизайн": "artistic_image",
    "истори": "human",
    "обществознан": "human",
    "психолог": "human",
    "педагог": "human",
}


def interest_levels(scores: Mapping[str, float], scale: tuple[int, int] = INTEREST_SCALE) -> dict[str, float]:
    """Professional-interest diagnostic scores (per type) → levels 0..1; other codes ignored."""
    low, high = scale
    return {
        kind: round(min(max((float(value) - low) / (high - low), 0.0), 1.0), 3)
        for kind, value in scores.items()
        if kind in INTEREST_TYPES
    }


def offered_types(category: str, subjects: Sequence[str]) -> dict[str, float]:
    """The types of profession a teacher, student or employer mentor shows a pupil."""
    offered = {"human": 1.0} if category in ("teacher", "student") else {}
    for subject in subjects:
        for stem, kind in _SUBJECT_TYPES.items():
            if stem in subject.lower():
                offered[kind] = 1.0
    return offered


def subject_name(subject: str) -> str:
    """The one spelling of a subject name the matcher compares: trimmed, lower case, single spaces."""
    return " ".join(subject.split()).lower()


def subject_terms(subject: str, vocabulary: Mapping[str, str]) -> set[str]:
    """A subject and what it belongs to in the region's vocabulary (a synonym or a narrower
    subject → its subject, followed up the chain): «алгебра» → {«алгебра», «математика»}."""
    name = subject_name(subject)
    terms = {name}
    while name in vocabulary and vocabulary[name] not in terms:
        name = vocabulary[name]
        terms.add(name)
    return terms
