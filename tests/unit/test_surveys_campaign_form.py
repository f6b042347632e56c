"""The campaign form's fields as the use case's input: Russian dates, a message per field."""

from __future__ import annotations

from datetime import date

from shared.auth import Principal

from services.surveys.web_campaigns import campaign_input, parse_day

CURATOR = Principal(sub="c", role="school_curator", scope="school", scope_id="s1")
REGION = Principal(sub="a", role="region_admin", scope="region", scope_id="r")
COORDINATOR = Principal(sub="m", role="municipal_coordinator", scope="municipality", scope_id="mun-1")
VALID = {"instrument": "satisfaction_mentee:2", "role": "mentee", "opens_on": "01.09.2026", "closes_on": "15.09.2026"}


def test_days_as_people_write_them_or_a_date_picker_sends_them() -> None:
    assert parse_day("05.09.2026") == date(2026, 9, 5)
    assert parse_day(" 2026-09-05 ") == date(2026, 9, 5)
    assert parse_day("31.02.2026") is None
    assert parse_day("5.9.2026") is None
    assert parse_day("завтра") is None


def test_a_valid_form_becomes_the_use_cases_input() -> None:
    body, errors = campaign_input({**VALID, "programme_id": "p1", "category": "pupil", "form": "", "stage": ""}, CURATOR)
    assert errors == {}
    assert body is not None
    assert (body.instrument.code, body.instrument.version, body.role) == ("satisfaction_mentee", 2, "mentee")
    assert (body.programme_id, body.category, body.form, body.stage) == ("p1", "pupil", None, None)
    assert (body.opens_on, body.closes_on) == (date(2026, 9, 1), date(2026, 9, 15))
    assert (body.school_id, body.municipality_id) == (None, None)


def test_every_problem_is_named_at_its_field() -> None:
    body, errors = campaign_input({"instrument": "", "role": "boss", "opens_on": "", "closes_on": "1 сентября"}, CURATOR)
    assert body is None
    assert set(errors) == {"instrument", "role", "opens_on", "closes_on"}
    assert "дд.мм.гггг" in errors["closes_on"]
    _, errors = campaign_input({**VALID, "closes_on": "31.08.2026"}, CURATOR)
    assert errors == {"closes_on": "не может быть раньше даты начала"}


def test_where_a_campaign_asks_follows_the_choice_and_the_scope() -> None:
    body, _ = campaign_input({**VALID, "where": "municipality:mun-2"}, REGION)
    assert (body.school_id, body.municipality_id) == (None, "mun-2")
    body, _ = campaign_input({**VALID, "where": "school:s9"}, COORDINATOR)
    assert (body.school_id, body.municipality_id) == ("s9", None)
    body, _ = campaign_input({**VALID, "where": "municipality"}, COORDINATOR)  # their own: the use case fills it in
    assert (body.school_id, body.municipality_id) == (None, None)
    body, _ = campaign_input({**VALID, "where": "school:s9"}, CURATOR)  # a curator asks their school only
    assert (body.school_id, body.municipality_id) == (None, None)
