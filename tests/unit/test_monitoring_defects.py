"""Smaller defects of issue 12: the coverage against the target from the unrounded share, and no
developer notes in what respondents read."""

from __future__ import annotations

import re

import pytest

from services.reports import domain as reports
from services.surveys.domain import BUILT_IN, Instrument

NOTES = re.compile(r"официальн|под рукой|по смыслу|по памяти|свер(ить|ьте)|оригинал|шкал|_share|\bstart\b|\bend\b", re.IGNORECASE)
LATIN = re.compile(r"[A-Za-z_]{2,}")
ALLOWED_LATIN = {"SWOT"}


def test_coverage_against_the_target_is_computed_from_the_unrounded_share() -> None:
    # 4 of 6 pupils = 66,666…% against the 70 % target = 95,238…% (from the rounded 66,7 % it would be 95,3)
    values = reports.compute({"mentees_pupils": 4, "pupils_total": 6})
    assert values["pupils_in_mentoring_share"] == 66.7
    assert values["pupils_coverage_against_target"] == 95.2
    assert reports.compute({"mentees_pupils": 0, "pupils_total": 0})["pupils_coverage_against_target"] is None


def respondent_texts(instrument: Instrument) -> list[tuple[str, str]]:
    """Everything the web form shows a respondent."""
    texts = [("title", instrument.title), ("description", instrument.description)]
    for section in instrument.sections:
        texts += [(section.code, section.title), (section.code, section.description)]
        for item in section.items:
            texts += [(item.code, item.text), (item.code, item.hint)]
            texts += [(f"{item.code}.{choice.code}", choice.text) for choice in (*item.options, *item.rows)]
    return [(where, text) for where, text in texts if text]


@pytest.mark.parametrize("key", sorted(BUILT_IN), ids=lambda key: f"{key[0]}@{key[1]}")
def test_respondents_read_no_developer_notes(key) -> None:
    notes = [(where, text) for where, text in respondent_texts(BUILT_IN[key]) if NOTES.search(text)]
    english = [(where, text) for where, text in respondent_texts(BUILT_IN[key]) if set(LATIN.findall(text)) - ALLOWED_LATIN]
    assert notes == [] and english == []


def test_the_self_diagnosis_states_one_scale_under_every_statement() -> None:
    instrument = BUILT_IN[("deficit_self_diagnosis", 1)]
    scales = [item for item in instrument.items if item.kind == "scale"]
    assert scales and {item.hint for item in scales} == {"1 — затруднений нет, 5 — серьёзные затруднения, нужна помощь."}
