"""Campaigns of every built-in instrument, answered by web form, API and school command; custom
instruments over HTTP; reminders, closing, scoping and erasure on withdrawal."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from shared import clock
from shared.contracts.envelope import Envelope
from shared.contracts.pairing import PairFormed
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered, ParticipantWithdrawn
from shared.messaging.topology import INBOUND_EXCHANGE, inbound_routing_key

from services.surveys.domain import BUILT_IN, programme_role_required
from services.surveys.main import create_service
from services.surveys.models import Invitation, SurveyResponse
from tests.component.helpers import ADMIN, bearer, count, deliver, emitted, running

CURATOR = bearer("school_curator", "school", "s1", sub="curator-s1")
OTHER_CURATOR = bearer("school_curator", "school", "s2", sub="curator-s2")
PEOPLE = ("p1", "p2", "p3", "m1", "e1", "e2")

RATINGS = {"effectiveness": 8, "comfort": 9, "meetings_useful": 7, "joint_work": 10, "expectations_met": 6}
SWOT = ({"strengths_factors": ["motivated_pairs", "regular_meetings", "form_fit"], "opportunities_factors": ["training"],
         "threats_factors": ["burnout", "turnover"], "strengths_other": "Открытые уроки", "pairs_count": 4, "overall_rating": 7},
        {"strengths": 3, "weaknesses": 0, "opportunities": 1, "threats": 2, "overall_rating": 7, "pairs_count": 4})


def _deficit() -> tuple[dict, dict]:
    answers = {i.code: 2 for i in BUILT_IN[("deficit_self_diagnosis", 1)].items if i.kind == "scale"}
    answers.update(rl_fgos=5, rl_local_acts=5, rl_rights=4, help_needed="Помощь с ФГОС")
    return answers, {"regulatory_legal": 4.67, "methodological": 2.0}  # (5+5+4)/3; (2+2+2)/3


EXAMPLES: dict[str, tuple[dict, dict]] = {
    "deficit_self_diagnosis": _deficit(),
    "satisfaction_mentee@1": ({**RATINGS, "most_valuable": "Поддержка"}, {"satisfaction": 8.0, "comfort": 9.0}),
    "satisfaction_mentor@1": (RATINGS, {"satisfaction": 8.0}),
    "satisfaction_mentee@2": ({**RATINGS, "liked_participating": "yes", "want_to_continue": "yes", "want_to_mentor": "no"},
                              {"satisfaction": 8.0, "want_to_continue_share": 1.0, "want_to_mentor_share": 0.0}),
    "satisfaction_mentor@2": ({**RATINGS, "group_meetings_useful": 3, "liked_participating": "no", "want_to_continue": "yes"},
                              {"satisfaction": 8.0, "group_meetings_useful": 3.0, "liked_participating_share": 0.0}),
    "swot": SWOT,
    "curator_questionnaire": ({"organisation": 8, "pairs_formed_well": 6, "mentor_engagement": 7, "mentee_engagement": 9,
                               "admin_support": 5, "resources": 10, "plan_approved": "yes", "mentors_trained": "yes",
                               "meetings_held": 12, "proposals": "Больше встреч"},
                              {"organisation_quality": 7.5, "readiness": 1.0}),  # 45/6
    "growth_measurement": ({**{i.code: 5 for i in BUILT_IN[("growth_measurement", 1)].items}, "co_tasks": 8},
                           {"motivation": 5.0, "competences": 6.0}),  # (8+5+5)/3
    "professional_interests_ddo": ({**{f"q{n:02d}": "a" for n in range(1, 21)}, "q02": "b"},
                                   {"nature": 6, "human": 2, "sign_system": 4}),  # q02: b = знаковая система instead of человек
}


def example(code: str, version: int) -> tuple[dict, dict]:
    return EXAMPLES.get(f"{code}@{version}") or EXAMPLES.get(code) or EXAMPLES["swot"]


def form_fields(answers: dict) -> list[tuple[str, str]]:
    fields = []
    for code, value in answers.items():
        if isinstance(value, list):
            fields += [(code, v) for v in value]
        elif isinstance(value, dict):
            fields += [(f"{code}.{row}", str(v)) for row, v in value.items()]
        else:
            fields.append((code, str(value)))
    return fields


@pytest.fixture
async def surveys(settings):
    service = create_service(settings)
    async with running(service) as client:
        for pid in PEOPLE:
            await deliver(service, ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid))
        await deliver(service, ParticipantRegistered(participant_id="x1", school_id="s2", category="teacher", display_name="x1"))
        for pid, role in (("m1", "mentor"), ("e1", "mentee"), ("e2", "mentee")):
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id="prog-1", school_id="s1", role=role,
                                                       academic_year="2026/2027"))
        await deliver(service, PairFormed(pair_id="pair-1", programme_id="prog-1", school_id="s1", mentor_id="m1",
                                          mentee_ids=["e1"], form="teacher_teacher", academic_year="2026/2027"))
        yield service, client


async def open_campaign(client, headers=CURATOR, **body) -> dict:
    payload = {"opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=14)).isoformat(), **body}
    response = await client.post("/api/v1/campaigns", headers=headers, json=payload)
    assert response.status_code == 201, response.text
    return response.json()


async def send_command(service, school_id: str, data: dict, command_id: str | None = None) -> None:
    envelope = Envelope(source="/school-system", type="surveys.response.submit.v1", data=data, **({"id": command_id} if command_id else {}))
    await service.runtime.broker.publish(
        envelope.model_dump_json().encode(), exchange=INBOUND_EXCHANGE,
        routing_key=inbound_routing_key(school_id, "surveys.response.submit.v1"),
        content_type="application/json", message_id=envelope.id,
    )


@pytest.mark.parametrize(("code", "version"), sorted(BUILT_IN))
async def test_every_built_in_instrument_runs_as_a_campaign_answered_by_form_api_and_command(surveys, code, version) -> None:
    service, client = surveys
    instrument = BUILT_IN[(code, version)]
    answers, expected = example(code, version)
    stage = "start" if instrument.staged else None
    if programme_role_required(instrument):  # satisfaction: for those enrolled in that role
        for pid in ("p1", "p2", "p3"):
            await deliver(service, ParticipantEnrolled(participant_id=pid, programme_id="prog-9", school_id="s1",
                                                       role=instrument.respondent_role, academic_year="2026/2027"))
    campaign = await open_campaign(client, instrument={"code": code, "version": version}, role=instrument.respondent_role,
                                   stage=stage, respondent_ids=["p1", "p2", "p3"])
    assert (campaign["invited"], campaign["responded"]) == (3, 0)
    links = {i["participant_id"]: i["link_path"] for i in campaign["invitees"]}

    # p1 by the web form at the personal link (the service is mounted under /surveys)
    page = await client.get(links["p1"].removeprefix("/surveys"))
    assert page.status_code == 200 and instrument.title in page.text
    posted = await client.post(links["p1"].removeprefix("/surveys"), content=urlencode(form_fields(answers) + [("action", "submit")]),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert posted.status_code == 303, posted.text
    assert "Ваши ответы приняты" in (await client.get(links["p1"].removeprefix("/surveys"))).text

    # p2 by the HTTP API
    api = await client.post("/api/v1/responses", headers=CURATOR, json={
        "instrument": {"code": code, "version": version}, "respondent_id": "p2", "answers": answers, "stage": stage,
        "campaign_id": campaign["id"], "submission_id": f"api-{code}-{version}"})
    assert api.status_code == 201, api.text

    # p3 by a school system's command
    await send_command(service, "s1", {"instrument": {"code": code, "version": version}, "respondent_id": "p3",
                                       "answers": answers, "stage": stage, "campaign_id": campaign["id"],
                                       "submission_id": f"cmd-{code}-{version}"})

    completed = await emitted(service, "surveys.response.completed.v1")
    assert [c["respondent_id"] for c in completed] == ["p1", "p2", "p3"], await emitted(service, "surveys.command.rejected.v1")
    for event in completed:
        assert {k: event["scores"][k] for k in expected} == expected
        assert event["campaign_id"] == campaign["id"] and event["stage"] == stage
        assert event["respondent_role"] == instrument.respondent_role
    status = (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=CURATOR)).json()
    assert (status["responded"], status["response_rate"]) == (3, 100.0)


async def test_a_campaign_for_a_role_and_form_asks_the_right_people_and_tracks_the_rate(surveys) -> None:
    service, client = surveys
    campaign = await open_campaign(client, instrument={"code": "satisfaction_mentee", "version": 2}, programme_id="prog-1",
                                   role="mentee", form="teacher_teacher")
    assert [i["participant_id"] for i in campaign["invitees"]] == ["e1"]  # e2 is enrolled but not in a teacher_teacher pair
    everyone = await open_campaign(client, instrument={"code": "satisfaction_mentee", "version": 2}, role="mentee")
    assert {i["participant_id"] for i in everyone["invitees"]} == {"e1", "e2"}
    tokens = [i["link_path"].rsplit("/", 1)[1] for i in everyone["invitees"]]
    assert len(set(tokens)) == 2 and all(len(t) >= 32 and re.fullmatch(r"[\w-]+", t) for t in tokens)
    [opened, _] = await emitted(service, "surveys.campaign.opened.v1")
    assert opened["invited"] == 1 and opened["form"] == "teacher_teacher" and opened["school_id"] == "s1"

    mentee = bearer("mentee", "school", "s1", sub="e1")
    answers, _ = example("satisfaction_mentee", 2)
    response = await client.post("/api/v1/responses", headers=mentee, json={
        "instrument": {"code": "satisfaction_mentee", "version": 2}, "respondent_id": "e1", "answers": answers,
        "campaign_id": everyone["id"], "submission_id": "e1-satisfaction"})
    assert response.status_code == 201, response.text
    assert response.json()["pair_id"] == "pair-1"

    reminded = await client.post(f"/api/v1/campaigns/{everyone['id']}/reminders", headers=CURATOR)
    assert reminded.json() == {"reminders": 1}
    [reminder] = await emitted(service, "surveys.campaign.reminder_due.v1")
    assert reminder["participant_id"] == "e2" and set(reminder) == {
        "campaign_id", "participant_id", "school_id", "instrument", "closes_on", "link_path"}

    closed = (await client.post(f"/api/v1/campaigns/{everyone['id']}/close", headers=CURATOR)).json()
    assert (closed["status"], closed["invited"], closed["responded"], closed["response_rate"]) == ("closed", 2, 1, 50.0)
    [event] = await emitted(service, "surveys.campaign.closed.v1")
    assert (event["invited"], event["responded"], event["response_rate"]) == (2, 1, 50.0)
    late = await client.get(everyone["invitees"][1]["link_path"].removeprefix("/surveys"))
    assert "Опрос завершён" in late.text


async def test_campaigns_stay_inside_their_school(surveys) -> None:
    _, client = surveys
    campaign = await open_campaign(client, instrument={"code": "satisfaction_mentee", "version": 1}, role="mentee")
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=OTHER_CURATOR)).status_code == 404
    assert (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=ADMIN)).status_code == 200
    assert await client.get("/api/v1/campaigns", headers=OTHER_CURATOR) and \
        (await client.get("/api/v1/campaigns", headers=OTHER_CURATOR)).json() == []
    foreign = await client.post("/api/v1/campaigns", headers=CURATOR, json={
        "instrument": {"code": "satisfaction_mentee", "version": 1}, "respondent_ids": ["x1"],
        "opens_on": clock.today().isoformat(), "closes_on": clock.today().isoformat()})
    assert foreign.status_code == 422 and "x1" in foreign.text
    mentee = bearer("mentee", "school", "s1", sub="e1")
    assert (await client.post("/api/v1/campaigns", headers=mentee, json={})).status_code == 403


async def test_the_web_form_lists_what_is_missing_keeps_a_draft_and_confirms(surveys) -> None:
    _, client = surveys
    campaign = await open_campaign(client, instrument={"code": "satisfaction_mentee", "version": 1}, role="mentee")
    link = campaign["invitees"][0]["link_path"].removeprefix("/surveys")
    page = await client.get(link)
    assert 'lang="ru"' in page.text and 'name="viewport"' in page.text and "<legend>" in page.text
    assert "<script" in page.text and "Отправить ответы" in page.text

    missing = await client.post(link, data={"effectiveness": "8", "comfort": "9", "action": "submit"})
    assert missing.status_code == 422
    assert 'id="error-summary"' in missing.text and 'href="#q-joint_work"' in missing.text
    assert "Обязательный вопрос без ответа" in missing.text and 'aria-invalid' not in missing.text.split("q-comfort")[1][:300]
    assert 'value="8" checked' in missing.text  # what was answered is kept

    draft = await client.post(link, data={"effectiveness": "8", "most_valuable": "Обратная связь", "action": "draft"})
    assert draft.status_code == 303
    again = await client.get(link + "?saved=1")
    assert "Черновик сохранён" in again.text and "Обратная связь" in again.text

    done = await client.post(link, data={**{k: str(v) for k, v in RATINGS.items()}, "action": "submit"})
    assert done.status_code == 303
    assert "Ваши ответы приняты" in (await client.get(link)).text
    status = (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=CURATOR)).json()
    assert status["invitees"][0]["status"] == "completed"
    assert (await client.get("/form/not-a-real-token")).status_code == 404


async def test_school_commands_are_validated_idempotent_and_limited_to_the_school(surveys) -> None:
    service, client = surveys
    data = {"instrument": {"code": "satisfaction_mentor", "version": 1}, "respondent_id": "m1", "answers": RATINGS,
            "submission_id": "school-sys-0001"}
    await send_command(service, "s1", data, command_id="cmd-1")
    await send_command(service, "s1", data, command_id="cmd-2")  # the school system retried with a new envelope
    assert await count(service, SurveyResponse) == 1
    [completed] = await emitted(service, "surveys.response.completed.v1")
    assert completed["pair_id"] == "pair-1" and completed["scores"]["satisfaction"] == 8.0

    await send_command(service, "s2", {**data, "submission_id": "school-sys-0002"}, command_id="cmd-3")
    await send_command(service, "s1", {**data, "submission_id": "school-sys-0003",
                                       "answers": {**RATINGS, "comfort": 11, "extra": 1}}, command_id="cmd-4")
    await send_command(service, "s1", {**data, "submission_id": "school-sys-0004",
                                       "instrument": {"code": "satisfaction_mentor", "version": 9}}, command_id="cmd-5")
    foreign, invalid, version = await emitted(service, "surveys.command.rejected.v1")
    assert foreign["command_id"] == "cmd-3" and foreign["school_id"] == "s2"
    assert foreign["reason"] == "Респондент не найден или вам недоступен" and foreign["submission_id"] == "school-sys-0002"
    assert {e["field"]: e["message"] for e in invalid["errors"]} == {
        "data.answers.comfort": "Значение 11 вне шкалы 1–10", "data.answers.extra": "Неизвестный вопрос «extra» в анкете satisfaction_mentor v1"}
    assert version["errors"][0]["field"] == "data.instrument.version" and invalid["submission_id"] == "school-sys-0003"
    assert await count(service, SurveyResponse) == 1


async def test_custom_instruments_validate_and_a_used_version_is_only_superseded(surveys) -> None:
    _, client = surveys
    from tests.unit.test_instruments import CUSTOM

    broken = await client.post("/api/v1/instruments", headers=CURATOR, json={**CUSTOM, "scales": [{"code": "s", "items": ["nope"]}]})
    assert broken.status_code == 422
    assert broken.json()["detail"] == [{"loc": ["body", "scales", 0, "items", 0], "msg": "scales[0].items[0]: нет вопроса «nope»", "type": "value_error"}]
    assert (await client.post("/api/v1/instruments", headers=bearer("mentee", "school", "s1"), json=CUSTOM)).status_code == 403

    created = await client.post("/api/v1/instruments", headers=CURATOR, json=CUSTOM)
    assert created.status_code == 201 and created.json()["origin"] == "school" and not created.json()["used"]
    edited = await client.post("/api/v1/instruments", headers=CURATOR, json={**CUSTOM, "title": "Климат в классе"})
    assert edited.status_code == 200 and edited.json()["title"] == "Климат в классе"
    codes = lambda r: {(i["code"], i["version"]) for i in r.json()}  # noqa: E731
    assert ("school_climate", 1) not in codes(await client.get("/api/v1/instruments", headers=OTHER_CURATOR))

    answers = {"mood": 4, "club": "yes", "topics": ["art"], "skills": {"reading": 3, "writing": 2}, "hours": 5}
    submitted = await client.post("/api/v1/responses", headers=CURATOR, json={
        "instrument": {"code": "school_climate", "version": 1}, "respondent_id": "e1", "answers": answers})
    assert submitted.status_code == 201 and submitted.json()["scores"] == {"wellbeing": 2.5, "breadth": 1.0}
    refused = await client.post("/api/v1/instruments", headers=CURATOR, json={**CUSTOM, "title": "Изменено"})
    assert refused.status_code == 409 and "версию 2" in refused.json()["detail"]
    superseded = await client.post("/api/v1/instruments", headers=CURATOR, json={**CUSTOM, "version": 2, "title": "Климат-2"})
    assert superseded.status_code == 201
    taken = await client.post("/api/v1/instruments", headers=OTHER_CURATOR, json={**CUSTOM, "version": 3})
    assert taken.status_code == 409
    builtin = await client.post("/api/v1/instruments", headers=ADMIN, json={**CUSTOM, "code": "satisfaction_mentee"})
    assert builtin.status_code == 422


async def test_growth_is_the_difference_between_start_and_end(surveys) -> None:
    _, client = surveys
    mentee = bearer("mentee", "school", "s1", sub="e1")
    items = [i.code for i in BUILT_IN[("growth_measurement", 1)].items]
    for stage, value in (("start", 4), ("end", 7)):
        response = await client.post("/api/v1/responses", headers=mentee, json={
            "instrument": {"code": "growth_measurement", "version": 1}, "respondent_id": "e1", "stage": stage,
            "answers": dict.fromkeys(items, value)})
        assert response.status_code == 201, response.text
    growth = (await client.get("/api/v1/growth", headers=CURATOR, params={"respondent_id": "e1"})).json()
    assert growth["growth"] == {"motivation": 3.0, "competences": 3.0, "soft_skills": 3.0, "engagement": 3.0}
    no_stage = await client.post("/api/v1/responses", headers=mentee, json={
        "instrument": {"code": "growth_measurement", "version": 1}, "respondent_id": "e1", "answers": dict.fromkeys(items, 4)})
    assert no_stage.status_code == 422 and no_stage.json()["detail"][0]["loc"] == ["body", "stage"]


async def test_withdrawal_erases_free_text_and_links_but_keeps_anonymous_scores(surveys) -> None:
    service, client = surveys
    campaign = await open_campaign(client, instrument={"code": "satisfaction_mentee", "version": 1}, role="mentee")
    links = {i["participant_id"]: i["link_path"].removeprefix("/surveys") for i in campaign["invitees"]}
    await client.post(links["e1"], data={**{k: str(v) for k, v in RATINGS.items()}, "most_valuable": "Моя личная история"})
    await client.post(links["e2"], data={"effectiveness": "3", "action": "draft"})
    await deliver(service, ParticipantWithdrawn(participant_id="e1", school_id="s1", reason="consent_withdrawn"))
    await deliver(service, ParticipantWithdrawn(participant_id="e2", school_id="s1", reason="left_school"))
    async with service.runtime.db.sessions() as session:
        from sqlmodel import select
        [response] = (await session.exec(select(SurveyResponse))).all()
        invitations = (await session.exec(select(Invitation))).all()
    assert response.respondent_id.startswith("anonymised-") and response.pair_id is None
    assert "most_valuable" not in response.answers and response.answers["comfort"] == 9
    assert response.scores["satisfaction"] == 8.0
    assert all(i.token is None and i.draft == {} and i.participant_id.startswith("anonymised-") for i in invitations)
    assert (await client.get(links["e1"])).status_code == 404
    status = (await client.get(f"/api/v1/campaigns/{campaign['id']}", headers=CURATOR)).json()
    assert (status["invited"], status["responded"]) == (2, 1)
