"""The written analysis of a report over HTTP, as the browser reaches it (a session cookie and
the form's CSRF token): the generated text, a draft, approval into versions, earlier versions
readable, the warning when figures change after approval, what the exports open with, and one
refusal per role rule."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from services.reports.main import create_service
from services.reports.models import WrittenAnalysis
from tests.component.helpers import bearer, deliver, running
from tests.component.test_reports_indicators import YEAR, load_region, person
from tests.conftest import SECRET

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region", name="Орлова Вера")
COORDINATOR = Principal(sub="coordinator", role="municipal_coordinator", scope="municipality", scope_id="m1", name="Белов Игорь")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id="s1", name="Седова Ольга")
MENTOR = Principal(sub="teacher-1", role="mentor", scope="school", scope_id="s1")
REGION = {"scope": "region", "scope_id": "test-region", "academic_year": YEAR}
COVERAGE = "В наставничество вовлечено 50\u00a0% обучающихся (3 чел.)"
"""Hand-computed for load_region: pupils 1–6 registered, pupils 1, 4 and 5 are mentees."""


@pytest.fixture
async def region(settings):
    service = create_service(settings)
    async with running(service) as client:
        await load_region(service)
        yield service, client


SESSIONS: dict[str, str] = {}


def as_(client, principal: Principal):
    """The person's one browser session (a form's CSRF token is bound to its session)."""
    client.cookies.set(COOKIE_NAME, SESSIONS.setdefault(principal.sub, issue_session(SECRET, principal)))
    return client


def csrf_of(html: str) -> str:
    return re.findall(r'name="csrf_token" value="([0-9a-f]*)"', html)[0]


def form_of(html: str) -> dict[str, str]:
    """The editor's fields as the page filled them (titles and texts of the sections)."""
    import html as markup

    fields = {"csrf_token": csrf_of(html)}
    fields.update({name: markup.unescape(value) for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
                   if name.startswith(("title_", "scope", "academic_year", "base_version"))})
    fields.update({name: markup.unescape(value) for name, value in re.findall(r'<textarea id="f-\w+" name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S)})
    return fields


async def open_page(client, principal: Principal, **params):
    return await as_(client, principal).get("/analysis", params={**REGION, **params})


async def post(client, principal: Principal, action: str, change=None, **params):
    page = await open_page(client, principal, **params)
    assert page.status_code == 200, page.text
    fields = form_of(page.text)
    if change:
        change(fields)
    return await client.post("/analysis", data={**fields, "action": action})


async def rows(service) -> list[WrittenAnalysis]:
    async with service.runtime.db.sessions() as session:
        return list((await session.exec(select(WrittenAnalysis).order_by(WrittenAnalysis.version))).all())


def edit_coverage(fields: dict[str, str]) -> None:
    fields["text_0"] = fields["text_0"] + " Охват обсуждён на совещании <директоров> & кураторов."


async def test_the_report_opens_with_the_generated_text_marked_as_a_draft(region) -> None:
    _, client = region
    page = await open_page(client, ADMIN)
    assert page.status_code == 200
    assert "Проект, не утверждён." in page.text and COVERAGE in page.text
    assert "Требуют внимания школ: 1 из 3 (мало планов — 1)." in page.text  # s3's one pair has no plan
    assert 'id="analysis-form"' in page.text and "Утверждённых версий ещё нет." in page.text


async def test_a_draft_is_kept_but_not_exported(region) -> None:
    service, client = region
    response = await post(client, ADMIN, "draft", edit_coverage)
    assert response.status_code == 303 and "saved=draft" in response.headers["location"]
    page = await open_page(client, ADMIN)
    assert "Черновик сохранён" in page.text and "Орлова Вера" in page.text
    assert "совещании &lt;директоров&gt; &amp; кураторов." in page.text  # in the editor, escaped
    assert "Проект, не утверждён." in page.text  # the draft is not approved
    [draft] = await rows(service)
    assert draft.version == 0 and draft.author == "Орлова Вера"
    book = load_workbook(io.BytesIO((await client.get("/api/v1/exports/region/test-region.xlsx", params={"academic_year": YEAR},
                                                      headers=bearer("region_admin", "region", "test-region"))).content))
    text = "\n".join(str(c) for row in book["Анализ"].iter_rows(values_only=True) for c in row if c)
    assert "Проект, не утверждён" in text and "совещании" not in text
    discarded = await client.post("/analysis", data={**REGION, "action": "discard", "csrf_token": csrf_of(page.text)})
    assert discarded.status_code == 303 and await rows(service) == []


async def test_approval_keeps_the_text_with_its_figures_and_goes_into_the_exports(region) -> None:
    service, client = region
    response = await post(client, ADMIN, "approve", edit_coverage)
    assert response.status_code == 303
    page = await open_page(client, ADMIN)
    assert "Утверждено: версия 1" in page.text and "Проект, не утверждён." not in page.text
    assert "Охват обсуждён на совещании &lt;директоров&gt; &amp; кураторов." in page.text
    [approved] = await rows(service)
    assert approved.version == 1 and '"pupils_in_mentoring_share": 50.0' in approved.figures
    headers = bearer("region_admin", "region", "test-region")
    book = load_workbook(io.BytesIO((await client.get("/api/v1/exports/region/test-region.xlsx", params={"academic_year": YEAR},
                                                      headers=headers)).content))
    assert book.sheetnames[0] == "Анализ"
    cells = [c for row in book["Анализ"].iter_rows(values_only=True) for c in row if c]
    assert cells[1].startswith("Утверждено: версия 1, ") and cells[1].endswith(", Орлова Вера")  # who approved
    assert any(c.endswith("Охват обсуждён на совещании <директоров> & кураторов.") for c in cells)
    pdf = (await client.get("/api/v1/exports/region/test-region.pdf", params={"academic_year": YEAR}, headers=headers)).content
    text = pdf_text(pdf)
    assert "Анализ и рекомендации" in text and "Утверждено: версия 1" in text
    assert "<директоров> & кураторов" in text  # escaped for ReportLab, printed as typed


def pdf_text(content: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)  # lines joined by one space
    finally:
        document.close()


async def test_versions_stay_readable_and_changed_figures_are_shown(region) -> None:
    service, client = region
    assert (await post(client, ADMIN, "approve", edit_coverage)).status_code == 303
    second = await post(client, ADMIN, "approve", lambda f: f.update(text_0="Вторая версия текста об охвате."))
    assert second.status_code == 303
    page = await open_page(client, ADMIN)
    assert "Утверждено: версия 2" in page.text and "Вторая версия текста об охвате." in page.text
    assert 'data-version="1"' in page.text and 'data-version="2"' in page.text
    first = await open_page(client, ADMIN, version=1)
    assert "Утверждено: версия 1" in first.text and "Охват обсуждён на совещании" in first.text and "последняя — версия 2" in first.text
    assert "Показатели изменились после утверждения" not in page.text
    await deliver(service, person("pupil-7", "s1", "pupil"))  # one more pupil: 3 of 7 are mentees now
    changed = await open_page(client, ADMIN)
    assert "Показатели изменились после утверждения" in changed.text
    assert re.search(r"Доля обучающихся, вовлечённых в наставничество</td><td[^>]*>50</td><td[^>]*>42,9</td>", changed.text)
    assert (await open_page(client, ADMIN, version=3)).status_code == 404


async def test_an_empty_section_is_refused_and_the_text_kept(region) -> None:
    service, client = region

    def empty_growth(fields: dict[str, str]) -> None:
        fields["text_0"] = "Мой новый текст об охвате."
        fields["text_3"] = "   "

    response = await post(client, ADMIN, "approve", empty_growth)
    assert response.status_code == 422
    assert "Раздел «Рост по областям профессиональных дефицитов»: текст пуст." in response.text
    assert "Мой новый текст об охвате." in response.text  # nothing typed is lost
    assert await rows(service) == []


async def test_an_approval_made_meanwhile_is_not_overwritten(region) -> None:
    service, client = region
    stale = form_of((await open_page(client, ADMIN)).text)
    assert (await post(client, COORDINATOR, "approve", scope="municipality", scope_id="m1")).status_code == 303  # another report
    assert (await post(client, ADMIN, "approve")).status_code == 303
    as_(client, ADMIN)
    response = await client.post("/analysis", data={**stale, "text_0": "Устаревший текст", "action": "approve"})
    assert response.status_code == 409 and "анализ утвердили ещё раз (версия 1)" in response.text
    assert [r.version for r in await rows(service) if r.scope == "region"] == [1]


async def test_a_coordinator_edits_their_municipality_and_only_reads_the_region_s_schools(region) -> None:
    _, client = region
    own = await post(client, COORDINATOR, "approve", scope="municipality", scope_id="m1")
    assert own.status_code == 303
    school = await open_page(client, COORDINATOR, scope="school", scope_id="s1")
    assert school.status_code == 200 and 'id="read-only"' in school.text and 'id="analysis-form"' not in school.text
    refused = await client.post("/analysis", data={"scope": "school", "scope_id": "s1", "academic_year": YEAR, "action": "approve",
                                                   "title_0": "Охват", "text_0": "Текст", "csrf_token": csrf_of(school.text)})
    assert refused.status_code == 403
    assert (await open_page(client, COORDINATOR)).status_code == 404  # the region's report
    assert (await open_page(client, COORDINATOR, scope="municipality", scope_id="m2")).status_code == 404


async def test_a_curator_sees_their_school_only_and_mentors_see_nothing(region) -> None:
    _, client = region
    own = await open_page(client, CURATOR, scope="school", scope_id="s1")
    assert own.status_code == 200 and "Сравнение с муниципалитетом и регионом" in own.text and 'id="analysis-form"' in own.text
    assert (await post(client, CURATOR, "draft", scope="school", scope_id="s1")).status_code == 303
    assert (await open_page(client, CURATOR, scope="school", scope_id="s3")).status_code == 404
    assert (await open_page(client, MENTOR, scope="school", scope_id="s1")).status_code == 403
    export = await client.get("/api/v1/exports/school/s1.xlsx", params={"academic_year": YEAR}, headers=bearer("mentor", "school", "s1"))
    assert export.status_code in (200, 403, 404)
    if export.status_code == 200:  # whatever the export gives a mentor, it carries no analysis
        assert "Анализ" not in load_workbook(io.BytesIO(export.content)).sheetnames


async def test_a_post_without_the_form_s_token_is_refused(region) -> None:
    service, client = region
    page = await open_page(client, ADMIN)
    fields = form_of(page.text)
    fields.pop("csrf_token")
    response = await client.post("/analysis", data={**fields, "action": "approve"})
    assert response.status_code == 403 and await rows(service) == []


async def test_a_rebuild_of_the_counters_keeps_the_approved_versions(region) -> None:
    service, client = region
    assert (await post(client, ADMIN, "approve", edit_coverage)).status_code == 303
    await service.service.rebuild(service.runtime.uow)  # the counters are derived from events; the written text is not
    page = await open_page(client, ADMIN)
    assert "Утверждено: версия 1" in page.text and "Охват обсуждён на совещании" in page.text
    assert "Показатели изменились после утверждения" not in page.text  # the same events give the same figures


def test_exports_open_with_the_text_escaped_and_never_as_a_formula() -> None:
    import zipfile

    import pypdfium2

    from services.reports import analysis, domain, exports
    from services.reports.analysis_cases import Document
    from services.reports.queries import ReportData, ScopeRow
    from tests.unit.test_reports_analysis import municipality_counters

    values = domain.compute(municipality_counters())
    report = ReportData("municipality", "m1", "Район <Северный> & Co", YEAR, ScopeRow("municipality", "m1", "Район", "", values), [], [], [])
    written = Document("Проект, не утверждён", [analysis.Section("Охват <школ>", "=HYPERLINK(\"http://x\")\nЛицей <№ 1> & Co: нет пар.")], False)
    book = load_workbook(io.BytesIO(exports.to_xlsx(report, written)))
    assert book.sheetnames[0] == "Анализ"
    cells = [c for row in book["Анализ"].iter_rows(values_only=True) for c in row if c]
    assert cells == ["Анализ и рекомендации — Район <Северный> & Co, 2026/2027 учебный год", "Проект, не утверждён", "Охват <школ>",
                     '\'=HYPERLINK("http://x")', "Лицей <№ 1> & Co: нет пар."]
    sheet = zipfile.ZipFile(io.BytesIO(exports.to_xlsx(report, written))).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # written as text, not a formula
    document = pypdfium2.PdfDocument(exports.to_pdf(report, written))
    first_page = " ".join(document[0].get_textpage().get_text_range().split())
    document.close()
    assert "Анализ и рекомендации Проект, не утверждён Охват <школ>" in first_page
    assert "Лицей <№ 1> & Co: нет пар." in first_page
