"""The domain's closed lists — the words every service shows to people and the codes that
travel in events: one home for each (DOMAIN.md). Pure data, standard library only, so domain
modules and contracts alike import it; a new form, category or area is added here only.

The contracts' Literal types (`Form`, `Category`) are written here next to their lists, and
checked against them when this module is imported."""

from __future__ import annotations

from typing import Literal, get_args

# -- forms of mentoring ---------------------------------------------------------------------

Form = Literal["teacher_teacher", "teacher_pupil", "pupil_pupil", "student_pupil", "employer_pupil", "employer_student", "head_teacher"]
"""Form by who mentors whom (учитель – учитель, …, руководитель – учитель): the contracts' type."""

FORMS: dict[str, str] = {
    "teacher_teacher": "учитель – учитель",
    "teacher_pupil": "учитель – ученик",
    "pupil_pupil": "ученик – ученик",
    "student_pupil": "студент – ученик",
    "employer_pupil": "работодатель – ученик",
    "employer_student": "работодатель – студент",
    "head_teacher": "руководитель – учитель",
}
"""Forms of mentoring by who mentors whom (Р-145, DOMAIN.md), with their Russian names."""

FORM_CATEGORIES: dict[str, tuple[str, str]] = {
    "teacher_teacher": ("teacher", "teacher"),
    "teacher_pupil": ("teacher", "pupil"),
    "pupil_pupil": ("pupil", "pupil"),
    "student_pupil": ("student", "pupil"),
    "employer_pupil": ("employer", "pupil"),
    "employer_student": ("employer", "student"),
    "head_teacher": ("teacher", "teacher"),
}
"""Per form, the categories of the mentor and of the mentee (Р-145 and DOMAIN.md)."""

FORM_PARTIES: dict[str, tuple[str, str]] = {
    "teacher_teacher": ("опытный педагог", "молодой или вновь пришедший педагог"),
    "teacher_pupil": ("педагог", "обучающийся"),
    "pupil_pupil": ("старший обучающийся", "младший обучающийся"),
    "student_pupil": ("студент вуза или колледжа", "обучающийся"),
    "employer_pupil": ("представитель предприятия", "обучающийся"),
    "employer_student": ("представитель предприятия", "студент"),
    "head_teacher": ("руководитель (администрация школы)", "педагог"),
}
"""Per form, who the mentor and the mentee are, in words (the SWOT questionnaire's variants)."""

HowForm = Literal["one_to_one", "group", "reverse", "situational", "flash", "virtual"]
"""Form by how (традиционная, групповая, реверсивная, ситуационная, флеш, виртуальная): the contracts' type."""

HOW_FORMS: dict[str, str] = {
    "one_to_one": "традиционная (один на один)",
    "group": "групповая (один наставник, группа)",
    "reverse": "реверсивная (младший наставляет старшего)",
    "situational": "ситуационная (помощь в одной ситуации)",
    "flash": "флеш-наставничество (короткие встречи, без учёта вместимости)",
    "virtual": "виртуальная (дистанционная, без привязки к школе)",
}
"""Forms by how (seed 001). A pairing has one form by who (FORM_CATEGORIES) and one by how."""

# -- programmes ----------------------------------------------------------------------------

ProgrammeStage = Literal["preparing", "forming_bases", "training", "pairing", "running", "closed"]
"""A programme's stage: the contracts' type."""

STAGES: dict[str, str] = {
    "preparing": "подготовка к запуску",
    "forming_bases": "формирование баз наставляемых и наставников",
    "training": "отбор и обучение наставников",
    "pairing": "формирование пар и групп",
    "running": "работа пар и групп",
    "closed": "завершение программы",
}
"""Stages of a programme (DOMAIN.md), in order. `closed` ends every enrolment."""

Role = Literal["mentor", "mentee", "curator"]
"""A person's role in a programme (an enrolment), and a respondent's: the contracts' type."""

ROLES: dict[str, str] = {"mentor": "наставник", "mentee": "наставляемый", "curator": "куратор"}

PartnerKind = Literal["university", "college", "employer"]
PARTNER_KINDS: dict[str, str] = {"university": "вуз", "college": "колледж", "employer": "работодатель"}
"""Kinds of a school's network partners."""

# -- participants ---------------------------------------------------------------------------

