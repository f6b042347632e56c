"""«Done when» of issue 12: a school year of the demo school, played through the public entry
points only (nastavnik/school_year.py: HTTP APIs of registry, pairing and surveys — campaigns,
a matching run the curator confirms, plans, questionnaires; no event built by hand), fills every
section of the dashboard and of the regional report, as a user would check it.

How the sections are found: from the page itself (`sections()` below), so that a section added
later (another branch's indicators, the written analysis) is checked without touching this test:
- every `<h2>` of the page's <main> opens a section that runs to the next `<h2>`;
- before the first `<h2>`, every key-figure card (`.card`) and every chart (`<figure>`) is one;
- the «Все показатели» table is also split by its «Раздел» column, one section per indicator
  section (Охват, Пары, Удовлетворённость, Рост, …).
A section is filled when it holds at least one number and no placeholder: no cell or chart label
«—», «нет данных», «нет анкет», «опросов нет». The XLSX's sheets and the PDF's text are checked
the same way (every sheet has rows; the scope's row has every indicator; every row of the level
sheets has the key indicators; the PDF opens with the approved analysis, without a sentence of
missing data, and no value of its tables is «—»)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import BytesIO

import pypdfium2
from openpyxl import load_workbook

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from nastavnik.scenario import RegionScenario
from services.reports import domain
from tests.flow.test_chain import YEAR, values

PLACEHOLDERS = ("—", "нет данных", "нет анкет", "опросов нет")
# what the generated analysis says of an indicator it has no data for (services/reports/analysis.py)
MISSING = ("нет данных", "Данных о", "не рассчитан", "не оценена", "не измерен", "пока нет", "Анкет SWOT-анализа нет",
           "Школ в данных мониторинга нет")
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="test-region", name="Администратор")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id="demo-school-1", name="Куратор")


class _Node:
    def __init__(self, tag: str, attrs: dict, parent: _Node | None) -> None:
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return " ".join(" ".join(c.split()) if isinstance(c, str) else c.text() for c in self.children).strip()

    def walk(self):
        for child in self.children:
            if isinstance(child, _Node):
                yield child
                yield from child.walk()

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Tree(HTMLParser):
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.root = self.at = _Node("root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, dict(attrs), self.at)
        self.at.children.append(node)
        if tag not in self.VOID:
            self.at = node

    def handle_endtag(self, tag):
        node = self.at
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.at = node.parent

    def handle_data(self, data):
        self.at.children.append(data)


def sections(html: str) -> dict[str, list[str]]:
    """The page's sections (see the module's docstring) → the texts of their cells and labels."""
    tree = _Tree()
    tree.feed(html)
    main = next(n for n in tree.root.walk() if n.tag == "main")
    found: dict[str, list[str]] = {}
    current: str | None = None
    for node in main.walk():
        if node.tag == "h2":
            current = node.text()
            found[current] = []
        elif current is None and (node.tag == "figure" or "card" in node.classes()):
            found[node.attrs.get("id") or node.attrs.get("data-code") or node.text()[:40]] = (
                [t.text() for t in node.walk() if t.tag == "text"] or [node.text()])
        elif current is not None and node.tag in ("td", "p", "li", "dd", "text"):
            found[current].append(node.text())
    indicators = next((n for n in main.walk() if n.attrs.get("id") == "indicators"), None)
    if indicators is not None:
        for row in (n for n in indicators.walk() if n.tag == "tr"):
            cells = {c.attrs.get("data-label"): c.text() for c in row.walk() if c.tag == "td"}
            if "Раздел" in cells:
                found.setdefault(f"Все показатели: {cells['Раздел']}", []).append(cells["Значение"])
    return found


def unfilled(page: dict[str, list[str]]) -> dict[str, str]:
    """Sections without a number, or with a placeholder, and why."""
    out = {}
    for name, texts in page.items():
        holes = [t for t in texts if t.strip() in PLACEHOLDERS or any(p in t for p in PLACEHOLDERS[1:])]
        if holes:
            out[name] = f"заглушки: {holes[:5]}"
        elif not any(re.search(r"\d", t) for t in texts):
            out[name] = f"нет данных: {texts[:3]}"
    return out


def signed_in(client, settings, principal: Principal) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, issue_session(settings.jwt_secret, principal))


async def test_a_school_year_fills_every_section_of_the_dashboard_and_of_the_regional_report(system, settings) -> None:
    app, client = system

    async def settled() -> None:  # a whole year's events: more than test_chain.settle's 10 s on a busy machine
        for service in app.state.services.values():
            await service.runtime.relay.wait_idle(timeout=300)

    await RegionScenario(client, settings.jwt_secret, settings.region_id, patience=300).load(school_year=True, settled=settled)
    await settled()

    # The region's dashboard and the demo school's (as its curator). A municipality's page is not
    # required to be full: its ШНОР group may have no school (mun-north), and the schools of the
    # short year have no SWOT of the seven forms (mun-river).
    signed_in(client, settings, ADMIN)
    pages = {}
    page = await client.get(f"/reports/dashboard?scope=region&academic_year={YEAR}")
    assert page.status_code == 200, page.text
    pages["scope=region"] = sections(page.text)
    signed_in(client, settings, CURATOR)
    school = await client.get(f"/reports/dashboard?academic_year={YEAR}")
    pages["the demo school"] = sections(school.text)
    region = pages["scope=region"]
    # the page's own sections, at least those of today (later ones are checked as well)
    for expected in ("chart-growth", "chart-swot", "Муниципалитеты", "SWOT-анализ по программам и формам",
                     "Все показатели: Рост", "Все показатели: Удовлетворённость", "Все показатели: Планы развития"):
        assert expected in region, sorted(region)
    for name, page in pages.items():
        assert unfilled(page) == {}, name
        # a group of fewer than 5 answers is not broken down, and its cells say so («меньше 5
        # ответов», not a placeholder); the demo school's 9th grade (p-04 … p-08) is broken down
        ddo = page["ДДО по классам"]
        ninth = ddo[ddo.index("9 класс"):ddo.index("9 класс") + 2 + len(domain.INTEREST_TYPES)]
        assert ninth[1] == "5" and domain.SMALL_GROUP not in ninth, (name, ninth)
        # the written analysis approved at the year's end, shown with its figures
        summary = page["analysis-summary"][0]
        assert "Утверждено: версия 1" in summary and [m for m in MISSING if m in summary] == [], (name, summary)

    # hand-checked figures of the demo school (nastavnik/school_year.py)
    got = await values(client, "school", "demo-school-1")
    # mentees' satisfaction: 9, 8, 10, 7, 6, 9, 5 → 54 / 7 = 7.71; the demo mentee t-02 has not answered yet
    assert got["mentee_satisfaction_mean"] == 7.71 and got["mentee_satisfaction_answers"] == 7
    assert got["mentor_satisfaction_mean"] == 8.0  # 8, 9, 10, 7, 6
    # methodological deficit (every statement of the area): start t-02 4, t-03 3, t-06 5 → 4; end 2, 4, 3 → 3
    assert (got["deficit_start_methodological"], got["deficit_end_methodological"]) == (4.0, 3.0)
    # deficits shrank for t-02 (4 → 2) and t-06 (5 → 3), not for t-03 (3 → 3, methodological 3 → 4): 2 of 3
    assert got["growth_mentees_measured"] == 3 and got["growth_improved_share"] == 66.7
    # growth measurement (1–10): t-02 5 → 8, t-03 6 → 7, t-06 4 → 8 → mean change (3 + 1 + 4) / 3
    assert got["measurement_measured"] == 3 and got["measurement_mean_change"] == 2.67
    # coverage: 8 pupils, 7 of them mentees (p-02 … p-08) → 87,5 %, against the 70 % target 87,5 / 70 = 125 %
    assert got["pupils_in_mentoring_share"] == 87.5 and got["pupils_coverage_against_target"] == 125.0
    assert got["pairs_formed"] == got["pairs_active"] >= len(domain.FORMS)
    for form in domain.FORMS:
        assert got[f"pairs_active_{form}"] >= 1, form
        assert got[f"swot_responses_{form}"] == 1, form
    assert got["interests_answers"] == 7 and got["curator_answers"] >= 1
    # self-determination recorded at the year's end for p-01, p-04 … p-08: p-01 and p-05 chose teaching
    assert (got["self_determination_recorded"], got["self_determination_pedagogical"]) == (6, 2)
    assert got["self_determination_pedagogical_share"] == 33.3

    # the regional report as files: XLSX (every sheet filled) and PDF (no value «—»)
    signed_in(client, settings, ADMIN)
    xlsx = await client.get(f"/reports/api/v1/exports/region/test-region.xlsx?academic_year={YEAR}")
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.content))
    for sheet in book.worksheets:
        rows = [r for r in sheet.iter_rows(min_row=3 if sheet.title != "Показатели" else 2, values_only=True) if any(r)]
        assert rows, f"лист «{sheet.title}» пуст"
    header = list(next(book["Регион"].iter_rows(min_row=2, max_row=2, values_only=True)))
    region_row = next(book["Регион"].iter_rows(min_row=3, max_row=3, values_only=True))
    indicator_columns = list(zip(header, region_row, strict=True))[header.index(f"{domain.INDICATORS[0].name}, {domain.INDICATORS[0].unit}"):]
    assert [h for h, v in indicator_columns if v is None] == []  # every indicator of the region has a value
    key_columns = [header.index(f"{domain.BY_CODE[c].name}, {domain.BY_CODE[c].unit}") for c in domain.KEY_CODES]
    for title in ("Муниципалитеты", "Школы", "ШНОР отдельно"):
        for row in book[title].iter_rows(min_row=3, values_only=True):
            assert [header[k] for k in key_columns if row[k] is None] == [], (title, row[2])
    pdf = await client.get(f"/reports/api/v1/exports/region/test-region.pdf?academic_year={YEAR}")
    assert pdf.status_code == 200
    document = pypdfium2.PdfDocument(pdf.content)
    text = "\n".join(document[k].get_textpage().get_text_range() for k in range(len(document)))
    for heading in ("Анализ и рекомендации", "Утверждено: версия 1", "Показатели", "SWOT по программам и формам",
                    "Муниципалитеты", "Школы", "ШНОР отдельно"):
        assert heading in text
    # the approved analysis opens the PDF: no sentence of missing data in it; after it, the tables:
    # no value «—» (a dash before a number, a unit or the end of a line: names and notes use «—»
    # as punctuation, «Наставляемые — молодые специалисты»)
    split = text.index("Показатели", text.index("Рекомендации"))
    written, tables = text[:split], text[split:]
    assert [m for m in MISSING if m in written] == [], written
    units = "|".join(re.escape(u) for u in sorted({i.unit for i in domain.INDICATORS}, key=len, reverse=True))
    no_value = re.compile(rf"—(?=[ \t]*(?:$|\d|{units}))", re.M)
    assert [line for line in tables.splitlines() if no_value.search(line)] == []
