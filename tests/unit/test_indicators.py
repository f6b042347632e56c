"""Indicator formulas and what each fact adds, by hand."""

from __future__ import annotations

from shared.contracts import surveys

from services.reports import domain


def test_every_indicator_is_defined_once_with_a_russian_name() -> None:
    codes = [i.code for i in domain.INDICATORS]
    assert len(codes) == len(set(codes))
    assert all(any("а" <= ch <= "я" for ch in i.name.lower()) for i in domain.INDICATORS)
    assert set(domain.KEY_CODES) <= set(codes)


def test_deficit_areas_are_the_surveys_scale_codes() -> None:
    assert domain.DEFICIT_AREAS == surveys.DEFICIT_AREAS
    assert domain.DEFICIT_INSTRUMENT == surveys.DEFICIT_INSTRUMENT


def test_coverage_against_the_70_percent_target() -> None:
    values = domain.compute({"mentees_pupils": 35, "pupils_total": 100})
    assert values["pupils_in_mentoring_share"] == 35.0
    assert values["pupils_coverage_against_target"] == 50.0
    assert domain.compute({})["pupils_coverage_against_target"] is None


def test_growth_counts_only_mentees_with_both_diagnostics() -> None:
    assert "growth_measured" not in domain.growth({"methodological": 4}, None)
    both = domain.growth({"methodological": 4, "ict_digital": 3}, {"methodological": 2, "ict_digital": 3, "regulatory_legal": 1})
    assert both["growth_measured"] == 1 and both["growth_change_sum"] == -1.0 and both["growth_improved"] == 1
    assert both["deficit_end_count_regulatory_legal"] == 1
    worse = domain.growth({"methodological": 2}, {"methodological": 3})
    assert worse["growth_improved"] == 0


def test_mentor_over_capacity_and_load() -> None:
    assert domain.mentor_state(2, 3) == {"mentors_with_active_pairs": 1, "mentors_over_capacity": 1}
    assert domain.mentor_state(None, 5)["mentors_over_capacity"] == 0
    values = domain.compute({"pair_mentee_slots_active": 7, "mentors_with_active_pairs": 2})
    assert values["mentor_load_mean"] == 3.5


def test_satisfaction_bands_and_pair_end() -> None:
    assert [domain.satisfaction_band(v) for v in (1, 4, 5, 7, 8, 10)] == ["low", "low", "mid", "mid", "high", "high"]
    ended = domain.pair_ended("pupil_pupil", 2, "completed")
    assert ended == {"pairs_active": -1, "pairs_active_pupil_pupil": -1, "pair_mentee_slots_active": -2, "pairs_completed": 1,
                     "pairs_completed_pupil_pupil": 1}
    assert domain.difference({"a": 1, "b": 2}, {"a": 1, "c": 1}) == {"b": 2, "c": -1}


def test_pseudonym_is_one_way_and_idempotent() -> None:
    alias = domain.pseudonym("person-1")
    assert alias != "person-1" and "person-1" not in alias
    assert domain.pseudonym(alias) == alias


def test_plan_progress_counts_a_pair_with_measures_once() -> None:
    assert domain.plan_progress(0, 0) == {}
    assert domain.plan_progress(4, 1) == {"plan_pairs": 1, "plan_measures_total": 4, "plan_measures_done": 1, "plan_pairs_done": 0}
    values = domain.compute(domain.add_up([domain.plan_progress(4, 1), domain.plan_progress(2, 2)]))
    assert (values["plan_measures_done_share"], values["plan_pairs_done_share"]) == (50.0, 50.0)


def test_response_rate_adds_region_wide_campaigns_only_where_kept() -> None:
    school = domain.campaign(False, 4, 3)
    regional = domain.campaign(True, 10, 2)
    assert set(regional) == set(domain.REGION_ONLY)
    assert domain.compute(school)["campaign_response_rate"] == 75.0
    region = domain.compute(domain.add_up([school, regional]))
    assert (region["campaigns_held"], region["campaign_invited"], region["campaign_response_rate"]) == (2, 14, 35.7)
    assert domain.compute({})["campaign_response_rate"] is None


def test_swot_form_comes_from_the_event_else_from_the_instrument_code() -> None:
    assert domain.swot_form("swot_pupil_pupil", None) == "pupil_pupil"
    assert domain.swot_form("swot_pupil_pupil", "teacher_pupil") == "teacher_pupil"
    assert domain.swot_form("swot", None) == ""
    counters = domain.add_up([
        domain.response_completed("swot_pupil_pupil", {"strengths": 3, "threats": 1}, "prog|1", None),
        domain.response_completed("swot_pupil_pupil", {"strengths": 5}, "prog|1", None),
        domain.response_completed("swot", {"weaknesses": 2}, None, None),
    ])
    values = domain.compute(counters)
    assert (values["swot_responses_pupil_pupil"], values["swot_strengths_mean_pupil_pupil"], values["swot_strengths_mean"]) == (2, 4.0, 4.0)
    rows = domain.swot_breakdown(counters)
    assert [(r.programme_id, r.form, r.form_name, r.responses) for r in rows] == [("", "", "форма не указана", 1), ("prog|1", "pupil_pupil", "ученик – ученик", 2)]
    assert rows[1].means == {"strengths": 4.0, "weaknesses": None, "opportunities": None, "threats": 1.0}


def test_swot_rows_show_the_programme_title_else_its_id() -> None:
    counters = domain.add_up([
        domain.response_completed("swot_pupil_pupil", {"strengths": 3}, "prog-1", None),
        domain.response_completed("swot_pupil_pupil", {"strengths": 5}, "prog-2", None),
        domain.response_completed("swot", {"weaknesses": 2}, None, None),
    ])
    rows = domain.swot_breakdown(counters, {"prog-1": "Вместе"})
    assert [(r.programme_id, r.programme_name) for r in rows] == [("", "не указана"), ("prog-1", "Вместе"), ("prog-2", "prog-2")]
