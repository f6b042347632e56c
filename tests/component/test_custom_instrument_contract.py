"""The contract between surveys and reports on custom instruments, from both sides: surveys emits
surveys.instrument.saved.v1 when a school saves its own instrument through the API, and its
responses' surveys.response.completed.v1 carry the numeric and choice answers item by item (never
the free text); reports counts what surveys emitted — per-item means and option shares from
MIN_GROUP answers on, in the reports of the instrument's scope only, a withdrawn respondent's
answers leaving them, a redelivered event counted once — and rebuild equals live."""

from __future__ import annotations

import pytest

from shared import clock
from shared.clock import academic_year_of
from shared.contracts.registry import ParticipantRegistered, ParticipantWithdrawn, SchoolRegistered
from shared.contracts.surveys import InstrumentSaved, ResponseCompleted
from shared.vocabulary import MIN_GROUP

from services.reports.main import create_service as create_reports
from services.surveys.main import create_service as create_surveys
from tests.component.helpers import ADMIN, bearer, deliver, emitted, running

CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
YEAR = academic_year_of(clock.today())
DEFINITION = {
    "code": "club_feedback", "title": "Отзыв о педагогическом клубе", "respondent_roles": ["mentee", "mentor"],
    "sections": [{"code": "main", "title": "Клуб", "items": [
        {"code": "useful", "text": "Насколько полезны встречи клуба?", "kind": "scale", "min": 1, "max": 5},
        {"code": "visits", "text": "Сколько встреч вы посетили?", "kind": "number", "min": 0, "max": 50},
        {"code": "format", "text": "Удобный формат", "kind": "single",
         "options": [{"code": "online", "text": "онлайн"}, {"code": "offline", "text": "очно"}]},
        {"code": "topics", "text": "Интересные темы", "kind": "multiple", "required": False,
         "options": [{"code": "methods", "text": "методики"}, {"code": "psychology", "text": "психология"},
                     {"code": "digital", "text": "цифровые инструменты"}]},
        {"code": "comment", "text": "Ваш комментарий", "kind": "text", "required": False},
    ]}],
}
# six teachers: t1..t6; t6 withdraws after answering. (useful, visits, format, topics)
ANSWERS = {
    "t1": (5, 10, "online", ["methods", "psychology"]), "t2": (4, 8, "online", ["methods"]), "t3": (3, 6, "offline", []),
    "t4": (4, 4, "online", ["digital"]), "t5": (2, 2, "offline", ["methods"]), "t6": (1, 0, "offline", ["psychology"]),
}
SECRET_COMMENT = "Иванова Анна Петровна не приходит на встречи"


@pytest.fixture
async def surveys(settings):
    service = create_surveys(settings)
    async with running(service) as client:
        for pid in ANSWERS:
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
        yield service, client


async def test_surveys_emits_items_and_reports_counts_them_in_the_schools_reports(surveys, settings) -> None:
    service, client = surveys
    saved = await client.post("/api/v1/instruments", headers=CURATOR, json=DEFINITION)
    assert saved.status_code in (200, 201), saved.text
    [instrument] = await emitted(service, "surveys.instrument.saved.v1")
    assert instrument["owner_scope"] == "school" and instrument["owner_id"] == "s1"
    assert [item["code"] for item in instrument["items"]] == ["useful", "visits", "format", "topics"]  # no free-text item
    for pid, (useful, visits, form, topics) in ANSWERS.items():
        answers = {"useful": useful, "visits": visits, "format": form, "topics": topics, "comment": SECRET_COMMENT}
        response = await client.post("/api/v1/responses", headers=CURATOR, json={
            "instrument": {"code": "club_feedback", "version": 1}, "respondent_id": pid, "answers": answers, "submission_id": f"club-answer-{pid}"})
        assert response.status_code == 201, response.text
    events = await emitted(service, "surveys.response.completed.v1")
    assert len(events) == 6 and all(SECRET_COMMENT not in str(event) for event in events)
    assert events[0]["item_values"] == {"useful": 5.0, "visits": 10.0}
    assert events[0]["item_choices"] == {"format": ["online"], "topics": ["methods", "psychology"]}

    # reports counts what surveys emitted
    settings.data_dir = settings.data_dir / "reports"
    settings.data_dir.mkdir()
    reports = create_reports(settings)
    async with running(reports) as reports_client:
        for school in ("s1", "s2"):
            await deliver(reports, SchoolRegistered(school_id=school, name=f"Школа {school}", municipality_id="m1",
                                                    municipality_name="Район", region_id="test-region"))
        for pid in ANSWERS:
            await deliver(reports, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
        await deliver(reports, InstrumentSaved.model_validate(instrument), source="/surveys")
        for event in events:
            sent = await deliver(reports, ResponseCompleted.model_validate(event), source="/surveys")
        await deliver(reports, ResponseCompleted.model_validate(events[-1]), source="/surveys", envelope_id=sent)  # redelivered
        await deliver(reports, ParticipantWithdrawn(participant_id="t6", school_id="s1", reason="left_school"))

        async def table(scope: str, scope_id: str) -> list | None:
            found = await reports_client.get(f"/api/v1/indicators/{scope}/{scope_id}/breakdowns", params={"academic_year": YEAR},
                                             headers=ADMIN)
            assert found.status_code == 200, found.text
            return next((t["rows"] for t in found.json() if t["code"] == "custom-club_feedback-1"), None)

        school = await table("school", "s1")
        live = await reports.service.counter_snapshot()
        await reports.service.rebuild(reports.runtime.uow)
        assert await reports.service.counter_snapshot() == live
        assert await table("school", "s1") == school
        # a school's own instrument: not in the municipality's or the region's report
        assert await table("municipality", "m1") is None and await table("region", "test-region") is None
    # t1..t5 (t6 withdrew): useful (5 + 4 + 3 + 4 + 2) / 5 = 3,6; visits 30 / 5 = 6; online 3 of 5, offline 2 of 5;
    # the topics: t3 ticked none (not an answer to the item), so 4 answers — not broken down
    assert MIN_GROUP == 5
    assert school == [
        ["Насколько полезны встречи клуба?", "среднее", 5, 3.6],
        ["Сколько встреч вы посетили?", "среднее", 5, 6.0],
        ["Удобный формат", "онлайн", 5, 60.0],
        ["Удобный формат", "очно", 5, 40.0],
        ["Интересные темы", "методики", 4, None],  # t1, t2, t4, t5 answered it: fewer than MIN_GROUP
        ["Интересные темы", "психология", 4, None],
        ["Интересные темы", "цифровые инструменты", 4, None],
    ]
