"""Events consumed together: one `apply_many` transaction ends with the counters of the same
events applied one by one, and its announcements name every event that changed a scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from shared.auth import Principal
from shared.contracts.envelope import Envelope, EventData, new_envelope
from shared.contracts.registry import ParticipantWithdrawn
from shared.contracts.surveys import CampaignClosed
from shared.settings import Settings

from services.reports.main import create_service
from services.reports.models import Programme
from tests.component.helpers import deliver, emitted, running
from tests.component.test_reports_indicators import (
    YEAR,
    campaign,
    campaign_answer,
    enrol,
    launched,
    pair,
    person,
    plan,
    renamed,
    school,
    swot,
)
from tests.conftest import SECRET

ADMIN = Principal(sub="a", role="region_admin", scope="region", scope_id="test-region")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # inside YEAR: population changes are announced for YEAR too


async def load_base(service) -> None:
    """School s1: teacher-1 mentors teacher-2 and teacher-3 (young specialists) in pair x1."""
    await deliver(service, school("s1", "m1"))
    for pid, young in (("teacher-1", False), ("teacher-2", True), ("teacher-3", True)):
        await deliver(service, person(pid, "s1", "teacher", young))
    await deliver(service, enrol("teacher-1", "s1", "mentor", 2))
    await deliver(service, enrol("teacher-2", "s1", "mentee"))
    await deliver(service, enrol("teacher-3", "s1", "mentee"))
    await deliver(service, pair("x1", "s1", "teacher-1", ["teacher-2", "teacher-3"], "teacher_teacher"))


def new_events() -> list[tuple[str, EventData]]:
    """(label, event): the labels name the events in the assertions. s2's events come before s2
    is registered (parked, then released by its registration); teacher-3 withdraws in the middle."""
    scores = {"strengths": 4, "weaknesses": 2, "opportunities": 3, "threats": 1}
    return [
        ("plan", plan("x1", "s1", 4, 1)),
        ("c1 opened", campaign("c1", "s1", 4)),
        ("swot teacher-2", swot("w1", "s1", "teacher-2", "swot_teacher_teacher", scores, "prog-s1", "teacher_teacher")),
        ("c1 teacher-2", campaign_answer("q1", "s1", "teacher-2", "c1")),
        ("swot teacher-3", swot("w2", "s1", "teacher-3", "swot_teacher_teacher", {"strengths": 2, "threats": 5}, "prog-s1", "teacher_teacher")),
        ("programme updated", renamed("s1", "Первые шаги")),
        ("withdrawal", ParticipantWithdrawn(participant_id="teacher-3", school_id="s1", reason="consent_withdrawn", ended_programme_ids=["prog-s1"])),
        ("measure done", plan("x1", "s1", 4, 3, measure="m-3")),
        ("pupil-9 registered", person("pupil-9", "s2", "pupil")),
        ("pupil-9 enrolled", enrol("pupil-9", "s2", "mentee")),
        ("c2 opened", campaign("c2", "s2", 2)),
        ("swot pupil-9", swot("w3", "s2", "pupil-9", "swot_pupil_pupil", {"strengths": 5, "weaknesses": 1, "opportunities": 1, "threats": 0}, "prog-s2")),
        ("s2 registered", school("s2", "m1")),
        ("c2 pupil-9", campaign_answer("q2", "s2", "pupil-9", "c2")),
        ("c1 closed", CampaignClosed(campaign_id="c1", instrument={"code": "expectations", "version": 1}, school_id="s1", invited=4, responded=2)),
        ("swot teacher-3 late", swot("w4", "s1", "teacher-3", "swot_teacher_teacher", {"strengths": 10}, "prog-s1", "teacher_teacher")),
        ("programme launched", launched("s1", "Наставничество")),  # older than the update: the update's title stays
    ]


def envelopes(events: list[tuple[str, EventData]]) -> list[tuple[str, Envelope, EventData]]:
    out = []
    for i, (label, event) in enumerate(events):
        envelope = new_envelope("test", event)
        envelope.time = START + timedelta(minutes=i)
        out.append((label, envelope, event))
    out[-1][1].time = START - timedelta(days=1)  # the launch happened before the update
    return out


@pytest.fixture
async def twins(tmp_path, other_databases):
    """Two reports services with their own databases, loaded alike."""
    services = []
    for name in ("one_by_one", "batch"):
        other_databases()
        settings = Settings(data_dir=tmp_path / name, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None)
        services.append(create_service(settings))
    async with running(services[0]), running(services[1]):
        for service in services:
            await load_base(service)
        yield services


async def apply(service, items: list[tuple[str, Envelope, EventData]]) -> None:
    async with service.runtime.uow() as work:
        await service.service.apply_many(work, [(envelope, event) for _, envelope, event in items])


async def test_one_batch_gives_the_counters_of_one_event_at_a_time(twins) -> None:
    one_by_one, batch = twins
    items = envelopes(new_events())
    for item in items:
        await apply(one_by_one, [item])
    announced_before = len(await emitted(batch, "reports.indicators.updated.v1"))
    await apply(batch, items)

    assert await batch.service.counter_snapshot() == await one_by_one.service.counter_snapshot()
    region = {i.code: i.value for i in await batch.service.indicators("region", "test-region", YEAR, ADMIN)}
    # mentees teacher-2 and pupil-9 (teacher-3 withdrew); plan x1: 3 of 4 done; c1 closed 2 of 4, c2 1 of 2;
    # SWOT w1 (4) and w3 (5): teacher-3's answers left with them
    assert {c: region[c] for c in ("schools_total", "mentees_total", "mentees_teacher", "mentees_pupil", "young_specialists_in_mentoring_share",
                                   "pupils_in_mentoring_share", "plan_measures_done_share", "campaigns_held", "campaign_invited",
                                   "campaign_responded", "campaign_response_rate", "swot_strengths_mean", "swot_threats_mean",
                                   "swot_responses_teacher_teacher", "swot_responses_pupil_pupil")} == {
        "schools_total": 2, "mentees_total": 2, "mentees_teacher": 1, "mentees_pupil": 1, "young_specialists_in_mentoring_share": 100.0,
        "pupils_in_mentoring_share": 100.0, "plan_measures_done_share": 75.0, "campaigns_held": 2, "campaign_invited": 6,
        "campaign_responded": 3, "campaign_response_rate": 50.0, "swot_strengths_mean": 4.5, "swot_threats_mean": 0.5,
        "swot_responses_teacher_teacher": 1, "swot_responses_pupil_pupil": 1}
    swot_rows = await batch.service.swot("region", "test-region", YEAR, ADMIN)
    assert [(r.programme_name, r.form, r.responses, r.means["strengths"]) for r in swot_rows] == [
        ("Первые шаги", "teacher_teacher", 1, 4.0), ("prog-s2", "pupil_pupil", 1, 5.0)]
    for service in twins:
        async with service.runtime.db.sessions() as session:
            assert [(p.id, p.title) for p in (await session.exec(select(Programme))).all()] == [("prog-s1", "Первые шаги")]

    announcements = (await emitted(batch, "reports.indicators.updated.v1"))[announced_before:]
    scopes = [(a["scope"], a["scope_id"], a["academic_year"]) for a in announcements]
    assert sorted(scopes) == [("municipality", "m1", YEAR), ("region", "test-region", YEAR), ("school", "s1", YEAR), ("school", "s2", YEAR)]
    named = {cause for a in announcements for cause in [a["caused_by"], *a["also_caused_by"]]}
    label_of = {envelope.id: label for label, envelope, _ in items}
    # every event that changed a count is named (parked ones too, when released); an event about
    # the withdrawn person and the programme titles change no count
    assert sorted(label_of[i] for i in named) == sorted(
        label for label in label_of.values() if label not in ("swot teacher-3 late", "programme updated", "programme launched"))
    s2 = next(a for a in announcements if a["scope_id"] == "s2")
    assert {label_of[i] for i in [s2["caused_by"], *s2["also_caused_by"]]} == {
        "pupil-9 registered", "pupil-9 enrolled", "c2 opened", "swot pupil-9", "s2 registered", "c2 pupil-9"}
