"""Every indicator against values computed by hand on a small region, with events out of
order, a redelivered event, a person who withdraws, and rebuild == live."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from shared.contracts.envelope import new_envelope
from shared.contracts.pairing import PairFormed, PlanMeasureCompleted, PlanUpdated
from shared.contracts.registry import (
    ParticipantEnrolled,
    ParticipantRegistered,
    ParticipantWithdrawn,
    ProgrammeLaunched,
    ProgrammeUpdated,
    SchoolRegistered,
)
from shared.contracts.surveys import CampaignClosed, CampaignOpened, ResponseCompleted
from shared.messaging.inbox import InboxMessage

from services.reports.main import create_service
from services.reports.models import ParkedEvent, Programme
from tests.component.helpers import ADMIN, bearer, deliver, deliver_raw, region_fixtures

YEAR = "2026/2027"
NAMES = {"teacher-3": "Кузнецова Мария Игоревна"}


def school(sid: str, municipality: str, low: bool = False, difficult: bool = False) -> SchoolRegistered:
    return SchoolRegistered(school_id=sid, name=f"Школа {sid}", municipality_id=municipality, municipality_name=f"Район {municipality}",
                            region_id="test-region", low_results=low, difficult_conditions=difficult)


def person(pid: str, sid: str, category: str, young: bool = False) -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=pid, school_id=sid, category=category, display_name=NAMES.get(pid, pid),
                                 young_specialist=young, grade=7 if category == "pupil" else None)


def enrol(pid: str, sid: str, role: str, capacity: int | None = None) -> ParticipantEnrolled:
    return ParticipantEnrolled(participant_id=pid, programme_id=f"prog-{sid}", school_id=sid, role=role, academic_year=YEAR, capacity=capacity)


def pair(pid: str, sid: str, mentor: str, mentees: list[str], form: str) -> PairFormed:
    return PairFormed(pair_id=pid, programme_id=f"prog-{sid}", school_id=sid, mentor_id=mentor, mentee_ids=mentees, form=form, academic_year=YEAR)


def answer(rid: str, sid: str, who: str, instrument: str, scores: dict, stage: str | None = None) -> ResponseCompleted:
    role = "mentor" if instrument.endswith("mentor") else "mentee"
    return ResponseCompleted(response_id=rid, instrument={"code": instrument, "version": 1}, respondent_id=who, respondent_role=role,
                             school_id=sid, academic_year=YEAR, stage=stage, scores=scores)


async def deliver_at(service, data, when: datetime, envelope_id: str | None = None) -> str:
    envelope = new_envelope("test", data)
    envelope.time = when
    envelope.id = envelope_id or envelope.id
    await deliver_raw(service, data.event_type, envelope.model_dump_json().encode(), envelope.id)
    return envelope.id


def plan(pid: str, sid: str, total: int, done: int, measure: str | None = None) -> PlanUpdated | PlanMeasureCompleted:
    common = dict(pair_id=pid, programme_id=f"prog-{sid}", school_id=sid, academic_year=YEAR, measures_total=total, measures_done=done)
    return PlanMeasureCompleted(measure_id=measure, **common) if measure else PlanUpdated(goal_areas=["methodological"], **common)


def campaign(cid: str, sid: str | None, invited: int) -> CampaignOpened:
    return CampaignOpened(campaign_id=cid, instrument={"code": "expectations", "version": 1}, school_id=sid, role="mentee",
                          opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 20), invited=invited)


def campaign_answer(rid: str, sid: str, who: str, cid: str) -> ResponseCompleted:
    """An answer to a questionnaire that feeds no other indicator: it counts for its campaign only."""
    return answer(rid, sid, who, "expectations", {"expectations": 7}).model_copy(update={"campaign_id": cid})


def swot(rid: str, sid: str, who: str, instrument: str, scores: dict, programme: str | None = None, form: str | None = None) -> ResponseCompleted:
    return answer(rid, sid, who, instrument, scores).model_copy(update={"respondent_role": "curator", "programme_id": programme, "form": form})


def launched(sid: str, title: str) -> ProgrammeLaunched:
    return ProgrammeLaunched(programme_id=f"prog-{sid}", school_id=sid, academic_year=YEAR, title=title, forms=["teacher_teacher"])


def renamed(sid: str, title: str) -> ProgrammeUpdated:
    return ProgrammeUpdated(programme_id=f"prog-{sid}", school_id=sid, academic_year=YEAR, title=title, forms=["teacher_teacher"],
                            stage="running", changed=["title"])


PROGRAMME_TITLES = {"prog-s1": "Первые шаги", "prog-s2": "Учитель учителю"}
"""The titles load_programmes leaves; prog-s3 is never launched, so it is shown by its id."""


async def load_programmes(service) -> None:
    """prog-s1 launched (and redelivered); prog-s2 renamed, the update arriving before its launch."""
    now = datetime.now(UTC)
    first = await deliver_at(service, launched("s1", "Первые шаги"), now - timedelta(days=1))
    await deliver_at(service, launched("s1", "Первые шаги"), now - timedelta(days=1), envelope_id=first)
    await deliver_at(service, renamed("s2", "Учитель учителю"), now - timedelta(hours=1))
    await deliver_at(service, launched("s2", "Наставничество 2026"), now - timedelta(days=2))


async def load_plans_campaigns_swot(service) -> None:
    """Development plans, survey campaigns and SWOT answers, with out-of-order and redelivered
    events; teacher-3 (who withdraws afterwards) answers a campaign and a SWOT questionnaire."""
    now = datetime.now(UTC)
    # x1 (s1): 4 measures, 2 done; the redelivered measure counts once, an older plan arriving last changes nothing
    await deliver_at(service, plan("x1", "s1", 4, 1), now - timedelta(hours=2))
    done = await deliver_at(service, plan("x1", "s1", 4, 2, measure="m-x1-2"), now - timedelta(hours=1))
    await deliver_at(service, plan("x1", "s1", 4, 2, measure="m-x1-2"), now - timedelta(hours=1), envelope_id=done)
    await deliver_at(service, plan("x1", "s1", 3, 0), now - timedelta(hours=5))
    # x2 (s1): the last measure's event overtakes the one before it: all 2 done
    await deliver_at(service, plan("x2", "s1", 2, 0), now - timedelta(minutes=30))
    await deliver_at(service, plan("x2", "s1", 2, 2, measure="m-x2-2"), now - timedelta(minutes=10))
    await deliver_at(service, plan("x2", "s1", 2, 1, measure="m-x2-1"), now - timedelta(minutes=20))
    # x4 (s3): goals but no measures yet, so no plan to count
    await deliver(service, plan("x4", "s3", 0, 0))
    # c1 (s1, 4 invited, open): an answer before the campaign's opening, a redelivered one, teacher-3's
    await deliver(service, campaign_answer("q1", "s1", "teacher-2", "c1"))
    await deliver(service, campaign("c1", "s1", 4))
    q2 = await deliver(service, campaign_answer("q2", "s1", "pupil-1", "c1"))
    await deliver(service, campaign_answer("q2", "s1", "pupil-1", "c1"), envelope_id=q2)
    await deliver(service, campaign_answer("q3", "s1", "teacher-3", "c1"))
    # c2 (s2): closed (2 invited, 1 answered) before its opening arrives; the closing figures count
    await deliver(service, CampaignClosed(campaign_id="c2", instrument={"code": "expectations", "version": 1}, school_id="s2", invited=2, responded=1))
    await deliver(service, campaign_answer("q4", "s2", "teacher-5", "c2"))
    await deliver(service, campaign("c2", "s2", 2))
    # c3: region-wide, 10 invited; an answer from s2 before the opening, one from s3 after
    await deliver(service, campaign_answer("q6", "s2", "teacher-4", "c3"))
    await deliver(service, campaign("c3", None, 10))
    await deliver(service, campaign_answer("q5", "s3", "pupil-5", "c3"))
    # SWOT: the form from the event, else from the instrument's code
    await deliver(service, swot("w2", "s1", "teacher-1", "swot_teacher_pupil", {"strengths": 4, "weaknesses": 2, "opportunities": 3, "threats": 1},
                                "prog-s1", "teacher_pupil"))
    await deliver(service, swot("w3", "s2", "teacher-4", "swot_teacher_teacher", {"strengths": 2, "weaknesses": 4, "opportunities": 1, "threats": 3},
                                "prog-s2"))
    await deliver(service, swot("w4", "s3", "teacher-6", "swot_teacher_teacher", {"strengths": 5, "weaknesses": 1, "opportunities": 2, "threats": 0},
                                "prog-s3", "teacher_teacher"))
    await deliver(service, swot("w5", "s1", "teacher-3", "swot_teacher_teacher", {"strengths": 1, "weaknesses": 1, "opportunities": 1, "threats": 1},
                                "prog-s1", "teacher_teacher"))


async def load_region(service) -> None:
    """Three schools; s2 has low results, s3 difficult conditions. Out of order: s2's pupil and
    teacher-5 and pair x3's plan (3 measures, all done) arrive before their school / registration."""
    await deliver(service, plan("x3", "s2", 3, 3))
    await deliver(service, school("s1", "m1"))
    await deliver(service, person("pupil-4", "s2", "pupil"))
    await deliver(service, enrol("pupil-4", "s2", "mentee"))
    await deliver(service, enrol("teacher-5", "s2", "mentee"))
    await deliver(service, school("s2", "m1", low=True))
    await deliver(service, school("s3", "m2", difficult=True))
    for pid, sid, category, young in [
        ("teacher-1", "s1", "teacher", False), ("teacher-2", "s1", "teacher", True), ("teacher-3", "s1", "teacher", True),
        ("pupil-1", "s1", "pupil", False), ("pupil-2", "s1", "pupil", False), ("pupil-3", "s1", "pupil", False),
        ("teacher-4", "s2", "teacher", False), ("teacher-5", "s2", "teacher", True),
        ("teacher-6", "s3", "teacher", False), ("pupil-5", "s3", "pupil", False), ("pupil-6", "s3", "pupil", False),
    ]:
        await deliver(service, person(pid, sid, category, young))
    for pid, sid, role, capacity in [
        ("teacher-1", "s1", "mentor", 1), ("teacher-2", "s1", "mentee", None), ("teacher-3", "s1", "mentee", None),
        ("pupil-1", "s1", "mentee", None), ("teacher-4", "s2", "mentor", 2), ("teacher-6", "s3", "mentor", 3),
        ("pupil-5", "s3", "mentee", None),
    ]:
        await deliver(service, enrol(pid, sid, role, capacity))
    await deliver(service, enrol("teacher-1", "s1", "mentor", 1).model_copy(update={"programme_id": "second"}))  # counts once
    await deliver(service, pair("x1", "s1", "teacher-1", ["teacher-2", "teacher-3"], "teacher_teacher"))
    await deliver(service, pair("x2", "s1", "teacher-1", ["pupil-1"], "teacher_pupil"))
    await deliver(service, pair("x3", "s2", "teacher-4", ["teacher-5", "pupil-4"], "teacher_teacher"))
    await deliver(service, pair("x4", "s3", "teacher-6", ["pupil-5"], "teacher_pupil"))
    first = await deliver(service, answer("r1", "s1", "teacher-2", "satisfaction_mentee", {"satisfaction": 9}))
    await deliver(service, answer("r1", "s1", "teacher-2", "satisfaction_mentee", {"satisfaction": 9}), envelope_id=first)  # redelivered
    await deliver(service, answer("r2", "s1", "teacher-3", "satisfaction_mentee", {"satisfaction": 4}))
    await deliver(service, answer("r3", "s2", "teacher-5", "satisfaction_mentee", {"satisfaction": 7}))
    await deliver(service, answer("r4", "s3", "pupil-5", "satisfaction_mentee", {"satisfaction": 10}))
    await deliver(service, answer("r5", "s1", "teacher-1", "satisfaction_mentor", {"satisfaction": 8}))
    await deliver(service, answer("r6", "s2", "teacher-4", "satisfaction_mentor", {"satisfaction": 6}))
    now = datetime.now(UTC)
    diag = "deficit_self_diagnosis"
    await deliver(service, answer("d1", "s1", "teacher-2", diag, {"methodological": 4, "ict_digital": 2}, "start"))
    await deliver_at(service, answer("d2", "s1", "teacher-2", diag, {"methodological": 2, "ict_digital": 2}, "end"), now)
    # an older end diagnostic arrives later: the latest by event time stays
    await deliver_at(service, answer("d0", "s1", "teacher-2", diag, {"methodological": 5, "ict_digital": 5}, "end"), now - timedelta(days=3))
    await deliver(service, answer("d3", "s1", "teacher-3", diag, {"methodological": 3}, "start"))
    await deliver(service, answer("d4", "s1", "teacher-3", diag, {"methodological": 4}, "end"))
    await deliver(service, answer("d5", "s2", "teacher-5", diag, {"methodological": 5}, "start"))
    await deliver(service, answer("w1", "s1", "teacher-2", "swot_teacher_teacher", {"strengths": 8, "threats": 2}))
    await load_plans_campaigns_swot(service)
    await load_programmes(service)
    # teacher-3 withdraws consent; late answers of theirs change nothing
    await deliver(service, ParticipantWithdrawn(participant_id="teacher-3", school_id="s1", reason="consent_withdrawn", ended_programme_ids=["prog-s1"]))
    await deliver(service, answer("r7", "s1", "teacher-3", "satisfaction_mentee", {"satisfaction": 1}))
    await deliver(service, campaign_answer("q7", "s1", "teacher-3", "c1"))


pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared region lives on the module's loop
shared_region, region = region_fixtures(create_service, load_region)


async def values(client, scope: str, scope_id: str, headers=ADMIN) -> dict:
    response = await client.get(f"/api/v1/indicators/{scope}/{scope_id}", params={"academic_year": YEAR}, headers=headers)
    assert response.status_code == 200, response.text
    return {i["code"]: i["value"] for i in response.json()}


async def test_region_indicators_equal_the_hand_computed_values(region) -> None:
    service, client = region
    assert service.runtime.consumer.memory_dead_letters == []
    r = await values(client, "region", "test-region")
    expected = {
        "schools_total": 3, "schools_with_programme": 3, "schools_with_programme_share": 100.0,
        "mentors_total": 3, "mentees_total": 5, "mentees_teacher": 2, "mentees_pupil": 3, "mentees_student": 0,
        "young_specialists_in_mentoring_share": 100.0,  # teacher-2, teacher-5 of 2 (teacher-3 withdrew)
        "pupils_in_mentoring_share": 50.0, "pupils_coverage_against_target": 71.4,
        "pairs_formed": 4, "pairs_active": 4, "pairs_active_teacher_teacher": 2, "pairs_active_teacher_pupil": 2, "pairs_active_pupil_pupil": 0,
        "mentor_load_mean": 2.0, "mentors_over_capacity": 1,
        "mentee_satisfaction_mean": 8.67, "mentee_satisfaction_answers": 3,
        "mentee_satisfaction_low_share": 0.0, "mentee_satisfaction_mid_share": 33.3, "mentee_satisfaction_high_share": 66.7,
        "mentor_satisfaction_mean": 7.0, "mentor_satisfaction_answers": 2, "mentor_satisfaction_mid_share": 50.0,
        "growth_mentees_measured": 1, "growth_mean_change": -1.0, "growth_improved_share": 100.0,
        "deficit_start_methodological": 4.5, "deficit_end_methodological": 2.0, "deficit_start_ict_digital": 2.0, "deficit_end_ict_digital": 2.0,
        "deficit_start_regulatory_legal": None,
        # w1 8/–/–/2, w2 4/2/3/1, w3 2/4/1/3, w4 5/1/2/0 (teacher-3's w5 withdrawn)
        "swot_strengths_mean": 4.75, "swot_weaknesses_mean": 2.33, "swot_opportunities_mean": 2.0, "swot_threats_mean": 1.5,
    }
    assert {code: r[code] for code in expected} == expected


