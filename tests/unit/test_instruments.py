"""The built-in library and custom instruments: validation and hand-computed scores."""

from __future__ import annotations

import pytest

from shared.contracts.surveys import DEFICIT_AREAS, DEFICIT_INSTRUMENT

from services.surveys import domain
from services.surveys.domain import (
    BUILT_IN,
    answer_problems,
    definition_problems,
    form_problems,
    parse_instrument,
    score,
)


def test_every_built_in_instrument_is_valid_russian_and_has_stable_codes() -> None:
    assert len({code for code, _ in BUILT_IN}) >= 13
    for instrument in BUILT_IN.values():
        assert definition_problems(instrument.definition) == []
        assert any("а" <= ch <= "я" for ch in instrument.title.lower())
        assert all(domain.CODE.match(item.code) for item in instrument.items)
        assert instrument.scale_rules, instrument.code


def test_deficit_scales_are_the_areas_pairing_reads_and_higher_means_bigger_deficit() -> None:
    instrument = BUILT_IN[(DEFICIT_INSTRUMENT, 1)]
    assert [rule.code for rule in instrument.scale_rules] == list(DEFICIT_AREAS)
    assert "выше" in instrument.description and "дефицит" in instrument.description
    answers = {item.code: 1 for item in instrument.items if item.kind == "scale"}
    answers.update(st_subject_theory=5, st_pedagogy_theory=4, st_research=3, ict_tools=2, ict_platforms=2, ict_distance=1)
    scores = score(instrument, answers)
    assert scores["scientific_theoretical"] == 4.0  # (5+4+3)/3
    assert scores["ict_digital"] == 1.67  # (2+2+1)/3
    assert scores["methodological"] == 1.0


def test_klimov_ddo_counts_each_type_eight_times_and_scores_choices() -> None:
    instrument = BUILT_IN[("professional_interests_ddo", 1)]
    assert {rule.code: len(rule.sources) for rule in instrument.scale_rules} == {
        "nature": 8, "technology": 8, "human": 8, "sign_system": 8, "artistic_image": 8}
    all_a = {item.code: "a" for item in instrument.items}
    # a-sides: nature 1,6,10,11,16,20; technology 4,9,14,18; human 2,8,12; sign 5,15,19; artistic 3,7,13,17
    assert score(instrument, all_a) == {"nature": 6, "technology": 4, "human": 3, "sign_system": 3, "artistic_image": 4}
    all_b = {item.code: "b" for item in instrument.items}
    assert score(instrument, all_b) == {"nature": 2, "technology": 4, "human": 5, "sign_system": 5, "artistic_image": 4}


def test_satisfaction_v2_adds_yes_no_and_open_items() -> None:
    instrument = BUILT_IN[("satisfaction_mentee", 2)]
    answers = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "group_meetings_useful": 6, "joint_work": 10,
               "expectations_met": 6, "liked_participating": "yes", "want_to_continue": "no", "want_to_mentor": "yes",
               "most_valuable": "Разбор уроков"}
    assert answer_problems(instrument, answers) == []
    scores = score(instrument, answers)
    assert scores["satisfaction"] == 8.0  # (8+9+7+10+6)/5: the group meetings item is apart
    assert (scores["liked_participating_share"], scores["want_to_continue_share"]) == (1.0, 0.0)
    assert "want_to_mentor" not in {i.code for i in BUILT_IN[("satisfaction_mentor", 2)].items}


def test_swot_has_a_variant_per_form_and_counts_ticked_factors() -> None:
    forms = ("teacher_teacher", "teacher_pupil", "pupil_pupil", "student_pupil", "employer_pupil", "employer_student", "head_teacher")
    for form in forms:
        assert BUILT_IN[(f"swot_{form}", 1)].respondent_roles == ("curator",)
    instrument = BUILT_IN[("swot_pupil_pupil", 1)]
    answers = {"strengths_factors": ["motivated_pairs", "form_fit"], "threats_factors": ["burnout"],
               "pairs_count": 4, "overall_rating": 7}
    assert answer_problems(instrument, answers) == []
    assert score(instrument, answers) == {"strengths": 2, "weaknesses": 0, "opportunities": 0, "threats": 1,
                                          "overall_rating": 7, "pairs_count": 4}


def test_curator_questionnaire_scores() -> None:
    instrument = BUILT_IN[("curator_questionnaire", 1)]
    answers = {"organisation": 8, "pairs_formed_well": 6, "mentor_engagement": 7, "mentee_engagement": 9,
               "admin_support": 5, "resources": 10, "plan_approved": "yes", "mentors_trained": "no", "meetings_held": 12}
    scores = score(instrument, answers)
    assert scores["organisation_quality"] == 7.5  # 45/6
    assert scores["readiness"] == 0.5


def test_growth_is_end_minus_start_and_stage_is_required() -> None:
    instrument = BUILT_IN[("growth_measurement", 1)]
    assert instrument.staged
    assert "start" in domain.stage_problem(instrument, None)
    assert domain.stage_problem(BUILT_IN[("satisfaction_mentee", 1)], "start") is not None
    start = score(instrument, {i.code: 4 for i in instrument.items})
    end = score(instrument, {**{i.code: 4 for i in instrument.items}, "mo_interest": 6, "mo_goals": 7, "mo_self_development": 8})
    assert domain.growth(start, end) == {"motivation": 3.0, "competences": 0.0, "soft_skills": 0.0, "engagement": 0.0}