Category = Literal["teacher", "pupil", "student", "employer"]
"""A participant's category: the contracts' type."""

CATEGORIES: dict[str, str] = {
    "teacher": "педагог",
    "pupil": "обучающийся",
    "student": "студент",
    "employer": "представитель работодателя",
}
"""Participant categories, one person (the registry's lists and forms)."""

CATEGORY_GROUPS: dict[str, str] = {"teacher": "педагоги", "pupil": "обучающиеся", "student": "студенты", "employer": "работодатели"}
"""The same categories, as groups of people (the reports' breakdowns)."""

AgeBand = Literal["under_35", "35_plus"]
AGE_BANDS: dict[str, str] = {"under_35": "до 35 лет", "35_plus": "35 лет и старше"}
"""A teacher's age band, where the school gives no birth year (young specialists are under 35)."""

SelfDetermination = Literal["undecided", "pedagogical", "other"]
SELF_DETERMINATION: dict[str, str] = {
    "undecided": "не определился",
    "pedagogical": "педагогическая профессия",
    "other": "другая сфера",
}
"""Pupils' professional self-determination, as the school records it (registry, optional).
The codes travel in events; reports counts the share choosing the pedagogical profession."""

# -- the monitoring's instruments and their scales -------------------------------------------

DEFICIT_INSTRUMENT = "deficit_self_diagnosis"
INTERESTS_INSTRUMENT = "professional_interests_ddo"
GROWTH_INSTRUMENT = "growth_measurement"
CURATOR_INSTRUMENT = "curator_questionnaire"

DEFICIT_AREAS: dict[str, str] = {
    "scientific_theoretical": "научно-теоретические",
    "regulatory_legal": "нормативные правовые",
    "subject_professional": "предметно-профессиональные",
    "psychological_pedagogical": "психолого-педагогические",
    "methodological": "методические",
    "ict_digital": "ИКТ-компетенции и цифровизация",
    "extracurricular_upbringing": "внеурочная и воспитательная деятельность",
    "health_saving": "здоровьесбережение обучающихся",
}
"""Areas of professional deficits (seed 003): the scale codes of the deficit self-diagnosis
(`deficit_self_diagnosis`), which pairing reads from surveys.response.completed.v1 scores."""
DEFICIT_SCALE: tuple[int, int] = (1, 5)
"""Range of each area's score in the deficit self-diagnosis: 1 — no difficulty, 5 — a serious
deficit (the mean of the area's items, each rated on this range)."""

INTEREST_TYPES: dict[str, str] = {
    "nature": "человек – природа",
    "technology": "человек – техника",
    "human": "человек – человек",
    "sign_system": "человек – знаковая система",
    "artistic_image": "человек – художественный образ",
}
"""The scale codes of the pupils' professional-interest diagnostic (Климов's ДДО): the five
types of profession."""
INTEREST_SCALE: tuple[int, int] = (0, 8)
"""Range of each type's score in the professional-interest diagnostic: its choices out of 20."""

# -- the programme's year (issue 15) ---------------------------------------------------------

DocumentKind = Literal["order", "regulation", "roadmap", "curator_order", "other"]
DOCUMENT_KINDS: dict[str, str] = {
    "order": "приказ о внедрении целевой модели наставничества",
    "regulation": "положение о наставничестве",
    "roadmap": "дорожная карта реализации программы",
    "curator_order": "приказ о назначении куратора",
    "other": "другой документ",
}
"""Kinds of a school programme's documents (seed 000 «Приказ, Положение», «Дорожная карта»;
seed 001 «куратор назначается приказом директора»)."""
REQUIRED_DOCUMENTS: tuple[str, ...] = ("order", "regulation", "roadmap")
"""The three documents a regional monitoring checks first: a school has all of them or not."""

ActivityKind = Literal["kickoff", "training", "open_lesson", "lesson_visit", "workshop", "conference", "other"]
ACTIVITY_KINDS: dict[str, str] = {
    "kickoff": "установочная встреча",
    "training": "обучение наставников",
    "open_lesson": "открытый урок",
    "lesson_visit": "методический аудит (посещение уроков)",
    "workshop": "семинар, мастер-класс",
    "conference": "итоговая конференция",
    "other": "другое мероприятие",
}
"""Kinds of a programme's activities — «система программных мероприятий» of seed 001."""