async def test_school_and_municipality_levels(region) -> None:
    _, client = region
    s1 = await values(client, "school", "s1", bearer("school_curator", "school", "s1"))
    assert (s1["mentees_total"], s1["pupils_in_mentoring_share"], s1["mentor_load_mean"], s1["mentors_over_capacity"]) == (2, 33.3, 3.0, 1)
    assert s1["mentee_satisfaction_mean"] == 9.0
    m1 = await values(client, "municipality", "m1", bearer("municipal_coordinator", "municipality", "m1"))
    assert (m1["mentee_satisfaction_mean"], m1["pupils_in_mentoring_share"], m1["schools_total"]) == (8.0, 50.0, 2)


async def test_the_withdrawn_person_leaves_no_personal_data(region) -> None:
    service, _ = region
    async with service.runtime.db.sessions() as session:
        bodies = [row.body for row in (await session.exec(select(InboxMessage))).all()]
        parked = (await session.exec(select(ParkedEvent))).all()
    assert bodies and not any("teacher-3" in b or NAMES["teacher-3"] in b for b in bodies)
    assert parked == []


async def programme_rows(service) -> list[tuple]:
    async with service.runtime.db.sessions() as session:
        return [(p.id, p.school_id, p.academic_year, p.title, p.order_key) for p in (await session.exec(select(Programme).order_by(Programme.id))).all()]


