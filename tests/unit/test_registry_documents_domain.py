"""The pure rules of a programme's documents: what a document's details must be, the curator's
appointment by order, and the summary the regional monitoring checks first."""

from __future__ import annotations

from datetime import date

from services.registry import documents_domain as rules

TODAY = date(2026, 10, 1)


def test_orders_need_a_number_other_documents_may_go_without() -> None:
    assert rules.details_problem("order", None, TODAY, TODAY) == (
        "number", "Укажите номер документа: приказ о внедрении целевой модели наставничества издаётся с номером")
    assert rules.details_problem("curator_order", "  ", TODAY, TODAY)[0] == "number"
    for kind in ("regulation", "roadmap", "other"):
        assert rules.details_problem(kind, None, TODAY, TODAY) is None
    assert rules.details_problem("order", "12-од", TODAY, TODAY) is None


def test_a_documents_kind_date_and_number_are_checked() -> None:
    assert rules.details_problem("decree", "1", TODAY, TODAY)[0] == "kind"
    assert rules.details_problem("order", "1", date(2026, 10, 2), TODAY)[0] == "issued_on"
    assert rules.details_problem("order", "1", date(1999, 12, 31), TODAY)[0] == "issued_on"
    assert rules.details_problem("order", "1" * 51, TODAY, TODAY)[0] == "number"


def test_a_curator_is_appointed_by_a_curator_order_not_before_it_and_not_in_the_future() -> None:
    order_date = date(2026, 9, 1)
    assert rules.appointment_problem("curator_order", order_date, order_date, TODAY) is None
    assert rules.appointment_problem("curator_order", order_date, date(2026, 9, 15), TODAY) is None
    assert rules.appointment_problem("order", order_date, order_date, TODAY)[0] == "order_document_id"
    assert rules.appointment_problem("curator_order", order_date, date(2026, 8, 31), TODAY)[0] == "appointed_on"
    assert rules.appointment_problem("curator_order", order_date, date(2026, 10, 2), TODAY)[0] == "appointed_on"


def test_the_summary_names_what_is_missing_in_the_monitorings_order() -> None:
    nothing = rules.summary([], curator_appointed=False)
    assert not nothing.complete
    assert nothing.missing() == ["приказ о внедрении целевой модели наставничества", "положение о наставничестве",
                                 "дорожная карта реализации программы", "куратор не назначен приказом"]
    some = rules.summary(["regulation", "curator_order", "other", "regulation"], curator_appointed=True)
    assert (some.order, some.regulation, some.roadmap, some.curator) == (False, True, False, True)
    assert some.missing() == ["приказ о внедрении целевой модели наставничества", "дорожная карта реализации программы"]
    everything = rules.summary(["order", "regulation", "roadmap"], curator_appointed=True)
    assert everything.complete and everything.missing() == []
    # the curator's order alone is not the programme's order
    assert not rules.summary(["curator_order", "regulation", "roadmap"], curator_appointed=True).order
