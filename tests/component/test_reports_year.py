"""The programme's year in the monitoring (issue 15), through reports' HTTP API: documents and
curators, activities, meetings, training and recognition of mentors, the bank of practices and
the regional roadmap — each delivered as its contract event, with a change replacing the earlier
state, removals subtracting, an event of a school not known yet (parked, then applied), a
redelivery counted once, an older event arriving last, and a withdrawn mentor. Values computed
by hand per school, municipality and region; the regional exports carry the new section."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from shared.contracts.pairing import MeetingRecorded, MeetingRemoved
from shared.contracts.practices import PracticeStatusChanged, RoadmapItemSaved
from shared.contracts.registry import ParticipantRegistered, ParticipantWithdrawn
from shared.contracts.registry_year import (
    ActivityCancelled,
    ActivitySaved,
    CuratorAppointed,
    DocumentRecorded,
    DocumentRemoved,
    RecognitionRecorded,
    TrainingRecorded,
    TrainingRemoved,
)
from shared.messaging.inbox import InboxMessage

from services.reports import domain
from services.reports.main import create_service
from services.reports.models import ParkedEvent, YearFact
from tests.component.helpers import ADMIN, bearer, count, deliver, emitted, region_fixtures
from tests.component.test_reports_indicators import YEAR, deliver_at, enrol, school, values

pytestmark = pytest.mark.asyncio(loop_scope="module")

T0 = datetime(2026, 12, 10, 9, tzinfo=UTC)
"""The roadmap's events happen on 10 December 2026: items due before are overdue unless done."""


def doc(did: str, sid: str, kind: str) -> DocumentRecorded:
    return DocumentRecorded(document_id=did, programme_id=f"prog-{sid}", school_id=sid, academic_year=YEAR, kind=kind,
                            issued_on=date(2026, 9, 1))


def activity(aid: str, sid: str, held: bool, invited: int = 0, attended: int = 0) -> ActivitySaved:
    return ActivitySaved(activity_id=aid, programme_id=f"prog-{sid}", school_id=sid, academic_year=YEAR, kind="workshop",
                         planned_on=date(2026, 10, 1), held_on=date(2026, 10, 1) if held else None,
                         participants_invited=invited, participants_attended=attended)


def meeting(mid: str, pair: str, sid: str, day: date) -> MeetingRecorded:
    return MeetingRecorded(meeting_id=mid, pair_id=pair, programme_id=f"prog-{sid}", school_id=sid, academic_year=YEAR,
                           held_on=day, minutes=45)


def training(tid: str, who: str, sid: str) -> TrainingRecorded:
    return TrainingRecorded(training_id=tid, person_id=who, school_id=sid, academic_year=YEAR, kind="course",
                            completed_on=date(2026, 11, 1), hours=36)


def recognition(rid: str, who: str, sid: str, result: str) -> RecognitionRecorded:
    return RecognitionRecorded(recognition_id=rid, person_id=who, school_id=sid, academic_year=YEAR, kind="contest",
                               level="regional", result=result, awarded_on=date(2026, 12, 1))


def practice(pid: str, sid: str, status: str) -> PracticeStatusChanged:
    return PracticeStatusChanged(practice_id=pid, school_id=sid, academic_year=YEAR, status=status, form="teacher_teacher",
                                 published_on=date(2026, 12, 1) if status == "published" else None)


def item(iid: str, due: date, status: str, done: date | None = None) -> RoadmapItemSaved:
    return RoadmapItemSaved(item_id=iid, region_id="test-region", number=iid, due_on=due, status=status, done_on=done)


def teacher(pid: str, sid: str) -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=pid, school_id=sid, category="teacher", display_name=f"Учитель {pid}")