@pytest.mark.changes_region
async def test_rebuild_ends_with_the_live_values(region) -> None:
    service, client = region
    live = await service.service.counter_snapshot()
    live_programmes = await programme_rows(service)
    assert {row[0]: row[3] for row in live_programmes} == PROGRAMME_TITLES
    live_values = await values(client, "region", "test-region")
    live_school = await values(client, "school", "s2")
    swot_url = "/api/v1/indicators/region/test-region/swot"
    live_swot = (await client.get(swot_url, params={"academic_year": YEAR}, headers=ADMIN)).json()
    # the replay covers plans, campaigns (one region-wide) and SWOT per programme and form too
    assert (live_values["plan_measures_done"], live_values["campaigns_held"], live_values["regional_campaign_responses"], len(live_swot)) == (7, 3, 2, 4)
    summary = await service.service.rebuild(service.runtime.uow)
    assert summary["events"] > 60
    assert await service.service.counter_snapshot() == live
    assert await programme_rows(service) == live_programmes
    assert await values(client, "region", "test-region") == live_values
    assert await values(client, "school", "s2") == live_school
    assert (await client.get(swot_url, params={"academic_year": YEAR}, headers=ADMIN)).json() == live_swot


async def test_low_result_and_difficult_schools_are_shown_apart(region) -> None:
    service, _ = region
    from shared.auth import Principal

    admin = Principal(sub="a", role="region_admin", scope="region", scope_id="test-region")
    report = await service.service.report("region", "test-region", YEAR, admin)
    groups = {g.name: g.values for g in report.groups}
    assert groups["Школы с низкими образовательными результатами"]["mentees_total"] == 2
    assert groups["Школы в сложных социальных условиях"]["mentees_total"] == 1
    assert groups["Остальные школы"]["mentees_total"] == 2
    assert report.scope.values["mentees_total"] == 5
    assert [m.values["schools_total"] for m in report.municipalities] == [2, 1]


