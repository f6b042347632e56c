"""Issue 13, M2/M3/L3, as the attacks were made, through the HTTP APIs:

- M2: a curator titles the school's programme `=cmd|' /C calc'!A0` and a municipality is named
  `=HYPERLINK(…)`; the region's XLSX had them as formulas and the CSV unprefixed. Now they are text.
- M3: a school named with ReportLab markup made the municipal and regional PDF fail with 500, and
  `<img src="…png">` embedded a file from the server's disk. Now the name is printed as written.
- L3: a Cyrillic school id (`шк-1`) made every export of the school fail with 500, and an id
  holding `"; filename="…` added a file name of its own to the header. Now neither does."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import matplotlib
import pypdfium2
from openpyxl import load_workbook

from shared import clock

from nastavnik.scenario import RegionScenario
from tests.component.helpers import ADMIN, bearer
from tests.flow.test_chain import settle
from tests.flow.test_school_year_indicators import SWOT_TT

PNG_ON_DISK = Path(matplotlib.get_data_path()) / "images" / "back.png"
FORMULA_TITLE = "=cmd|' /C calc'!A0"
FORMULA_MUNICIPALITY = '=HYPERLINK("http://x.example","y")'
MARKUP_NAME = f'<img src="{PNG_ON_DISK}" width="300" height="300"/> Школа <b>№ 5 <font name="nope">'


def pdf_texts_and_images(content: bytes) -> tuple[str, int]:
    document = pypdfium2.PdfDocument(content)
    text, images = [], 0
    for page in document:
        text.append(page.get_textpage().get_text_range())
        images += sum(1 for _ in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    return "\n".join(text), images


def attachment_name(header: str) -> str:
    """The file name a browser saves under (RFC 6266: `filename*` wins over `filename`)."""
    message = Message()
    message["content-disposition"] = header.replace("filename=", "x-fallback=")  # only filename* left
    return message.get_filename()


async def test_names_in_exports_are_text_never_formulas_markup_or_files(system, settings) -> None:
    app, client = system
    assert PNG_ON_DISK.exists()
    scenario = RegionScenario(client, settings.jwt_secret, settings.region_id)
    region = await scenario.load(schools=1, surveys=False)
    school = region.schools[0]
    curator = scenario.token("curator", "school_curator", "school", school.id)
    # the curator plants a formula in the region's report: the programme title
    await scenario._call("PATCH", f"/registry/api/v1/programmes/{school.programme_id}", curator, json={"title": FORMULA_TITLE})
    swot = {"code": "swot_teacher_teacher", "version": 1}
    window = {"opens_on": clock.today().isoformat(), "closes_on": (clock.today() + timedelta(days=14)).isoformat()}
    campaign = await scenario._call("POST", "/surveys/api/v1/campaigns", curator, json={
        "instrument": swot, "programme_id": school.programme_id, "respondent_ids": [school.people["t-04"]], **window})
    await scenario._call("POST", "/surveys/api/v1/responses", curator, json={
        "instrument": swot, "respondent_id": school.people["t-04"], "campaign_id": campaign.json()["id"],
        "answers": SWOT_TT, "submission_id": "planted-swot"})
    response = await client.post("/registry/api/v1/schools", headers=ADMIN, json={
        "school_id": "sch-markup", "name": MARKUP_NAME, "municipality_id": "mun-north", "municipality_name": "Северный район"})
    assert response.status_code == 201, response.text
    response = await client.post("/registry/api/v1/schools", headers=ADMIN, json={
        "school_id": "sch-formula", "name": "Школа в районе с формулой", "municipality_id": "mun-formula",
        "municipality_name": FORMULA_MUNICIPALITY})
    assert response.status_code == 201, response.text
    await settle(app)

    def export(path: str, **params: str):
        return client.get(f"/reports/api/v1/exports/{path}", params=params, headers=ADMIN)

    # M2: XLSX — not one formula in the workbook; the planted texts are there as text; numbers stay numbers
    response = await export(f"region/{settings.region_id}.xlsx")
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for line in sheet.iter_rows() for c in line if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + FORMULA_TITLE in texts and "'" + FORMULA_MUNICIPALITY in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    header = [c.value for c in book["Школы"][2]]
    mentees = {r[1]: r[header.index("Наставляемых, чел.")] for r in book["Школы"].iter_rows(min_row=3, values_only=True)}
    assert mentees[school.id] == 3 and isinstance(mentees[school.id], int)

    # M2: CSV — the same cells prefixed, the numbers as numbers (a negative one would keep its minus)
    swot = await export(f"region/{settings.region_id}.csv", table="swot")
    rows = list(csv.reader(io.StringIO(swot.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:4] == ["'" + FORMULA_TITLE, school.programme_id, "учитель – учитель", "1"], rows
    municipalities = await export(f"region/{settings.region_id}.csv", table="municipalities")
    names = [r[2] for r in csv.reader(io.StringIO(municipalities.content.decode("utf-8-sig")), delimiter=";")]
    assert "'" + FORMULA_MUNICIPALITY in names and FORMULA_MUNICIPALITY not in names

    # M3: the regional and municipal PDF are made, the name printed as written, no file from the disk embedded
    for path in (f"region/{settings.region_id}.pdf", "municipality/mun-north.pdf"):
        response = await export(path)
        assert response.status_code == 200, (path, response.text[:300])
        text, images = pdf_texts_and_images(response.content)
        assert images == 3, (path, images)  # the three charts, and nothing from the server's disk
        flat = re.sub(r"\s+", "", text)
        assert re.sub(r"\s+", "", "Школа <b>№ 5") in flat and "<img" in flat, path


async def test_a_cyrillic_or_hostile_school_id_exports_with_a_safe_file_name(system, settings) -> None:
    app, client = system
    hostile = 'x"; filename="evil.exe'
    for school_id in ("шк-1", hostile):
        response = await client.post("/registry/api/v1/schools", headers=ADMIN, json={
            "school_id": school_id, "name": f"Школа {school_id}", "municipality_id": "mun-1", "municipality_name": "Район"})
        assert response.status_code == 201, response.text
    await settle(app)

    curator = bearer("school_curator", "school", "шк-1")
    for fmt in ("xlsx", "pdf", "csv"):
        response = await client.get(f"/reports/api/v1/exports/school/{quote('шк-1')}.{fmt}", headers=curator)
        assert response.status_code == 200, (fmt, response.text[:300])
        header = response.headers["content-disposition"]
        assert header.startswith("attachment;") and attachment_name(header).startswith("monitoring_school_шк-1_"), header
        assert attachment_name(header).endswith(f".{fmt}")

    response = await client.get(f"/reports/api/v1/exports/school/{quote(hostile, safe='')}.csv", headers=ADMIN)
    assert response.status_code == 200, response.text[:300]
    header = response.headers["content-disposition"]
    assert header.count("filename=") == 1 and header.count("filename*=") == 1, header
    name = attachment_name(header)
    assert '"' not in name and ";" not in name and name.endswith(".csv") and not name.endswith(".exe"), name