async def load_year(service) -> None:
    """s1, s2 in m1 and s3 in m2 run programmes; s4 (m2) is registered only after its first event."""
    now = datetime.now(UTC)
    for sid, municipality in (("s1", "m1"), ("s2", "m1"), ("s3", "m2")):
        await deliver(service, school(sid, municipality))
    for pid, sid in (("t1", "s1"), ("t2", "s1"), ("t3", "s2"), ("t4", "s3")):
        await deliver(service, teacher(pid, sid))
        await deliver(service, enrol(pid, sid, "mentor"))
    # documents: s1 has all three (the roadmap redelivered); s2 records a roadmap by mistake as «other»,
    # corrects it (all three), then removes it (two of three); s3 only the order
    for did, sid, kind in (("d1", "s1", "order"), ("d2", "s1", "regulation"), ("d4", "s2", "order"), ("d5", "s2", "regulation"),
                           ("d7", "s3", "order")):
        await deliver(service, doc(did, sid, kind))
    sent = await deliver(service, doc("d3", "s1", "roadmap"))
    await deliver(service, doc("d3", "s1", "roadmap"), envelope_id=sent)
    await deliver_at(service, doc("d6", "s2", "other"), now - timedelta(hours=3))
    await deliver_at(service, doc("d6", "s2", "roadmap"), now - timedelta(hours=2))
    await deliver_at(service, DocumentRemoved(document_id="d6", programme_id="prog-s2", school_id="s2", academic_year=YEAR,
                                              kind="roadmap"), now - timedelta(hours=1))
    await deliver_at(service, doc("d6", "s2", "roadmap"), now - timedelta(hours=2, minutes=30))  # older, arriving last: ignored
    await deliver(service, CuratorAppointed(programme_id="prog-s1", school_id="s1", academic_year=YEAR, curator_id="c1",
                                            appointed_on=date(2026, 9, 2)))
    # activities of s1: a1 held (10 invited, 8 came), a2 planned then held (5 of 5), a3 cancelled; s3: a4 planned
    await deliver(service, activity("a1", "s1", True, 10, 8))
    await deliver_at(service, activity("a2", "s1", False), now - timedelta(hours=1))
    await deliver_at(service, activity("a2", "s1", True, 5, 5), now)
    await deliver(service, activity("a3", "s1", False))
    await deliver(service, ActivityCancelled(activity_id="a3", programme_id="prog-s1", school_id="s1", academic_year=YEAR))
    await deliver(service, activity("a4", "s3", False))
    # meetings: pair p1 (s1) in October, November and December (a fourth one, in January, removed); p2 (s2) once
    for mid, day in (("m1", date(2026, 10, 5)), ("m2", date(2026, 10, 20)), ("m3", date(2026, 11, 3)), ("m4", date(2026, 12, 1)),
                     ("m5", date(2027, 1, 15))):
        await deliver(service, meeting(mid, "p1", "s1", day))
    await deliver(service, MeetingRemoved(meeting_id="m5", pair_id="p1", programme_id="prog-s1", school_id="s1", academic_year=YEAR,
                                          held_on=date(2027, 1, 15)))
    await deliver(service, meeting("m6", "p2", "s2", date(2026, 10, 10)))
    # training: t1 twice, t2 once (t2 withdraws later), t3; t4's record arrives before s4 exists (s4 is t4's new school)
    for tid, who, sid in (("tr1", "t1", "s1"), ("tr2", "t1", "s1"), ("tr3", "t2", "s1"), ("tr4", "t3", "s2"), ("tr5", "t4", "s4")):
        await deliver(service, training(tid, who, sid))
    await deliver(service, school("s4", "m2"))
    # recognition: t1 winner and participant, t3 prize-winner, t2 participant (withdraws)
    for rid, who, sid, result in (("r1", "t1", "s1", "winner"), ("r2", "t1", "s1", "participant"), ("r3", "t3", "s2", "prize_winner"),
                                  ("r4", "t2", "s1", "participant")):
        await deliver(service, recognition(rid, who, sid, result))
    await deliver(service, ParticipantWithdrawn(participant_id="t2", school_id="s1", reason="consent_withdrawn", ended_programme_ids=[]))
    await deliver(service, training("tr6", "t2", "s1"))  # after the withdrawal: ignored
    await deliver(service, TrainingRemoved(training_id="tr3", person_id="t2", school_id="s1", academic_year=YEAR))  # the registry's removal
    # practices: pr1 (s1) published — its older «submitted» arrives last; pr2 (s2) submitted; pr3 (s3) a draft
    await deliver_at(service, practice("pr1", "s1", "published"), now)
    await deliver_at(service, practice("pr1", "s1", "submitted"), now - timedelta(days=2))
    await deliver(service, practice("pr2", "s2", "submitted"))
    await deliver(service, practice("pr3", "s3", "draft"))
    # pr5 (s3) submitted last year, published this year: counted as published in this year only
    await deliver(service, practice("pr5", "s3", "published").model_copy(update={"academic_year": "2025/2026", "published_on": date(2026, 10, 1)}))
    # the region's roadmap on 10 December: r1 done on time, r2 done late, r3 overdue, r4 due in May, r5 cancelled
    for data in (item("r1", date(2026, 10, 31), "done", date(2026, 10, 20)), item("r2", date(2026, 11, 30), "done", date(2026, 12, 5)),
                 item("r3", date(2026, 11, 15), "in_progress"), item("r4", date(2027, 5, 31), "planned"),
                 item("r5", date(2026, 11, 1), "cancelled")):
        await deliver_at(service, data, T0)


shared_region, region = region_fixtures(create_service, load_year)

