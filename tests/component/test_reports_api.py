"""History, drill-down, exports and the dashboard page over HTTP, scoped by the token."""

from __future__ import annotations

import csv
import io

import pypdfium2
import pytest
from openpyxl import load_workbook

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from services.reports.main import create_service
from tests.component.helpers import ADMIN, bearer, deliver, region_fixtures
from tests.component.test_reports_indicators import YEAR, load_region, swot
from tests.conftest import SECRET

COORDINATOR = bearer("municipal_coordinator", "municipality", "m1")
CURATOR = bearer("school_curator", "school", "s3")


pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared region lives on the module's loop
shared_region, region = region_fixtures(create_service, load_region)


async def test_history_keeps_every_announced_value_in_order(region) -> None:
    _, client = region
    response = await client.get("/api/v1/indicators/school/s3/history", params={"academic_year": YEAR, "code": "mentee_satisfaction_mean"}, headers=CURATOR)
    assert response.status_code == 200, response.text
    means = [p["values"]["mentee_satisfaction_mean"] for p in response.json()]
    assert means[0] is None and means[-1] == 10.0
    assert all(set(p["values"]) == {"mentee_satisfaction_mean"} for p in response.json())
    assert (await client.get("/api/v1/indicators/school/s1/history", headers=CURATOR)).status_code == 404


async def test_drilldown_from_region_to_municipality_to_school(region) -> None:
    _, client = region
    municipalities = (await client.get("/api/v1/indicators/region/test-region/drilldown", params={"academic_year": YEAR}, headers=ADMIN)).json()
    assert [(m["scope_id"], m["indicators"]["mentees_total"]) for m in municipalities] == [("m1", 4), ("m2", 1)]
    schools = (await client.get("/api/v1/indicators/municipality/m1/drilldown", params={"academic_year": YEAR}, headers=COORDINATOR)).json()
    assert [(s["scope_id"], s["low_results"], s["indicators"]["mentees_total"]) for s in schools] == [("s1", False, 2), ("s2", True, 2)]
    assert (await client.get("/api/v1/indicators/municipality/m2/drilldown", headers=COORDINATOR)).status_code == 404
    assert (await client.get("/api/v1/indicators/region/test-region/drilldown", headers=COORDINATOR)).status_code == 404


async def test_xlsx_has_a_sheet_per_level_with_values(region) -> None:
    _, client = region
    response = await client.get("/api/v1/exports/region/test-region.xlsx", params={"academic_year": YEAR}, headers=ADMIN)
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:5] == ["Анализ", "Регион", "Муниципалитеты", "Школы", "ШНОР отдельно"]  # the written analysis first
    header = [c.value for c in book["Школы"][2]]
    column = header.index("Наставляемых, чел.")
    rows = {r[1]: r[column] for r in book["Школы"].iter_rows(min_row=3, values_only=True)}
    assert rows == {"s1": 2, "s2": 2, "s3": 1}
    region_row = list(book["Регион"].iter_rows(min_row=3, values_only=True))[0]
    assert region_row[header.index("Удовлетворённость наставляемых (средний балл), балл из 10")] == 8.67
    assert not any(isinstance(c, str) and c.startswith("=") for row in book["Школы"].iter_rows(values_only=True) for c in row)


async def test_xlsx_shows_plans_campaigns_and_swot_per_programme_and_form(region) -> None:
    _, client = region
    response = await client.get("/api/v1/exports/region/test-region.xlsx", params={"academic_year": YEAR}, headers=ADMIN)
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book["Регион"][2]]
    region_row = list(book["Регион"].iter_rows(min_row=3, values_only=True))[0]
    by_name = dict(zip(header, region_row, strict=True))
    assert by_name["Доля выполненных мероприятий планов, %"] == 77.8
    assert by_name["Пар, выполнивших план полностью, шт."] == 2
    assert by_name["Опросов проведено, шт."] == 3  # with the region-wide one
    assert by_name["Доля ответивших на опросы, %"] == 37.5
    assert by_name["SWOT «учитель – учитель»: сильные стороны (средний балл), балл"] == 5.0
    groups = {r[2]: dict(zip(header, r, strict=True)) for r in book["ШНОР отдельно"].iter_rows(min_row=3, values_only=True)}
    assert groups["Школы с низкими образовательными результатами"]["Доля ответивших на опросы, %"] == 50.0
    assert groups["Школы в сложных социальных условиях"]["Ответов на региональные опросы, шт."] == 1
    swot = list(book["SWOT по программам и формам"].iter_rows(min_row=2, values_only=True))
    assert swot[0] == SWOT_HEADER
    assert swot[1:] == [
        ("не указана", None, "учитель – учитель", 1, 8.0, None, None, 2.0),
        ("Первые шаги", "prog-s1", "учитель – ученик", 1, 4.0, 2.0, 3.0, 1.0),
        ("Учитель учителю", "prog-s2", "учитель – учитель", 1, 2.0, 4.0, 1.0, 3.0),
        ("prog-s3", "prog-s3", "учитель – учитель", 1, 5.0, 1.0, 2.0, 0.0),  # never launched: shown by its id
    ]


