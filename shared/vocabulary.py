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
