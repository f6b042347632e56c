"""The written analysis generated from indicators (services/reports/analysis.py): exact
sentences for counters computed by hand, what it says when data is missing, numbers in
Russian format, and the recommendations' rules."""

from __future__ import annotations

from services.reports import analysis, domain
from services.reports.analysis import AttentionSchool, Inputs

YEAR = "2026/2027"
MINUS = "\u2212"


def municipality_counters() -> dict[str, float]:
    """Two schools, one running a programme; 4 of 6 pupils are mentees; 4 pairs (2 active, 1
    completed, 1 terminated); two mentees' satisfaction answers, 8 and 7 (one high, one mid);
    two mentees' start and end deficit diagnostics; two SWOT answers."""
    return {
        "schools_total": 2, "schools_with_programme": 1,
        "pupils_total": 6, "mentees_pupils": 4, "mentees_pupil": 4, "mentors_total": 3, "mentees_total": 5, "mentees_teacher": 1,
        "young_specialists_total": 2, "mentees_young_specialists": 1,
        "pairs_formed": 4, "pairs_active": 2, "pairs_completed": 1, "pairs_terminated": 1,
        "pair_mentee_slots_active": 3, "mentors_with_active_pairs": 2,
        "mentee_satisfaction_sum": 15, "mentee_satisfaction_count": 2, "mentee_satisfaction_high": 1, "mentee_satisfaction_mid": 1,
        # methodological 4 → 2 (two mentees: 8/2 → 4/2), ICT 3 → 2,5
        "deficit_start_sum_methodological": 8, "deficit_start_count_methodological": 2,
        "deficit_end_sum_methodological": 4, "deficit_end_count_methodological": 2,
        "deficit_start_sum_ict_digital": 6, "deficit_start_count_ict_digital": 2,
        "deficit_end_sum_ict_digital": 5, "deficit_end_count_ict_digital": 2,
        "growth_measured": 2, "growth_change_sum": -2.5, "growth_improved": 2,
        "swot_sum_strengths": 7, "swot_count_strengths": 2, "swot_sum_weaknesses": 3, "swot_count_weaknesses": 2,
    }


def inputs(counters: dict[str, float], level: str = "municipality", **extra) -> Inputs:
    return Inputs(level=level, title="Северный район", academic_year=YEAR, values=domain.compute(counters), **extra)


def sections(data: Inputs) -> dict[str, str]:
    return {s.title: s.text for s in analysis.generate(data)}


def test_coverage_against_the_target_in_russian_numbers() -> None:
    text = sections(inputs(municipality_counters(), schools_total=2))["Охват наставничеством"]
    # 4 of 6 pupils = 66,7 %; against 70 %: 66,666…/70 × 100 = 95,2 %; 70 − 66,7 = 3,3 p.p.; young: 1 of 2
    assert text == (
        "Программы наставничества реализуют 1 из 2 школ (50\u00a0%). "
        "В наставничество вовлечено 66,7\u00a0% обучающихся (4 чел.) при целевом показателе 70\u00a0%; "
        "целевой показатель выполнен на 95,2\u00a0%. До целевого показателя не хватает 3,3 п. п. "
        "Наставников — 3, наставляемых педагогов — 1. "
        "Доля молодых специалистов, вовлечённых в наставничество, — 50\u00a0%."
    )


def test_target_reached_and_missing_population_said_plainly() -> None:
    reached = sections(inputs({**municipality_counters(), "mentees_pupils": 5, "mentees_pupil": 5}))["Охват наставничеством"]
    assert "Целевой показатель охвата обучающихся достигнут." in reached  # 5 of 6 = 83,3 %
    assert "не хватает" not in reached
    empty = sections(inputs({}))["Охват наставничеством"]
    assert empty == ("Данных о школах нет. Данных о численности обучающихся нет: охват обучающихся наставничеством не рассчитан. "
                     "Наставники и наставляемые педагоги в этом учебном году не зачислены. Данных о молодых специалистах нет.")


def test_pairs_and_mentor_load() -> None:
    text = sections(inputs({**municipality_counters(), "mentors_over_capacity": 1}))["Пары наставничества"]
    # 3 mentees in active pairs / 2 mentors = 1,5
    assert text == ("Сформировано пар: 4; действуют — 2, завершили работу — 1, прекращены досрочно — 1. "
                    "На одного наставника в действующих парах приходится в среднем 1,5 наставляемых. "
                    "Сверх допустимой нагрузки работают наставники: 1.")
    assert sections(inputs({}))["Пары наставничества"] == "Пары наставничества в этом учебном году не сформированы."


def test_satisfaction_means_and_bands() -> None:
    text = sections(inputs(municipality_counters()))["Удовлетворённость участников"]
    # (15 / 2) = 7,5; one of two answers high, one mid
    assert text == ("Средний балл удовлетворённости наставляемых — 7,5 из 10 (анкет: 2); оценки: высокие (8–10 баллов) — 50\u00a0%, "
                    "средние (5–7 баллов) — 50\u00a0%, низкие (1–4 балла) — 0\u00a0%. "
                    "Анкет удовлетворённости наставников нет — их удовлетворённость не оценена.")