@pytest.mark.changes_region
async def test_an_ended_pair_moves_from_active_to_completed_or_terminated(region) -> None:
    from shared.contracts.pairing import PairEnded

    service, client = region
    ended = dict(programme_id="prog-s1", school_id="s1", mentor_id="teacher-1", academic_year=YEAR)
    await deliver(service, PairEnded(pair_id="x2", mentee_ids=["pupil-1"], form="teacher_pupil", outcome="completed", **ended))
    await deliver(service, PairEnded(pair_id="x1", mentee_ids=["teacher-2", "teacher-3"], form="teacher_teacher", outcome="terminated", **ended))
    # the end of a pair never formed arrives first, then the pair: both applied
    await deliver(service, PairEnded(pair_id="x9", programme_id="prog-s3", school_id="s3", mentor_id="teacher-6", mentee_ids=["pupil-6"],
                                     form="pupil_pupil", academic_year=YEAR, outcome="completed"))
    await deliver(service, pair("x9", "s3", "teacher-6", ["pupil-6"], "pupil_pupil"))
    r = await values(client, "region", "test-region")
    assert (r["pairs_formed"], r["pairs_active"], r["pairs_completed"], r["pairs_terminated"]) == (5, 2, 2, 1)
    assert (r["pairs_completed_teacher_pupil"], r["pairs_terminated_teacher_teacher"], r["pairs_active_teacher_teacher"]) == (1, 1, 1)
    # teacher-1 has no active pair left; teacher-4 (2 places) and teacher-6 (1 place) remain
    assert (r["mentor_load_mean"], r["mentors_over_capacity"]) == (1.5, 0)
    live = await service.service.counter_snapshot()
    await service.service.rebuild(service.runtime.uow)
    assert await service.service.counter_snapshot() == live


