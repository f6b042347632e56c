"""The growth measurement, the curator's questionnaire and the pupils' professional interests in reports, against values computed by
hand: the latest answer of a stage by event time counts, a redelivered event counts once, a
withdrawn person leaves the counts, and rebuild == live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.contracts.registry import ParticipantWithdrawn
from shared.contracts.surveys import ResponseCompleted

from services.reports.main import create_service
from tests.component.helpers import ADMIN, deliver, running
from tests.component.test_reports_indicators import YEAR, deliver_at, enrol, person, school, values


def answer(rid: str, who: str, code: str, scores: dict, stage: str | None = None, role: str = "mentee") -> ResponseCompleted:
    return ResponseCompleted(response_id=rid, instrument={"code": code, "version": 1}, respondent_id=who, respondent_role=role,
                             school_id="s1", academic_year=YEAR, stage=stage, scores=scores)


def scales(motivation: float, competences: float, soft_skills: float, engagement: float) -> dict:
    return {"motivation": motivation, "competences": competences, "soft_skills": soft_skills, "engagement": engagement}


CURATOR_A = {"organisation_quality": 7.5, "organisation": 8, "pairs_formed_well": 6, "mentor_engagement": 7, "mentee_engagement": 9,
             "admin_support": 5, "resources": 10, "readiness": 1.0}
CURATOR_B = {"organisation_quality": 5.0, "organisation": 4, "pairs_formed_well": 6, "mentor_engagement": 5, "mentee_engagement": 5,
             "admin_support": 5, "resources": 5, "readiness": 0.5}
CURATOR_C = {**CURATOR_B, "organisation_quality": 1.0, "readiness": 0.0}


@pytest.fixture
async def reports(settings):
    service = create_service(settings)
    async with running(service) as client:
        await deliver(service, school("s1", "m1"))
        for pid, role in (("e1", "mentee"), ("e2", "mentee"), ("e3", "mentee"), ("m1", "mentor")):
            await deliver(service, person(pid, "s1", "teacher"))
            await deliver(service, enrol(pid, "s1", role))
        for pid in ("c1", "c2", "c3"):
            await deliver(service, person(pid, "s1", "teacher"))
        for pid in ("p1", "p2", "p3"):
            await deliver(service, person(pid, "s1", "pupil"))
        now = datetime.now(UTC)
        code = "growth_measurement"
        # e1: 4 → 6 on every scale but engagement 5 → 5: change (2 + 2 + 2 + 0) / 4 = 1,5
        first = await deliver(service, answer("g1", "e1", code, scales(4, 4, 4, 5), "start"))
        await deliver(service, answer("g1", "e1", code, scales(4, 4, 4, 5), "start"), envelope_id=first)  # redelivered
        await deliver_at(service, answer("g2", "e1", code, scales(6, 6, 6, 5), "end"), now)
        # an older end answer arriving later changes nothing
        await deliver_at(service, answer("g0", "e1", code, scales(1, 1, 1, 1), "end"), now - timedelta(days=2))
        # m1 (a mentor): 8 → 7 on every scale: change −1
        await deliver(service, answer("g3", "m1", code, scales(8, 8, 8, 8), "start", role="mentor"))
        await deliver(service, answer("g4", "m1", code, scales(7, 7, 7, 7), "end", role="mentor"))
        # e2: start only (counts in the start means, not in the change)
        await deliver(service, answer("g5", "e2", code, scales(3, 3, 3, 3), "start"))
        # e3: both, then withdraws: nothing of theirs stays
        await deliver(service, answer("g6", "e3", code, scales(1, 1, 1, 1), "start"))
        await deliver(service, answer("g7", "e3", code, scales(10, 10, 10, 10), "end"))
        # curators' questionnaires: c1, c2, and c3 who withdraws; c1's answer redelivered
        once = await deliver(service, answer("k1", "c1", "curator_questionnaire", CURATOR_A, role="curator"))
        await deliver(service, answer("k1", "c1", "curator_questionnaire", CURATOR_A, role="curator"), envelope_id=once)
        await deliver(service, answer("k2", "c2", "curator_questionnaire", CURATOR_B, role="curator"))
        await deliver(service, answer("k3", "c3", "curator_questionnaire", CURATOR_C, role="curator"))
        # pupils' professional interests: p1 leans to «человек – человек», p2 to it and «человек – природа»
        # (a tie), p3 (who withdraws) to «человек – техника»; p1's answer redelivered
        ddo = "professional_interests_ddo"
        sent = await deliver(service, answer("i1", "p1", ddo, {"nature": 2, "technology": 5, "human": 6, "sign_system": 4, "artistic_image": 3}))
        await deliver(service, answer("i1", "p1", ddo, {"nature": 2, "technology": 5, "human": 6, "sign_system": 4, "artistic_image": 3}),
                      envelope_id=sent)
        await deliver(service, answer("i2", "p2", ddo, {"nature": 5, "technology": 2, "human": 5, "sign_system": 4, "artistic_image": 4}))
        await deliver(service, answer("i3", "p3", ddo, {"nature": 0, "technology": 8, "human": 4, "sign_system": 4, "artistic_image": 4}))
        for pid in ("e3", "c3", "p3"):
            await deliver(service, ParticipantWithdrawn(participant_id=pid, school_id="s1", reason="consent_withdrawn", ended_programme_ids=[]))
        yield service, client


EXPECTED = {
    "measurement_measured": 2,  # e1, m1 (e3 withdrew, e2 has no end)
    "measurement_mean_change": 0.25,  # (1,5 − 1) / 2
    "measurement_improved_share": 50.0,  # e1
    "measurement_start_motivation": 5.0,  # (4 + 8 + 3) / 3
    "measurement_end_motivation": 6.5,  # (6 + 7) / 2
    "measurement_start_engagement": 5.33,  # (5 + 8 + 3) / 3
    "measurement_end_engagement": 6.0,  # (5 + 7) / 2
    "measurement_change_motivation": 0.5,  # (2 − 1) / 2
    "measurement_change_engagement": -0.5,  # (0 − 1) / 2
    "curator_answers": 2,
    "curator_organisation_quality_mean": 6.25,  # (7,5 + 5) / 2
    "curator_organisation_mean": 6.0,  # (8 + 4) / 2
    "curator_resources_mean": 7.5,  # (10 + 5) / 2
    "curator_readiness_share": 75.0,  # (1 + 0,5) / 2 × 100
    "interests_answers": 2,  # p1, p2 (p3 withdrew)
    "interests_human_share": 100.0,
    "interests_nature_share": 50.0,  # p2's tie
    "interests_technology_share": 0.0,
    "interests_human_mean": 5.5,  # (6 + 5) / 2
    "interests_nature_mean": 3.5,  # (2 + 5) / 2
    "interests_artistic_image_mean": 3.5,  # (3 + 4) / 2
}


async def test_growth_measurement_and_curator_indicators_equal_the_hand_computed_values(reports) -> None:
    service, client = reports
    assert service.runtime.consumer.memory_dead_letters == []
    school_values = await values(client, "school", "s1", ADMIN)
    assert {code: school_values[code] for code in EXPECTED} == EXPECTED
    region = await values(client, "region", "test-region")
    assert {code: region[code] for code in EXPECTED} == EXPECTED


async def test_rebuild_ends_with_the_live_values(reports) -> None:
    service, client = reports
    live = await service.service.counter_snapshot()
    live_values = await values(client, "school", "s1", ADMIN)
    await service.service.rebuild(service.runtime.uow)
    assert await service.service.counter_snapshot() == live
    rebuilt = await values(client, "school", "s1", ADMIN)
    assert rebuilt == live_values
    assert {code: rebuilt[code] for code in EXPECTED} == EXPECTED