CUSTOM = {
    "code": "school_climate", "version": 1, "title": "Климат в школе", "respondent_roles": ["mentee"],
    "sections": [{"code": "main", "title": "Основное", "items": [
        {"code": "mood", "text": "Настроение", "kind": "scale", "min": 1, "max": 5},
        {"code": "club", "text": "Кружок", "kind": "single", "options": [{"code": "yes", "text": "Да", "value": 1},
                                                                       {"code": "no", "text": "Нет", "value": 0}]},
        {"code": "topics", "text": "Темы", "kind": "multiple", "required": False,
         "options": [{"code": "math", "text": "Математика"}, {"code": "art", "text": "Искусство"}]},
        {"code": "skills", "text": "Навыки", "kind": "matrix", "min": 1, "max": 3,
         "rows": [{"code": "reading", "text": "Чтение"}, {"code": "writing", "text": "Письмо"}]},
        {"code": "hours", "text": "Часов в неделю", "kind": "number", "min": 0, "max": 60},
        {"code": "comment", "text": "Комментарий", "kind": "text", "required": False},
    ]}],
    "scales": [
        {"code": "wellbeing", "method": "mean", "items": ["mood", "club", "skills.reading", "skills.writing"]},
        {"code": "breadth", "method": "sum", "items": ["topics=math", "topics=art"]},
    ],
}


def test_a_custom_instrument_of_every_kind_validates_and_scores() -> None:
    instrument = parse_instrument(CUSTOM)
    answers = {"mood": 4, "club": "yes", "topics": ["art"], "skills": {"reading": 3, "writing": 2}, "hours": 5.5}
    assert answer_problems(instrument, answers) == []
    assert score(instrument, answers) == {"wellbeing": 2.5, "breadth": 1.0}  # (4+1+3+2)/4, one topic


def test_invalid_answers_of_every_kind_are_named() -> None:
    instrument = parse_instrument(CUSTOM)
    problems = {p.item: p.message for p in answer_problems(instrument, {
        "mood": 6, "club": "maybe", "topics": ["math", "chess"], "skills": {"reading": 3}, "hours": "много", "x": 1})}
    assert "вне шкалы" in problems["mood"]
    assert "Выберите один" in problems["club"]
    assert "chess" in problems["topics"]
    assert "Письмо" in problems["skills"]
    assert problems["hours"] == "Ожидается число"
    assert "Неизвестный" in problems["x"]


def test_web_form_fields_become_answers() -> None:
    instrument = parse_instrument(CUSTOM)
    answers, problems = form_problems(instrument, [
        ("mood", "4"), ("club", "no"), ("topics", "math"), ("topics", "art"), ("skills.reading", "1"),
        ("skills.writing", "2"), ("hours", "7,5"), ("comment", "  ")])
    assert problems == []
    assert answers == {"mood": 4, "club": "no", "topics": ["math", "art"], "skills": {"reading": 1, "writing": 2}, "hours": 7.5}
    _, problems = form_problems(instrument, [("mood", "")])
    assert {p.item for p in problems} == {"mood", "club", "skills", "hours"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"code": "Bad Code"}, "code", "латинских"),
    ({"respondent_roles": ["teacher"]}, "respondent_roles", "кто отвечает"),
    ({"sections": []}, "sections", "хотя бы один раздел"),
    ({"scales": [{"code": "s", "items": ["nope"]}]}, "scales[0].items[0]", "нет вопроса «nope»"),
    ({"scales": [{"code": "s", "items": ["skills"]}]}, "scales[0].items[0]", "укажите строку"),
    ({"scales": [{"code": "s", "items": ["topics=chess"]}]}, "scales[0].items[0]", "нет варианта «chess»"),
    ({"scales": [{"code": "s", "method": "median", "items": ["mood"]}]}, "scales[0].method", "mean"),
])
def test_custom_definitions_get_clear_russian_messages_naming_the_field(change: dict, field: str, words: str) -> None:
    problems = definition_problems({**CUSTOM, **change})
    assert any(p.field == field and words in p.message and p.message.startswith(field) for p in problems), problems


def test_item_level_definition_problems() -> None:
    broken = {**CUSTOM, "sections": [{"code": "main", "title": "Основное", "items": [
        {"code": "a", "text": "Шкала", "kind": "scale", "min": 5, "max": 1},
        {"code": "a", "text": "Дубль", "kind": "text"},
        {"code": "c", "text": "Выбор", "kind": "single", "options": [{"code": "x", "text": "Икс"}]},
        {"code": "d", "text": "", "kind": "slider"},
    ]}], "scales": []}
    fields = {p.field: p.message for p in definition_problems(broken)}
    assert "больше нижней" in fields["sections[0].items[0].max"]
    assert "уже есть" in fields["sections[0].items[1].code"]
    assert "двух вариантов" in fields["sections[0].items[2].options"]
    assert "формулировка" in fields["sections[0].items[3].text"]
    assert "slider" in fields["sections[0].items[3].kind"]


def test_response_rate() -> None:
    assert domain.response_rate(3, 2) == 66.7
    assert domain.response_rate(0, 0) is None


def test_a_response_is_about_its_campaigns_form_else_its_swot_variants() -> None:
    from services.surveys.instruments.swot import FORMS

    response_form = domain.response_form
    assert set(domain.VARIANT_FORMS.values()) == set(FORMS) and all((code, 1) in BUILT_IN for code in domain.VARIANT_FORMS)
    assert response_form("swot_teacher_pupil", None) == "teacher_pupil"
    assert response_form("swot_teacher_pupil", "pupil_pupil") == "pupil_pupil"
    assert response_form("satisfaction_mentee", "teacher_teacher") == "teacher_teacher"
    assert response_form("satisfaction_mentee", None) is None
    assert response_form("swot_custom_thing", None) is None
