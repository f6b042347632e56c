"""The programme's year's pure rules (services/reports/domain_year.py): what each group of facts
adds to the counters, and the indicators over them."""

from __future__ import annotations

from datetime import date

from services.reports import domain, domain_year


def test_a_school_has_all_three_documents_or_not() -> None:
    docs = [{"what": "document", "kind": kind} for kind in ("order", "regulation", "other")]
    assert domain_year.tally("programme", docs) == {"year_schools_document_order": 1, "year_schools_document_regulation": 1}
    full = [*docs, {"what": "document", "kind": "roadmap"}, {"what": "curator"}]
    assert domain_year.tally("programme", full) == {
        "year_schools_document_order": 1, "year_schools_document_regulation": 1, "year_schools_document_roadmap": 1,
        "year_schools_with_documents": 1, "year_schools_with_curator": 1,
    }
    values = domain.compute({"year_schools_with_documents": 1, "schools_with_programme": 3})
    assert values["year_schools_with_documents_share"] == 33.3


def test_activities_held_against_planned_and_attendance() -> None:
    held = domain_year.tally("activity", [{"held_on": "2026-10-01", "invited": 10, "attended": 7}])
    planned = domain_year.tally("activity", [{"held_on": None, "invited": 4, "attended": 0}])
    values = domain.compute(domain.add_up([held, planned]))
    assert (values["year_activities_planned"], values["year_activities_held"]) == (2, 1)
    assert (values["year_activities_held_share"], values["year_activity_attendance_share"]) == (50.0, 70.0)  # the planned one's 4 not invited yet
    assert domain.compute({})["year_activities_held_share"] is None


def test_meetings_per_pair_month_span_the_pairs_first_to_last_month() -> None:
    assert domain_year.months_spanned([date(2026, 12, 20), date(2026, 9, 1), date(2027, 1, 3)]) == 5
    assert domain_year.months_spanned([]) == 0
    one = domain_year.tally("meetings", [{"held_on": "2026-10-05"}, {"held_on": "2026-10-25"}, {"held_on": "2026-11-02"}])
    assert one == {"year_meetings": 3, "year_pairs_met": 1, "year_pair_months": 2}
    other = domain_year.tally("meetings", [{"held_on": "2027-02-01"}])
    assert domain.compute(domain.add_up([one, other]))["year_meetings_per_pair_month"] == 1.33  # 4 meetings / 3 pair-months
    assert domain_year.tally("meetings", []) == {}


def test_mentors_trained_and_recognised_are_distinct_people() -> None:
    trained = domain_year.tally("training", [{"person": "anon-a"}, {"person": "anon-a"}, {"person": "anon-b"}])
    assert trained == {"year_trainings": 3, "year_mentors_trained": 2}
    assert domain.compute({**trained, "mentors_total": 4})["year_mentors_trained_share"] == 50.0
    recognised = domain_year.tally("recognition", [{"person": "anon-a", "result": "winner"}, {"person": "anon-a", "result": "prize_winner"},
                                                  {"person": "anon-b", "result": "participant"}])
    assert recognised == {"year_recognitions": 3, "year_mentors_recognised": 2, "year_mentors_winners": 1}
    assert domain_year.tally("training", []) == {}


def test_practices_count_as_submitted_unless_drafts() -> None:
    counts = domain.add_up(domain_year.tally("practice", [{"status": status}]) for status in domain_year.SUBMITTED + ("draft",))
    assert counts == {"year_practices_submitted": 5, "year_practices_published": 1}
    assert domain_year.tally("publication", [{"status": "published"}]) == {"year_practices_published_in_year": 1}
    assert domain_year.tally("publication", [{"status": "withdrawn"}]) == {}


def test_roadmap_on_time_as_of_the_latest_change() -> None:
    at = "2026-12-10"
    items = [
        {"status": "done", "due_on": "2026-10-31", "done_on": "2026-10-20", "at": at},
        {"status": "done", "due_on": "2026-11-30", "done_on": "2026-12-05", "at": at},
        {"status": "in_progress", "due_on": "2026-11-15", "done_on": None, "at": at},
        {"status": "planned", "due_on": "2027-05-31", "done_on": None, "at": "2026-09-01"},
        {"status": "cancelled", "due_on": "2026-09-30", "done_on": None, "at": at},
    ]
    counts = domain_year.tally("roadmap", items)
    assert counts == {"year_roadmap_items": 4, "year_roadmap_done": 2, "year_roadmap_done_on_time": 1, "year_roadmap_overdue": 1}
    assert domain.compute(counts)["year_roadmap_on_time_share"] == 33.3
    assert set(domain_year.REGION_LEVEL) == set(counts)


def test_every_indicator_of_the_year_is_defined_once_with_a_formula() -> None:
    codes = [i.code for i in domain.INDICATORS if i.code.startswith("year_")]
    assert len(codes) == len(set(codes)) == 26
    assert all(domain.BY_CODE[code].formula and domain.BY_CODE[code].unit for code in codes)
