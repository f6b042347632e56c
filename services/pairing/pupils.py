"""What pupils have, as the matcher scores it in forms with pupils (teacher, student or employer
mentoring a pupil): the grade against the mentor's school level, and the pupil's professional
choice against what the mentor shows. Pure tables; `domain.candidate_pairs` applies them."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from shared import vocabulary

from services.pairing.profiles import subject_name

# Forms with pupils. The pupil's grade against the mentor's school level (grades 1..11): a
# primary-school teacher («начальные классы») fits grades 1–4, a subject teacher 5–11 (half in
# 1–4); a student is close in age to seniors choosing a university or college (full in 9–11,
# half in 7–8); an employer shows a profession to those choosing one (full in 8–11, half in 5–7).
GRADE_FIT: dict[str, tuple[float, ...]] = {
    "primary_teacher": (1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0),
    "teacher": (0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1),
    "student": (0, 0, 0, 0, 0, 0, 0.5, 0.5, 1, 1, 1),
    "employer": (0, 0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 1),
}
PRIMARY_STEM = "начальн"
"""A teacher with a subject naming this (начальные классы) teaches grades 1–4."""
# The pupil's professional choice (registry's self-determination) against what the mentor shows:
# a school teacher, someone from a pedagogical partner (педколледж, педуниверситет) or from another
# field (a university, college or employer outside teaching). Undecided: any network partner, half.
CHOICES: tuple[str, ...] = tuple(vocabulary.SELF_DETERMINATION)
FIELDS: tuple[str, ...] = ("school_teacher", "pedagogical", "other")
CHOICE_FIT: dict[str, tuple[float, ...]] = {  # per FIELDS
    "pedagogical": (1, 1, 0),
    "other": (0, 0, 1),
    "undecided": (0, 0.5, 0.5),
}
GRADE_KINDS = tuple(GRADE_FIT)
GRADE_TABLE = np.zeros((len(GRADE_KINDS) + 1, 12), dtype=np.float32)  # row 0: no kind, column 0: no grade
for _k, _kind in enumerate(GRADE_KINDS, start=1):
    GRADE_TABLE[_k, 1:] = GRADE_FIT[_kind]
CHOICE_TABLE = np.zeros((len(CHOICES) + 1, len(FIELDS) + 1), dtype=np.float32)  # row/column 0: unknown
for _c, _choice in enumerate(CHOICES, start=1):
    CHOICE_TABLE[_c, 1:] = CHOICE_FIT[_choice]


def grade_kind(category: str, subjects: Sequence[str]) -> str | None:
    """Which school level a mentor of a form with pupils fits (a key of GRADE_FIT), or None."""
    if category == "teacher":
        return "primary_teacher" if any(PRIMARY_STEM in subject_name(s) for s in subjects) else "teacher"
    return category if category in GRADE_FIT else None


_PEDAGOGICAL = re.compile(r"пед(агог|\.|колледж|институт|университет|вуз|училищ)|учител")


def field_of_work(category: str, subjects: Sequence[str], organisation: str | None = None) -> str | None:
    """What a mentor shows a pupil choosing a profession (a key of FIELDS): a school teacher;
    a student or employer of a pedagogical organisation or with a pedagogical subject; or
    another field. A pupil mentor shows none."""
    if category == "teacher":
        return "school_teacher"
    if category not in ("student", "employer"):
        return None
    names = [subject_name(s) for s in subjects] + [subject_name(organisation or "")]
    return "pedagogical" if any(_PEDAGOGICAL.search(name) for name in names) else "other"