def test_growth_by_deficit_area_names_the_most_and_least_improved() -> None:
    text = sections(inputs(municipality_counters()))["Рост по областям профессиональных дефицитов"]
    # mean change −2,5 / 2 = −1,25; methodological fell by 2, ICT by 0,5
    assert text == (f"Входную и итоговую самодиагностику прошли наставляемые: 2; дефициты уменьшились у 100\u00a0% из них, "
                    f"среднее изменение — {MINUS}1,25 балла (отрицательное — дефициты уменьшились). "
                    "Сильнее всего дефицит снизился в области «методические» (с 4 до 2), меньше всего — в области "
                    "«ИКТ-компетенции и цифровизация» (с 3 до 2,5).")


def test_growth_not_measured_without_the_end_diagnostic() -> None:
    start_only = {k: v for k, v in municipality_counters().items() if not k.startswith(("deficit_end", "growth_"))}
    data = inputs(start_only)
    assert sections(data)["Рост по областям профессиональных дефицитов"] == (
        "Есть только входная самодиагностика профессиональных дефицитов; итоговой пока нет — рост не измерен.")
    assert "Рекомендуется в конце года провести итоговую самодиагностику, чтобы измерить рост наставляемых." in analysis.recommendations(data)
    assert sections(inputs({}))["Рост по областям профессиональных дефицитов"] == (
        "Самодиагностики профессиональных дефицитов нет: рост наставляемых не измерен.")


def test_a_deficit_that_grew_is_named() -> None:
    counters = {**municipality_counters(), "deficit_end_sum_ict_digital": 8}  # ICT 3 → 4
    text = sections(inputs(counters))["Рост по областям профессиональных дефицитов"]
    assert text.endswith("Дефицит снизился в области «методические» (с 4 до 2). "
                         "Дефицит вырос в областях: «ИКТ-компетенции и цифровизация» (с 3 до 4).")
    assert analysis.recommendations(inputs(counters))[-1] == (
        "Рекомендуется уделить больше внимания области «ИКТ-компетенции и цифровизация» в планах развития: дефицит в ней вырос.")
    unchanged = {**municipality_counters(), "deficit_end_sum_ict_digital": 6}  # ICT 3 → 3
    assert sections(inputs(unchanged))["Рост по областям профессиональных дефицитов"].endswith(
        "Дефицит снизился в области «методические» (с 4 до 2). Не изменился дефицит в областях: «ИКТ-компетенции и цифровизация» (3).")


def test_swot_highlights() -> None:
    counters = {**municipality_counters(), "swot_responses_teacher_teacher": 1, "swot_responses_teacher_pupil": 1,
                "swot_sum_strengths_teacher_teacher": 5, "swot_count_strengths_teacher_teacher": 1,
                "swot_sum_strengths_teacher_pupil": 2, "swot_count_strengths_teacher_pupil": 1,
                "swot_sum_weaknesses_teacher_teacher": 1, "swot_count_weaknesses_teacher_teacher": 1,
                "swot_sum_weaknesses_teacher_pupil": 2, "swot_count_weaknesses_teacher_pupil": 1}
    text = sections(inputs(counters))["SWOT-анализ"]
    assert text == ("Отмечено факторов в среднем на анкету: сильные стороны — 3,5; слабые стороны — 1,5. "
                    "Сильных сторон и возможностей отмечено больше, чем слабых сторон и угроз. "
                    "Больше всего сильных сторон — в форме «учитель – учитель» (5). "
                    "Больше всего слабых сторон — в форме «учитель – ученик» (2).")
    assert sections(inputs({}))["SWOT-анализ"] == "Анкет SWOT-анализа нет."


def test_schools_that_need_attention_and_why() -> None:
    lagging = [AttentionSchool("МБОУ СОШ № 9", "Северный район", ("нет программы", "нет пар")),
               AttentionSchool("Лицей <Заречный> & Co", "Приречный округ", ("низкий отклик",))]
    data = Inputs(level="region", title="Регион", academic_year=YEAR, values=domain.compute(municipality_counters()), schools_total=5,
                  attention=lagging, reason_order=("нет программы", "нет пар", "мало планов", "низкий отклик"))
    assert sections(data)["Школы, требующие внимания"] == (
        "Требуют внимания школ: 2 из 5 (нет программы — 1; нет пар — 1; низкий отклик — 1).\n"
        "— МБОУ СОШ № 9, Северный район: нет программы, нет пар.\n"
        "— Лицей <Заречный> & Co, Приречный округ: низкий отклик.")
    assert "Рекомендуется напомнить участникам об анкетировании в школах с пометкой «низкий отклик» (школ: 1)." in analysis.recommendations(data)
    calm = Inputs(level="municipality", title="Район", academic_year=YEAR, values=domain.compute({}), schools_total=3)
    assert sections(calm)["Школы, требующие внимания"] == "Все школы (3) реализуют программу, сформировали пары и планы; отстающих нет."