TrainingKind = Literal["course", "intensive", "seminar", "internship", "other"]
TRAINING_KINDS: dict[str, str] = {
    "course": "курсы повышения квалификации",
    "intensive": "образовательный интенсив",
    "seminar": "семинар, вебинар",
    "internship": "стажировка",
    "other": "другое обучение",
}
"""How a mentor was trained (seed 002 «образовательные интенсивы … не менее 1 раза в полугодии»)."""

RecognitionKind = Literal["contest", "award", "iku", "olympiad"]
RECOGNITION_KINDS: dict[str, str] = {
    "contest": "конкурс профессионального мастерства",
    "award": "награда, поощрение",
    "iku": "исследование компетенций учителей (ИКУ)",
    "olympiad": "олимпиада для учителей",
}
RecognitionLevel = Literal["school", "municipal", "regional", "federal"]
RECOGNITION_LEVELS: dict[str, str] = {
    "school": "школьный", "municipal": "муниципальный", "regional": "региональный", "federal": "федеральный",
}
RecognitionResult = Literal["participant", "prize_winner", "winner"]
RECOGNITION_RESULTS: dict[str, str] = {"participant": "участник", "prize_winner": "призёр", "winner": "победитель"}
"""Recognition of mentors (seed 001 «конкурсы профессионального мастерства», ИКУ; seed 004
«данные о количестве участников»)."""

SchoolLevel = Literal["primary", "basic", "secondary"]
SCHOOL_LEVELS: dict[str, str] = {"primary": "начальное общее", "basic": "основное общее", "secondary": "среднее общее"}
"""Levels of general education a practice is for (the bank of practices' search)."""

PracticeStatus = Literal["draft", "submitted", "under_review", "published", "returned", "withdrawn"]
PRACTICE_STATUSES: dict[str, str] = {
    "draft": "черновик",
    "submitted": "подана",
    "under_review": "на экспертизе",
    "published": "опубликована",
    "returned": "возвращена на доработку",
    "withdrawn": "снята с публикации",
}
"""A practice's way through the region's review: submitted → under review → published, or
returned with a comment (and submitted again); a published one may be withdrawn."""

RoadmapStatus = Literal["planned", "in_progress", "done", "cancelled"]
ROADMAP_STATUSES: dict[str, str] = {
    "planned": "запланировано", "in_progress": "выполняется", "done": "выполнено", "cancelled": "отменено",
}
"""The execution status of an item of the regional roadmap (seed 004)."""

MeetingFormat = Literal["in_person", "online"]
MEETING_FORMATS: dict[str, str] = {"in_person": "очно", "online": "онлайн"}
"""How a pair's meeting was held (the pair's working log in pairing)."""

# -- reporting --------------------------------------------------------------------------------

MIN_GROUP = 5
"""The smallest group whose answers are broken down (per-item summaries of answers, the ДДО by
grade or programme): a smaller group is shown as a count only, so no one's answers can be guessed."""

assert get_args(Form) == tuple(FORMS) == tuple(FORM_CATEGORIES) == tuple(FORM_PARTIES), "the forms' lists disagree"
assert get_args(Category) == tuple(CATEGORIES) == tuple(CATEGORY_GROUPS), "the categories' lists disagree"
for _type, _names in ((HowForm, HOW_FORMS), (ProgrammeStage, STAGES), (Role, ROLES), (PartnerKind, PARTNER_KINDS),
                      (AgeBand, AGE_BANDS), (SelfDetermination, SELF_DETERMINATION),
                      (DocumentKind, DOCUMENT_KINDS), (ActivityKind, ACTIVITY_KINDS), (TrainingKind, TRAINING_KINDS),
                      (RecognitionKind, RECOGNITION_KINDS), (RecognitionLevel, RECOGNITION_LEVELS),
                      (RecognitionResult, RECOGNITION_RESULTS), (SchoolLevel, SCHOOL_LEVELS),
                      (PracticeStatus, PRACTICE_STATUSES), (RoadmapStatus, ROADMAP_STATUSES),
                      (MeetingFormat, MEETING_FORMATS)):
    assert get_args(_type) == tuple(_names), f"{_type} disagrees with its names"
