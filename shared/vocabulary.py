"""The domain's words that every service shows to people: one place for each list (DOMAIN.md).
Pure data; domain modules may import it."""

from __future__ import annotations

# Forms of mentoring by who mentors whom (Р-145, DOMAIN.md). The codes travel in events.
FORMS: dict[str, str] = {
    "teacher_teacher": "учитель – учитель",
    "teacher_pupil": "учитель – ученик",
    "pupil_pupil": "ученик – ученик",
    "student_pupil": "студент – ученик",
    "employer_pupil": "работодатель – ученик",
    "employer_student": "работодатель – студент",
    "head_teacher": "руководитель – учитель",
}

# The smallest group whose answers are broken down (per-item summaries of answers, the ДДО by
# grade or programme): a smaller group is shown as a count only, so no one's answers can be guessed.
MIN_GROUP = 5

# Pupils' professional self-determination, as the school records it (registry, optional).
# The codes travel in events; reports counts the share choosing the pedagogical profession.
SELF_DETERMINATION: dict[str, str] = {
    "undecided": "не определился",
    "pedagogical": "педагогическая профессия",
    "other": "другая сфера",
}