def test_more_than_ten_lagging_schools_are_counted_not_listed() -> None:
    lagging = [AttentionSchool(f"Школа {n}", "Район", ("нет пар",)) for n in range(1, 14)]
    text = sections(Inputs(level="municipality", title="Район", academic_year=YEAR, values=domain.compute({}), schools_total=20,
                           attention=lagging))["Школы, требующие внимания"]
    assert "— Школа 10: нет пар." in text and "Школа 11" not in text
    assert text.endswith("\nи ещё школ: 3.")


def test_a_school_compared_with_its_municipality_and_region() -> None:
    school = {"pupils_total": 3, "mentees_pupils": 1, "mentee_satisfaction_sum": 9, "mentee_satisfaction_count": 1,
              "mentee_satisfaction_high": 1}
    data = Inputs(level="school", title="МБОУ СОШ № 1", academic_year=YEAR, values=domain.compute(school),
                  parents=[("Северный район", domain.compute(municipality_counters())), ("Регион", domain.compute({}))],
                  school_reasons=("мало планов",))
    text = sections(data)
    assert "Школы, требующие внимания" not in text
    assert text["Сравнение с муниципалитетом и регионом"] == (
        "Охват обучающихся: в школе — 33,3\u00a0% (Северный район — 66,7\u00a0%).\n"
        "Удовлетворённость наставляемых: в школе — 9 (Северный район — 7,5).\n"
        "Школа требует внимания: мало планов.")
    assert sections(Inputs(level="school", title="Ш", academic_year=YEAR, values=domain.compute({})))[
        "Сравнение с муниципалитетом и регионом"] == "Показателей для сравнения с муниципалитетом и регионом пока нет."


def test_recommendations_follow_the_rules() -> None:
    data = inputs(municipality_counters(), schools_total=2)
    assert analysis.recommendations(data) == [
        "Рекомендуется расширить охват обучающихся наставничеством: до целевого показателя 70\u00a0% не хватает 3,3 п. п.",
        "Рекомендуется помочь запустить программу наставничества школам, где её нет (школ: 1).",
        "Рекомендуется разобрать причины досрочного прекращения пар: прекращено 1 из 2 завершившихся.",
        "Рекомендуется уделить больше внимания области «ИКТ-компетенции и цифровизация» в планах развития: "
        "дефицит в ней снизился меньше всего.",
    ]
    rendered = sections(data)["Рекомендации"]
    assert rendered.startswith("— Рекомендуется расширить охват") and rendered.count("\n— ") == 3
    # 7,5 opens the «8–10 баллов» band (domain.SATISFACTION_BANDS); under it, a recommendation
    lower = inputs({**municipality_counters(), "mentee_satisfaction_sum": 14.8}, schools_total=2)
    assert "Рекомендуется выяснить причины невысокой удовлетворённости наставляемых (7,4 из 10)." in analysis.recommendations(lower)


def test_nothing_to_recommend_and_no_data_at_all() -> None:
    good = {"schools_total": 1, "schools_with_programme": 1, "pupils_total": 10, "mentees_pupils": 8, "mentees_total": 8,
            "pairs_formed": 8, "pairs_completed": 8, "mentee_satisfaction_sum": 9, "mentee_satisfaction_count": 1,
            "deficit_start_sum_methodological": 4, "deficit_start_count_methodological": 1,
            "deficit_end_sum_methodological": 2, "deficit_end_count_methodological": 1}
    assert analysis.recommendations(inputs(good)) == [
        "Показатели соответствуют целям программы; рекомендуется сохранить достигнутый уровень."]
    assert analysis.recommendations(inputs({})) == [
        "Рекомендуется провести анкетирование удовлетворённости наставляемых и наставников.",
        "Рекомендуется провести входную самодиагностику профессиональных дефицитов наставляемых.",
    ]


def test_changed_figures_since_approval() -> None:
    then = analysis.snapshot(domain.compute(municipality_counters()))
    assert analysis.changed_figures(then, domain.compute(municipality_counters())) == []
    now = domain.compute({**municipality_counters(), "mentees_pupils": 5})
    assert analysis.changed_figures(then, now) == [
        ("Доля обучающихся, вовлечённых в наставничество", 66.7, 83.3),
        (domain.BY_CODE["pupils_coverage_against_target"].name, 95.2, 119.0),
    ]


def test_text_round_trips_as_json() -> None:
    text = analysis.generate(inputs(municipality_counters()))
    assert analysis.from_json(analysis.to_json(text)) == text
    assert analysis.plain_text(text).startswith("Охват наставничеством\nПрограммы наставничества реализуют 1 из 2 школ")


def test_the_text_generation_does_no_io() -> None:
    """As domain.py: the generation imports no database, web or broker library, and of the
    service only its pure domain."""
    from tests.unit.test_architecture import ROOT, _imports

    names = _imports(ROOT / "services" / "reports" / "analysis.py")
    assert not {n.split(".")[0] for n in names} & {"sqlmodel", "sqlalchemy", "fastapi", "faststream", "httpx", "aio_pika"}
    assert {n for n in names if n.startswith("services")} <= {"services.reports", "services.reports.domain"}