SWOT_HEADER = ("Программа", "Код программы", "Форма наставничества", "Анкет, шт.", "Сильные стороны, средний балл",
               "Слабые стороны, средний балл", "Возможности, средний балл", "Угрозы, средний балл")


@pytest.mark.changes_region
async def test_csv_of_the_swot_table(region) -> None:
    service, client = region
    await deliver(service, swot("w6", "s2", "teacher-5", "swot_teacher_teacher", {"strengths": 4, "weaknesses": 1, "opportunities": 2, "threats": 0},
                                "prog-s2", "teacher_teacher"))
    response = await client.get("/api/v1/exports/municipality/m1.csv", params={"academic_year": YEAR, "table": "swot"}, headers=COORDINATOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('_swot.csv')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == SWOT_HEADER
    # m1 = s1 and s2: w1 (no programme, 8 strengths, 2 threats), w2 (prog-s1); prog-s2: w3 2/4/1/3 and w6 4/1/2/0;
    # teacher-3's w5 withdrawn, s3's w4 is in m2
    assert rows[1:] == [
        ["не указана", "", "учитель – учитель", "1", "8", "", "", "2"],
        ["Первые шаги", "prog-s1", "учитель – ученик", "1", "4", "2", "3", "1"],
        ["Учитель учителю", "prog-s2", "учитель – учитель", "2", "3", "2,5", "1,5", "1,5"],  # decimal comma: Excel (ru) reads numbers
    ]
    assert (await client.get("/api/v1/exports/municipality/m1.csv", params={"table": "pairs"}, headers=COORDINATOR)).status_code == 422


async def test_csv_of_a_municipality_for_its_coordinator(region) -> None:
    _, client = region
    response = await client.get("/api/v1/exports/municipality/m1.csv", params={"academic_year": YEAR, "table": "schools"}, headers=COORDINATOR)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Уровень", "Код", "Наименование"]
    assert [r[1] for r in rows[1:]] == ["s1", "s2"]
    # numbers for Excel with a Russian locale: decimal comma, no thousands separator, no value = empty
    by_name = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["Удовлетворённость наставляемых (средний балл), балл из 10"] for r in by_name] == ["9", "7"]
    assert by_name[0]["Нагрузка на наставника (наставляемых на одного), чел."] == "3"
    assert all("." not in cell and "\u202f" not in cell for r in rows[1:] for cell in r[6:])
    assert by_name[0]["Низкие результаты"] == "нет" and by_name[1]["Низкие результаты"] == "да"
    assert (await client.get("/api/v1/exports/region/test-region.csv", headers=COORDINATOR)).status_code == 404


async def test_pdf_renders_to_a_page_with_something_drawn(region) -> None:
    _, client = region
    response = await client.get("/api/v1/exports/region/test-region.pdf", params={"academic_year": YEAR}, headers=ADMIN)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) >= 2
    image = pdf[0].render(scale=1).to_pil().convert("L")
    dark = sum(1 for p in image.getdata() if p < 200) / (image.width * image.height)
    assert dark > 0.03  # title, three charts
    text = pdf[0].get_textpage().get_text_range()
    assert "Мониторинг программ наставничества" in text
    everything = " ".join(page.get_textpage().get_text_range() for page in pdf)
    assert "Учитель учителю" in everything and "prog-s2" in everything  # the SWOT table: title, id below it
    assert "37,5" in everything and "37.5" not in everything  # the response rate with a decimal comma
    # the level tables on landscape pages, their headings whole words (wrapped, not cut)
    wide = [page for page in pdf if page.get_size()[0] > page.get_size()[1]]
    assert wide and "Удовлетворённость" in " ".join(p.get_textpage().get_text_range() for p in wide)


async def test_school_pdf_for_its_curator(region) -> None:
    _, client = region
    response = await client.get("/api/v1/exports/school/s3.pdf", params={"academic_year": YEAR}, headers=CURATOR)
    assert response.status_code == 200
    assert "s3" in response.headers["content-disposition"]


async def test_dashboard_page_has_charts_and_drilldown(region) -> None:
    _, client = region
    client.cookies.set(COOKIE_NAME, issue_session(SECRET, Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region")))
    page = await client.get("/dashboard", params={"academic_year": YEAR})
    assert page.status_code == 200, page.text
    assert page.text.count("<svg") == 7 and "Охват против цели" in page.text
    assert 'data-programme="prog-s2" data-form="teacher_teacher"' in page.text and "SWOT по формам наставничества" in page.text
    assert 'title="prog-s2">Учитель учителю</td>' in page.text and '<td data-label="Программа">prog-s3</td>' in page.text
    assert "scope=municipality&amp;scope_id=m1" in page.text
    school = await client.get("/dashboard", params={"scope": "school", "scope_id": "s2", "academic_year": YEAR})
    assert "Школа s2" in school.text and "Район m1" in school.text