EXPECTED = {
    # code: (s1, s2, s3, m1, m2, region)
    "year_schools_with_documents": (1, 0, 0, 1, 0, 1),
    "year_schools_with_documents_share": (100.0, 0.0, 0.0, 50.0, 0.0, 33.3),
    "year_schools_document_roadmap": (1, 0, 0, 1, 0, 1),
    "year_schools_document_order": (1, 1, 1, 2, 1, 3),
    "year_schools_with_curator": (1, 0, 0, 1, 0, 1),
    "year_activities_planned": (2, 0, 1, 2, 1, 3),
    "year_activities_held": (2, 0, 0, 2, 0, 2),
    "year_activities_held_share": (100.0, None, 0.0, 100.0, 0.0, 66.7),
    "year_activity_attendance_share": (86.7, None, None, 86.7, None, 86.7),
    "year_meetings": (4, 1, 0, 5, 0, 5),
    "year_pairs_met": (1, 1, 0, 2, 0, 2),
    "year_meetings_per_pair_month": (1.33, 1.0, None, 1.25, None, 1.25),
    "year_mentors_trained": (1, 1, 0, 2, 1, 3),
    "year_trainings": (2, 1, 0, 3, 1, 4),
    "year_mentors_trained_share": (100.0, 100.0, 0.0, 100.0, 100.0, 100.0),
    "year_mentors_recognised": (1, 1, 0, 2, 0, 2),
    "year_mentors_winners": (1, 1, 0, 2, 0, 2),
    "year_recognitions": (2, 1, 0, 3, 0, 3),
    "year_practices_submitted": (1, 1, 0, 2, 0, 2),
    "year_practices_published": (1, 0, 0, 1, 0, 1),
    "year_practices_published_in_year": (1, 0, 1, 1, 1, 2),
    "year_roadmap_items": (0, 0, 0, 0, 0, 4),
    "year_roadmap_done": (0, 0, 0, 0, 0, 2),
    "year_roadmap_overdue": (0, 0, 0, 0, 0, 1),
    "year_roadmap_on_time_share": (None, None, None, None, None, 33.3),
}
"""t2 withdrew, so s1 has one mentor (t1), trained, and t2's records left the counts. t4, s3's mentor,
was trained at s4 (a record under another school): s3 shows 0 of 1, m2 and the region count it."""
SCOPES = (("school", "s1"), ("school", "s2"), ("school", "s3"), ("municipality", "m1"), ("municipality", "m2"), ("region", "test-region"))


async def test_the_year_indicators_equal_the_hand_computed_values(region) -> None:
    service, client = region
    assert service.runtime.consumer.memory_dead_letters == []
    got = {scope: await values(client, *scope) for scope in SCOPES}
    table = {code: tuple(got[scope][code] for scope in SCOPES) for code in EXPECTED}
    assert table == EXPECTED
    assert await count(service, ParkedEvent) == 0  # t4's training waited for s4, then counted


async def test_a_curator_sees_the_own_school_and_the_region_is_announced(region) -> None:
    service, client = region
    curator = bearer("school_curator", "school", "s2")
    assert (await values(client, "school", "s2", headers=curator))["year_mentors_winners"] == 1
    response = await client.get("/api/v1/indicators/school/s1", params={"academic_year": YEAR}, headers=curator)
    assert response.status_code == 404
    announced = [e for e in await emitted(service, "reports.indicators.updated.v1")
                 if e["scope"] == "region" and e["academic_year"] == YEAR]
    assert announced[-1]["indicators"]["year_roadmap_on_time_share"] == 33.3


async def test_the_withdrawn_mentor_is_kept_by_pseudonym_only(region) -> None:
    service, _ = region
    async with service.runtime.db.sessions() as session:
        people = set((await session.exec(select(YearFact.person).where(YearFact.person.is_not(None)))).all())  # type: ignore[union-attr]
    assert people and all(p.startswith("anon-") for p in people)
    assert domain.pseudonym("t2") in people and "t2" not in people
    async with service.runtime.db.sessions() as session:
        bodies = (await session.exec(select(InboxMessage.body))).all()
    assert [b for b in bodies if '"t2"' in b] == []  # the events about t2, before and after the withdrawal, anonymised


async def test_the_regional_exports_carry_the_year_section(region) -> None:
    _, client = region
    xlsx = await client.get("/api/v1/exports/region/test-region.xlsx", params={"academic_year": YEAR}, headers=ADMIN)
    assert xlsx.status_code == 200, xlsx.text
    book = load_workbook(io.BytesIO(xlsx.content))
    definitions = {row[0]: row for row in book["Показатели"].iter_rows(values_only=True)}
    assert definitions["year_meetings_per_pair_month"][1] == "Встреч на пару в месяц"
    text = "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    assert "Школ со всеми тремя документами программы" in text and "Пунктов дорожной карты выполнено в срок" in text
    scope_csv = await client.get("/api/v1/exports/region/test-region.csv", params={"academic_year": YEAR, "table": "scope"}, headers=ADMIN)
    assert scope_csv.status_code == 200, scope_csv.text
    header, row = list(csv.reader(io.StringIO(scope_csv.content.decode("utf-8-sig"), newline=""), delimiter=";"))[:2]
    cells = dict(zip(header, row, strict=True))
    assert cells["Пунктов дорожной карты выполнено в срок, %"] in ("33,3", "33.3")
    assert cells["Наставников — победителей и призёров, чел."] == "2"
    pdf = await client.get("/api/v1/exports/region/test-region.pdf", params={"academic_year": YEAR}, headers=ADMIN)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_a_rebuild_from_the_consumed_events_gives_the_live_counters(region) -> None:
    """Last in the module: the rebuild leaves the same state the other tests read."""
    service, _ = region
    live = await service.service.counter_snapshot()
    await service.service.rebuild(service.runtime.uow)
    assert await service.service.counter_snapshot() == live
    assert any(name.startswith("year_roadmap") for (_, _, _, name) in live)
