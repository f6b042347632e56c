"""The outcomes the programmes promise, in reports, against values computed by hand: the ДДО by
grade and by programme (small groups not broken down), retention of young specialists and newly
arrived teachers (left the school during or after the programme; a consent withdrawal counts
neither way), the staff by subject, the pupils' self-determination — with a redelivered event,
events out of order, withdrawn people, and rebuild == live."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.contracts.registry import ParticipantRegistered, ParticipantUpdated, ParticipantWithdrawn, ProgrammeLaunched
from shared.contracts.surveys import ResponseCompleted

from services.reports import domain
from services.reports.main import create_service
from tests.component.helpers import ADMIN, deliver, running
from tests.component.test_reports_indicators import YEAR, deliver_at, enrol, school, values

DDO = "professional_interests_ddo"
LONG_AGO = datetime(2026, 9, 1, tzinfo=UTC)
DURING = datetime(2027, 3, 1, 10, tzinfo=UTC)  # 2026/2027: the programme's year
AFTER = datetime(2027, 10, 1, 10, tzinfo=UTC)  # 2027/2028


def teacher(pid: str, subjects: list[str], young: bool = False, arrived: bool = False) -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid, subjects=subjects,
                                 young_specialist=young, newly_arrived=arrived)


def pupil(pid: str, grade: int, choice: str | None = None) -> ParticipantRegistered:
    return ParticipantRegistered(participant_id=pid, school_id="s1", category="pupil", display_name=pid, grade=grade,
                                 self_determination=choice)


def choice(pid: str, grade: int, value: str | None) -> ParticipantUpdated:
    return ParticipantUpdated(participant_id=pid, school_id="s1", category="pupil", display_name=pid, grade=grade,
                              self_determination=value, changed=["self_determination"])


def ddo(rid: str, who: str, leaning: str, programme: str | None = "prog-s1") -> ResponseCompleted:
    scores = {"nature": 2, "technology": 2, "human": 2, "sign_system": 2, "artistic_image": 2}
    for kind in leaning.split("+"):
        scores[kind] = 7
    return ResponseCompleted(response_id=rid, instrument={"code": DDO, "version": 1}, respondent_id=who, respondent_role="mentee",
                             school_id="s1", academic_year=YEAR, scores=scores, programme_id=programme)


def withdrawn(pid: str, reason: str) -> ParticipantWithdrawn:
    return ParticipantWithdrawn(participant_id=pid, school_id="s1", reason=reason, ended_programme_ids=["prog-s1"])


@pytest.fixture
async def reports(settings):
    service = create_service(settings)
    async with running(service) as client:
        await deliver(service, school("s1", "m1"))
        await deliver(service, ProgrammeLaunched(programme_id="prog-s1", school_id="s1", academic_year=YEAR, title="Педагогический класс",
                                                 forms=["teacher_pupil"]))
        # teachers: y1..y4 young specialists (y3 also newly arrived), a1 newly arrived, t1 a mentor
        for data in (teacher("y1", ["Математика"], young=True), teacher("y2", ["  математика "], young=True),
                     teacher("y3", ["Физика", "Информатика"], young=True, arrived=True), teacher("y4", [], young=True),
                     teacher("a1", ["Русский  язык"], arrived=True), teacher("t1", ["МАТЕМАТИКА"])):
            await deliver(service, data)
        for pid in ("y1", "y2", "y3", "y4", "a1"):
            await deliver(service, enrol(pid, "s1", "mentee"))
        sent = await deliver(service, enrol("a1", "s1", "mentee"))
        await deliver(service, enrol("a1", "s1", "mentee"), envelope_id=sent)  # redelivered
        await deliver(service, enrol("t1", "s1", "mentor", capacity=2))
        await deliver_at(service, withdrawn("y1", "left_school"), DURING)
        await deliver_at(service, withdrawn("y3", "left_school"), AFTER)
        await deliver_at(service, withdrawn("y4", "consent_withdrawn"), DURING)
        # pupils: p1..p6 in grade 8 (p6 withdraws), p7 in grade 9
        now = datetime.now(UTC)
        await deliver_at(service, pupil("p1", 8, "pedagogical"), LONG_AGO)
        await deliver_at(service, pupil("p2", 8, "other"), LONG_AGO)
        await deliver_at(service, choice("p2", 8, "pedagogical"), now)  # p2 changed their mind
        await deliver_at(service, pupil("p3", 8, "undecided"), LONG_AGO)
        await deliver_at(service, choice("p3", 8, "pedagogical"), LONG_AGO - timedelta(days=1))  # older than the registration: ignored
        await deliver_at(service, pupil("p4", 8), LONG_AGO)
        await deliver_at(service, pupil("p6", 8, "pedagogical"), LONG_AGO)
        await deliver_at(service, choice("p7", 9, "pedagogical"), now)  # before the registration: waits for it
        await deliver_at(service, pupil("p7", 9), LONG_AGO)
        first = await deliver(service, ddo("d1", "p1", "human"))
        await deliver(service, ddo("d1", "p1", "human"), envelope_id=first)  # redelivered
        for rid, who, leaning in (("d2", "p2", "human"), ("d3", "p3", "human+nature"), ("d4", "p4", "technology"),
                                  ("d5", "p5", "sign_system"), ("d6", "p6", "human")):
            await deliver(service, ddo(rid, who, leaning))
        await deliver_at(service, pupil("p5", 8), LONG_AGO)  # p5's answer came first: it waited for the registration
        await deliver(service, ddo("d7", "p7", "human", programme=None))
        await deliver(service, withdrawn("p6", "consent_withdrawn"))
        yield service, client


EXPECTED = {
    # young specialists enrolled as mentees: y1, y2, y3 (y4 withdrew consent: not counted either way)
    "retention_young_mentees": 3,
    "retention_young_left": 2,  # y1 (during the year), y3 (the next year)
    "retention_young_left_during": 1,
    "retention_young_left_after": 1,
    "retention_young_retained_share": 33.3,  # (3 − 2) / 3
    "retention_arrived_mentees": 2,  # y3, a1 (a1's enrolment redelivered)
    "retention_arrived_left": 1,  # y3
    "retention_arrived_left_during": 0,
    "retention_arrived_left_after": 1,
    "retention_arrived_retained_share": 50.0,
    "retention_consent_withdrawn": 1,  # y4
    # recorded: p1 pedagogical, p2 pedagogical (updated), p3 undecided (a stale update ignored), p7 pedagogical (update before
    # registration); p6 withdrew
    "self_determination_recorded": 4,
    "self_determination_pedagogical": 3,
    "self_determination_pedagogical_share": 75.0,
    "interests_answers": 6,  # p1..p5, p7 (p6 withdrew, p1 redelivered)
    "interests_human_share": 66.7,  # p1, p2, p3, p7 of 6
}
KINDS = ["human", "nature", "technology", "sign_system", "artistic_image"]
BREAKDOWNS = {
    # grade 8: p1..p5 — human 3, nature 1 (p3's tie), technology 1, sign system 1, artistic image 0; grade 9: p7 alone, not broken down
    "ddo-grade": [["8 класс", 5, 60.0, 20.0, 20.0, 20.0, 0.0], ["9 класс", 1, None, None, None, None, None]],
    "ddo-programme": [["Педагогический класс", 5, 60.0, 20.0, 20.0, 20.0, 0.0], ["не указана", 1, None, None, None, None, None]],
    # mentors: t1 (математика); mentees still counted: y2 (математика), a1 (русский язык) — y1, y3, y4 withdrew
    "staff-subjects": [["Математика", 1, 1], ["Русский язык", 0, 1]],
}


async def breakdowns(client, scope: str, scope_id: str) -> dict:
    response = await client.get(f"/api/v1/indicators/{scope}/{scope_id}/breakdowns", params={"academic_year": YEAR}, headers=ADMIN)
    assert response.status_code == 200, response.text
    return {table["code"]: table for table in response.json()}


async def test_outcome_indicators_equal_the_hand_computed_values(reports) -> None:
    service, client = reports
    assert service.runtime.consumer.memory_dead_letters == []
    for scope, scope_id in (("school", "s1"), ("municipality", "m1"), ("region", "test-region")):
        got = await values(client, scope, scope_id, ADMIN)
        assert {code: got[code] for code in EXPECTED} == EXPECTED, scope
        tables = await breakdowns(client, scope, scope_id)
        assert {code: tables[code]["rows"] for code in BREAKDOWNS} == BREAKDOWNS, scope
    assert tables["ddo-grade"]["headers"][2] == "«человек – человек», %"


async def test_rebuild_ends_with_the_live_outcomes(reports) -> None:
    service, client = reports
    live = await service.service.counter_snapshot()
    live_tables = await breakdowns(client, "school", "s1")
    await service.service.rebuild(service.runtime.uow)
    assert await service.service.counter_snapshot() == live
    got = await values(client, "school", "s1", ADMIN)
    assert {code: got[code] for code in EXPECTED} == EXPECTED
    assert await breakdowns(client, "school", "s1") == live_tables


def test_staff_by_subject_shows_the_top_subjects_and_the_rest_as_others() -> None:
    counters = {}
    for role, subject, n in (("mentor", "математика", 3), ("mentee", "физика", 2), ("mentee", "химия", 1), ("mentor", "", 1)):
        counters[f"{domain.STAFF_BREAKDOWN}{role}|{subject}"] = n
    (table,) = domain.staff_breakdown(counters, top=2)
    assert [list(r) for r in table.rows] == [["Математика", 3, 0], ["Физика", 0, 2], ["прочие (2)", 1, 1]]
    assert domain.subjects_of(["  Русский   Язык", "русский язык", "Ёлочная  игрушка|x"]) == ["елочная игрушка/x", "русский язык"]
    assert domain.subjects_of([]) == [""]


async def test_the_dashboard_and_the_exports_show_the_outcome_tables(reports) -> None:
    import io

    import pypdfium2
    from openpyxl import load_workbook

    from shared.auth import Principal

    from tests.component.test_reports_pages import _signed_in

    _, client = reports
    page = await _signed_in(client, Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region")).get(
        "/dashboard", params={"scope": "school", "scope_id": "s1", "academic_year": YEAR})
    assert page.status_code == 200
    html = page.text
    for code, title in (("ddo-grade", "ДДО по классам"), ("ddo-programme", "ДДО по программам"),
                        ("staff-subjects", "Педагоги в программе по предметам")):
        assert f'id="{code}"' in html and title in html
    grade_table = html.split('id="ddo-grade"')[1].split("</table>")[0]
    assert "8 класс" in grade_table and ">60<" in grade_table and "«человек – человек», %" in grade_table
    # grade 9 (p7 alone) is not broken down, and its cells say why
    ninth = grade_table.split("9 класс")[1].split("</tr>")[0]
    assert ninth.count(domain.SMALL_GROUP) == len(domain.INTEREST_TYPES) and "—" not in ninth
    assert "Русский язык" in html.split('id="staff-subjects"')[1].split("</table>")[0]
    assert 'data-code="retention_young_retained_share"' in html and 'data-code="self_determination_pedagogical_share"' in html

    xlsx = await client.get("/api/v1/exports/school/s1.xlsx", params={"academic_year": YEAR}, headers=ADMIN)
    book = load_workbook(io.BytesIO(xlsx.content))
    by_title = {sheet["A1"].value.split(" — ")[0]: sheet for sheet in book.worksheets if sheet["A1"].value}
    grades = by_title["ДДО по классам"]
    assert [c.value for c in grades[3]] == ["8 класс", 5, 60.0, 20.0, 20.0, 20.0, 0.0]
    assert [c.value for c in by_title["Педагоги в программе по предметам"][3]] == ["Математика", 1, 1]
    indicators_sheet = next(sheet for sheet in book.worksheets if sheet.title != "Анализ")  # the written analysis opens the book
    headers = [c.value for c in indicators_sheet[2]]
    assert "Закрепление: молодые специалисты остались в школе, %" in headers

    pdf = await client.get("/api/v1/exports/school/s1.pdf", params={"academic_year": YEAR}, headers=ADMIN)
    document = pypdfium2.PdfDocument(pdf.content)
    text = " ".join(p.get_textpage().get_text_range() for p in document)
    for expected in ("ДДО по классам", "ДДО по программам", "Педагоги в программе по предметам", "Русский язык",
                     "Доля выбравших педагогическую профессию", domain.SMALL_GROUP):
        assert expected in text, expected
