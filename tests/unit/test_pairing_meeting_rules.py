"""The pure rules of a pair's meetings (services/pairing/domain_meetings.py)."""

from __future__ import annotations

from datetime import date

from services.pairing.domain_meetings import meeting_problem, names_person, reflection_status, summary

TODAY = date(2026, 12, 2)
FORMED = date(2026, 10, 1)


def test_a_meeting_is_not_in_the_future_nor_before_the_pair_and_lasts_a_minute_to_a_day() -> None:
    assert meeting_problem(TODAY, 45, formed_on=FORMED, today=TODAY) is None
    assert meeting_problem(FORMED, 1440, formed_on=FORMED, today=TODAY) is None
    assert meeting_problem(date(2026, 12, 3), 45, formed_on=FORMED, today=TODAY)[0] == "held_on"
    field, message = meeting_problem(date(2026, 9, 30), 45, formed_on=FORMED, today=TODAY)
    assert field == "held_on" and "01.10.2026" in message
    assert meeting_problem(TODAY, 0, formed_on=FORMED, today=TODAY)[0] == "minutes"
    assert meeting_problem(TODAY, 1441, formed_on=FORMED, today=TODAY)[0] == "minutes"


def test_the_summary_counts_this_calendar_month_all_meetings_and_hours() -> None:
    log = [(date(2026, 12, 1), 45), (date(2026, 11, 30), 60), (date(2025, 12, 1), 45)]
    result = summary(log, TODAY)
    assert (result.this_month, result.total, result.minutes, result.hours) == (1, 3, 150, "2,5")
    assert summary([], TODAY).hours == "0" and summary([(TODAY, 120)], TODAY).hours == "2"


def test_reflection_status_of_one_mentee_and_of_a_group() -> None:
    assert reflection_status(0, 1) == "ждёт отзыва" and reflection_status(1, 1) == "отзыв есть"
    assert reflection_status(2, 3) == "отзывов 2 из 3"


def test_a_text_names_a_person_by_any_word_of_their_name_in_any_ending() -> None:
    name = "Иванова Анна Петровна"
    assert names_person("Урок Ивановой: дроби", name)
    assert names_person("с анной обсудили план", name)
    assert names_person("ПЕТРОВНА", name)
    assert not names_person("Формирующее оценивание", name)
    assert not names_person("Ивановка: выездной семинар в селе", "Ли Ян")  # words under three letters are not matched
    assert not names_person(None, name) and not names_person("текст", None)
