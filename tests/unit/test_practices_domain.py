"""The practices service's pure rules: the review's transitions, the academic year, the code
columns, overdue roadmap items and their order."""

from __future__ import annotations

from datetime import date

import pytest

from services.practices import domain


def test_each_step_is_one_roles_from_its_statuses() -> None:
    assert domain.transition("submit", "school_curator", "draft", None).target == "submitted"
    assert domain.transition("submit", "school_curator", "returned", None).target == "submitted"
    assert domain.transition("take", "region_admin", "submitted", None).target == "under_review"
    assert domain.transition("publish", "region_admin", "under_review", None).target == "published"
    assert domain.transition("return", "region_admin", "under_review", "Добавьте цифры").target == "returned"
    assert domain.transition("withdraw", "region_admin", "published", "Устарела").target == "withdrawn"
    refusals = [
        (("publish", "school_curator", "under_review", None), "forbidden", "администратор региона"),
        (("publish", "region_admin", "submitted", None), "conflict", "«на экспертизе»"),
        (("submit", "school_curator", "published", None), "conflict", "«опубликована»"),
        (("return", "region_admin", "under_review", " "), "comment", "комментарий"),
        (("withdraw", "region_admin", "published", None), "comment", "комментарий"),
        (("archive", "region_admin", "published", None), "unknown", "archive"),
    ]
    for args, kind, phrase in refusals:
        with pytest.raises(domain.TransitionRefused) as refused:
            domain.transition(*args)
        assert refused.value.kind == kind and phrase in refused.value.message.lower(), args
    assert [t.action for t in domain.actions_for("region_admin", "under_review")] == ["publish", "return"]
    assert domain.actions_for("mentor", "published") == []


def test_academic_year_codes_and_search_text() -> None:
    assert domain.academic_year(date(2026, 8, 31)) == "2025/2026"
    assert domain.academic_year(date(2026, 9, 1)) == "2026/2027"
    assert domain.codes_field(["a", "b", "a"]) == ",a,b," and domain.codes_field([]) == ""
    assert domain.codes_of(",a,b,") == ["a", "b"] and domain.codes_of("") == []
    assert domain.search_text("Цифровой ДОЗОР", "", "Кружок") == "цифровой дозор кружок"


def test_overdue_done_on_and_the_roadmaps_order() -> None:
    today = date(2026, 12, 2)
    assert domain.overdue("planned", date(2026, 12, 1), today) and domain.overdue("in_progress", date(2026, 1, 1), today)
    assert not domain.overdue("done", date(2026, 12, 1), today) and not domain.overdue("cancelled", date(2026, 12, 1), today)
    assert not domain.overdue("planned", today, today)
    assert domain.done_on_for("done", None, today) == today and domain.done_on_for("planned", today, today) is None
    numbers = ["2.10", "2.9", "1", "II.3", "2"]
    assert sorted(numbers, key=lambda n: domain.roadmap_sort_key("", n)) == ["1", "2", "2.9", "2.10", "II.3"]