async def test_development_plan_progress_keeps_the_latest_plan_of_each_pair(region) -> None:
    _, client = region
    r = await values(client, "region", "test-region")
    # x1 4 measures / 2 done, x2 2 / 2, x3 3 / 3; x4 has no measures
    assert {c: r[c] for c in ("plan_pairs", "plan_measures_total", "plan_measures_done", "plan_measures_done_share",
                              "plan_pairs_done", "plan_pairs_done_share")} == {
        "plan_pairs": 3, "plan_measures_total": 9, "plan_measures_done": 7, "plan_measures_done_share": 77.8,
        "plan_pairs_done": 2, "plan_pairs_done_share": 66.7}
    s1 = await values(client, "school", "s1")
    assert (s1["plan_pairs"], s1["plan_measures_done_share"], s1["plan_pairs_done_share"]) == (2, 66.7, 50.0)
    s3 = await values(client, "school", "s3")
    assert (s3["plan_pairs"], s3["plan_measures_done_share"]) == (0, None)


async def test_campaign_response_rates_per_school_and_region(region) -> None:
    _, client = region
    r = await values(client, "region", "test-region")
    # c1 s1: 3 of 4 (teacher-3's answer before withdrawing stays, the late one is ignored); c2 s2: closed 1 of 2;
    # c3 region-wide: 2 of 10, counted at the region only
    assert {c: r[c] for c in ("campaigns_held", "campaign_invited", "campaign_responded", "campaign_response_rate",
                              "regional_campaign_responses")} == {
        "campaigns_held": 3, "campaign_invited": 16, "campaign_responded": 6, "campaign_response_rate": 37.5,
        "regional_campaign_responses": 2}
    s1, s2, s3 = [await values(client, "school", sid) for sid in ("s1", "s2", "s3")]
    assert (s1["campaigns_held"], s1["campaign_invited"], s1["campaign_responded"], s1["campaign_response_rate"]) == (1, 4, 3, 75.0)
    assert (s2["campaign_response_rate"], s2["regional_campaign_responses"]) == (50.0, 1)
    assert (s3["campaigns_held"], s3["campaign_response_rate"], s3["regional_campaign_responses"]) == (0, None, 1)
    m1 = await values(client, "municipality", "m1")
    assert (m1["campaigns_held"], m1["campaign_invited"], m1["campaign_responded"], m1["campaign_response_rate"]) == (2, 6, 4, 66.7)


@pytest.mark.changes_region
async def test_a_municipality_wide_campaign_counts_for_its_municipality_and_the_region(region) -> None:
    from shared.auth import Principal

    service, client = region
    # c4: every school of m1, 5 invited; teacher-1 (s1) answers
    await deliver(service, campaign("c4", None, 5).model_copy(update={"municipality_id": "m1"}))
    await deliver(service, campaign_answer("q7", "s1", "teacher-1", "c4"))

    r, m1, m2 = await values(client, "region", "test-region"), await values(client, "municipality", "m1"), await values(client, "municipality", "m2")
    # region: 3 + 1 campaigns, 16 + 5 invited, 6 + 1 answered; m1: c1, c2 and c4 — 4 + 2 + 5 invited, 3 + 1 + 1 answered
    assert (r["campaigns_held"], r["campaign_invited"], r["campaign_responded"]) == (4, 21, 7)
    assert (m1["campaigns_held"], m1["campaign_invited"], m1["campaign_responded"], m1["campaign_response_rate"]) == (3, 11, 5, 45.5)
    assert (m2["campaigns_held"], m2["campaign_invited"]) == (0, 0)
    assert (await values(client, "school", "s1"))["regional_campaign_responses"] == 1  # an answer beyond the school's own campaigns

    admin = Principal(sub="a", role="region_admin", scope="region", scope_id="test-region")
    report = await service.service.report("region", "test-region", YEAR, admin)
    rows = {m.scope_id: m.values for m in report.municipalities}
    assert (rows["m1"]["campaigns_held"], rows["m1"]["campaign_invited"], rows["m2"]["campaigns_held"]) == (3, 11, 0)
    assert report.scope.values["campaign_invited"] == 21
    coordinator = Principal(sub="c", role="municipal_coordinator", scope="municipality", scope_id="m1")
    own = await service.service.report("municipality", "m1", YEAR, coordinator)
    assert (own.scope.values["campaigns_held"], own.scope.values["campaign_response_rate"]) == (3, 45.5)


