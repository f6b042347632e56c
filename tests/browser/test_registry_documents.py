"""A programme's documents in the browser (issue 15): the school's curator opens «Документы
программы» from the programme's page, uploads the order as a PDF through the form, sees it
listed and the summary change, appoints the curator by the recorded order; the region
administrator reaches the same page from the school's page and the municipal coordinator from
the menu («Документы школ»), both read-only. At the desktop and the phone width."""

from __future__ import annotations

import pytest

from shared import clock
from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, fits_without_sideways_scroll

REGION = "test-region"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id=REGION, name="Орлова Вера")
COORDINATOR = Principal(sub="coordinator", role="municipal_coordinator", scope="municipality", scope_id="m1", name="Зайцева Нина")
CONSENT = {"given_by": "self", "date": "2026-09-01"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
YEAR = f"{clock.today().year if clock.today().month >= 8 else clock.today().year - 1}"
ACADEMIC_YEAR = f"{YEAR}/{int(YEAR) + 1}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("registry-documents"), region_id=REGION) as system:
        with system.api(ADMIN) as api:
            api.post("/registry/api/v1/schools", json={"school_id": "s1", "name": "МБОУ СОШ № 1", "municipality_id": "m1",
                                                       "municipality_name": "Северный район"}).raise_for_status()
            teacher = api.post("/registry/api/v1/schools/s1/participants", json={
                "category": "teacher", "full_name": "Кузнецова Ольга Ивановна", "consent": CONSENT})
            teacher.raise_for_status()
        curator = Principal(sub=teacher.json()["id"], role="school_curator", scope="school", scope_id="s1", name="Кузнецова Ольга")
        with system.api(curator) as api:
            programme = api.post("/registry/api/v1/schools/s1/programmes", json={"title": "Вместе", "academic_year": ACADEMIC_YEAR})
            programme.raise_for_status()
        system.curator, system.programme = curator, programme.json()["id"]  # type: ignore[attr-defined]
        yield system


def by(css: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def go(driver, css: str) -> None:
    click_to_next_page(driver, driver.find_element(*by(css)))


def present(driver) -> dict[str, str]:
    return {badge.get_attribute("data-kind"): badge.get_attribute("data-present")
            for badge in driver.find_elements(*by("#documents-summary .badge"))}


def test_the_curator_uploads_the_order_and_appoints_the_curator_and_the_region_reads(live, tmp_path) -> None:
    driver = make_driver(size=DESKTOP)
    try:
        live.sign_in(driver, live.curator)
        driver.get(live.url(f"/registry/programmes/{live.programme}"))
        go(driver, "#programme-documents a")
        assert driver.find_element(*by("h1")).text == "Документы программы"
        assert present(driver) == {"order": "no", "regulation": "no", "roadmap": "no", "curator": "no"}
        assert "Не хватает" in driver.find_element(*by("#documents-missing")).text

        # a hostile file first: refused beside the field, nothing listed
        fake = tmp_path / "prikaz.pdf"
        fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
        driver.find_element(*by("#f-number")).send_keys("12-од")
        driver.execute_script("arguments[0].value = '2026-08-30'", driver.find_element(*by("#f-issued_on")))
        driver.find_element(*by("#f-file")).send_keys(str(fake))
        go(driver, "#upload-document")
        assert "не соответствует расширению .pdf" in driver.find_element(*by("#e-file")).text
        assert not driver.find_elements(*by("#documents"))

        order = tmp_path / "Приказ о наставничестве.pdf"
        order.write_bytes(PDF)
        driver.find_element(*by("#f-number")).clear()
        driver.find_element(*by("#f-number")).send_keys("12-од")
        driver.execute_script("arguments[0].value = '2026-08-30'", driver.find_element(*by("#f-issued_on")))
        driver.find_element(*by("#f-file")).send_keys(str(order))
        go(driver, "#upload-document")
        assert "Документ загружен." in driver.find_element(*by(".notice")).text
        row = driver.find_element(*by("#documents tbody tr")).text
        assert "приказ о внедрении целевой модели наставничества" in row and "12-од" in row and "30.08.2026" in row
        assert "Приказ о наставничестве.pdf" in row
        assert present(driver)["order"] == "yes" and present(driver)["curator"] == "no"

        # the appointment order uploaded too, then the curator appointed by it
        from selenium.webdriver.support.ui import Select

        Select(driver.find_element(*by("#f-kind"))).select_by_value("curator_order")
        driver.find_element(*by("#f-number")).send_keys("15-к")
        driver.execute_script("arguments[0].value = '2026-09-01'", driver.find_element(*by("#f-issued_on")))
        driver.find_element(*by("#f-file")).send_keys(str(order))
        go(driver, "#upload-document")
        Select(driver.find_element(*by("#f-participant_id"))).select_by_visible_text("Кузнецова Ольга Ивановна")
        go(driver, "#appoint-curator")
        assert "Куратор назначен." in driver.find_element(*by(".notice")).text
        assert present(driver) == {"order": "yes", "regulation": "no", "roadmap": "no", "curator": "yes"}
        assert "Кузнецова Ольга Ивановна" in driver.find_element(*by("#documents-summary")).text
        live.screenshot(driver, "documents-curator")
        driver.set_window_size(*PHONE)
        driver.refresh()
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "documents-curator")
        driver.execute_script("document.getElementById('upload').scrollIntoView()")
        live.screenshot(driver, "documents-curator-form")
        driver.set_window_size(*DESKTOP)
        driver.execute_script("document.getElementById('upload').scrollIntoView()")
        live.screenshot(driver, "documents-curator-form")

        # the region administrator: from the school's page, read-only, the file downloadable
        driver.set_window_size(*DESKTOP)
        live.sign_in(driver, ADMIN)
        driver.get(live.url("/registry/schools/s1"))
        go(driver, "a[href='/registry/programmes?school=s1']")
        go(driver, f"a[href='/registry/programmes/{live.programme}']")
        go(driver, "#programme-documents a")
        assert present(driver)["order"] == "yes"
        assert not driver.find_elements(*by("#upload-document")) and not driver.find_elements(*by("#appoint-curator"))
        assert not driver.find_elements(*by("button[id^='remove-']"))
        link = driver.find_element(*by("#documents a[download]")).get_attribute("href")
        cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
        import httpx

        got = httpx.get(link, cookies=cookies)
        assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment;") and got.headers["x-content-type-options"] == "nosniff"

        # the municipal coordinator: the menu's overview, then the same page
        live.sign_in(driver, COORDINATOR)
        driver.get(live.url("/registry/"))
        go(driver, "a[href='/registry/documents']")
        overview = driver.find_element(*by("#overview")).text
        assert "МБОУ СОШ № 1" in overview and "Вместе" in overview
        live.screenshot(driver, "documents-overview")
        go(driver, f"a[href='/registry/programmes/{live.programme}/documents']")
        assert present(driver)["curator"] == "yes" and not driver.find_elements(*by("#upload-document"))
        driver.set_window_size(*PHONE)
        driver.refresh()
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "documents-coordinator")
        driver.get(live.url("/registry/documents"))
        assert fits_without_sideways_scroll(driver)
        live.screenshot(driver, "documents-overview")
    finally:
        driver.quit()