async def test_swot_summary_per_form_and_per_programme_and_form(region) -> None:
    _, client = region
    r = await values(client, "region", "test-region")
    # teacher_teacher: w1 (form from the code), w3 (form from the code), w4 (form given); teacher_pupil: w2
    assert {c: r[c] for c in ("swot_responses_teacher_teacher", "swot_strengths_mean_teacher_teacher", "swot_weaknesses_mean_teacher_teacher",
                              "swot_opportunities_mean_teacher_teacher", "swot_threats_mean_teacher_teacher", "swot_responses_teacher_pupil",
                              "swot_strengths_mean_teacher_pupil", "swot_responses_pupil_pupil")} == {
        "swot_responses_teacher_teacher": 3, "swot_strengths_mean_teacher_teacher": 5.0, "swot_weaknesses_mean_teacher_teacher": 2.5,
        "swot_opportunities_mean_teacher_teacher": 1.5, "swot_threats_mean_teacher_teacher": 1.67, "swot_responses_teacher_pupil": 1,
        "swot_strengths_mean_teacher_pupil": 4.0, "swot_responses_pupil_pupil": 0}
    response = await client.get("/api/v1/indicators/region/test-region/swot", params={"academic_year": YEAR}, headers=ADMIN)
    assert response.status_code == 200, response.text
    rows = [(row["programme_id"], row["form"], row["responses"], row["strengths"], row["weaknesses"], row["threats"]) for row in response.json()]
    assert rows == [  # teacher-3's prog-s1 teacher_teacher answer was withdrawn: no row
        ("", "teacher_teacher", 1, 8.0, None, 2.0),
        ("prog-s1", "teacher_pupil", 1, 4.0, 2.0, 1.0),
        ("prog-s2", "teacher_teacher", 1, 2.0, 4.0, 3.0),
        ("prog-s3", "teacher_teacher", 1, 5.0, 1.0, 0.0),
    ]
    assert response.json()[1]["form_name"] == "учитель – ученик"
    # the latest title by event time (prog-s2's update came before its launch); prog-s3 was never launched: its id
    assert [row["programme_name"] for row in response.json()] == ["не указана", "Первые шаги", "Учитель учителю", "prog-s3"]
    curator = bearer("school_curator", "school", "s3")
    assert [row["programme_id"] for row in (await client.get("/api/v1/indicators/school/s3/swot", params={"academic_year": YEAR}, headers=curator)).json()] == ["prog-s3"]
    assert (await client.get("/api/v1/indicators/school/s1/swot", headers=curator)).status_code == 404


async def test_new_indicators_of_low_result_and_difficult_schools_are_shown_apart(region) -> None:
    service, _ = region
    from shared.auth import Principal

    admin = Principal(sub="a", role="region_admin", scope="region", scope_id="test-region")
    report = await service.service.report("region", "test-region", YEAR, admin)
    low, difficult, others = (g.values for g in report.groups)
    assert (low["plan_pairs"], low["plan_measures_done_share"], low["campaign_response_rate"], low["swot_strengths_mean_teacher_teacher"]) == (1, 100.0, 50.0, 2.0)
    assert (difficult["plan_pairs"], difficult["campaign_response_rate"], difficult["regional_campaign_responses"]) == (0, None, 1)
    assert (difficult["swot_strengths_mean_teacher_teacher"], others["plan_pairs_done_share"], others["campaign_response_rate"]) == (5.0, 50.0, 75.0)
    # the region's own row adds the region-wide campaign, as the API does
    assert (report.scope.values["campaigns_held"], report.scope.values["campaign_response_rate"]) == (3, 37.5)
    assert [(row.programme_id, row.form) for row in report.swot][:2] == [("", "teacher_teacher"), ("prog-s1", "teacher_pupil")]


async def test_every_new_event_is_announced(region) -> None:
    from tests.component.helpers import emitted

    service, _ = region
    updates = await emitted(service, "reports.indicators.updated.v1")
    region_updates = [u["indicators"] for u in updates if u["scope"] == "region"]
    assert region_updates[-1]["campaign_response_rate"] == 37.5
    assert region_updates[-1]["plan_measures_done"] == 7
