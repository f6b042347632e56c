"""Reports' pages as their people use them, in headless Chromium on the whole product
(`LiveSystem` with the demo region, loaded through the public APIs): the region administrator
drills down the dashboard, the municipal coordinator finds the lagging schools, the exports
page gives a CSV that Excel with a Russian locale reads, a curator is kept to their school,
and a phone needs no sideways scrolling."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from shared.auth import Principal

from nastavnik.scenario import MUNICIPALITIES
from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, eventually, fits_without_sideways_scroll

REGION = "demo-region"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id=REGION, name="Орлова Вера")
COORDINATOR = Principal(sub="coordinator", role="municipal_coordinator", scope="municipality", scope_id="mun-north", name="Белов Игорь")
CURATOR = Principal(sub="curator", role="school_curator", scope="school", scope_id="demo-school-1", name="Седова Ольга")
NEW_SCHOOL = "demo-school-9"  # registered in mun-north without a programme: the coordinator must see it first


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("reports-pages"), demo=True) as system:
        with system.api(ADMIN) as api:
            response = api.post("/registry/api/v1/schools", json={
                "school_id": NEW_SCHOOL, "name": "МБОУ СОШ № 9", "municipality_id": "mun-north",
                "municipality_name": MUNICIPALITIES["mun-north"], "low_results": True, "difficult_conditions": False,
            })
            assert response.status_code in (200, 201), response.text
        with system.api(COORDINATOR) as api:  # reports has heard of the new school and of the demo's answers
            assert eventually(lambda: _knows_everything(api), timeout=30)
        yield system


def _knows_everything(api) -> bool:
    rows = api.get("/reports/api/v1/indicators/municipality/mun-north/drilldown").json()
    by_id = {r["scope_id"]: r["indicators"] for r in rows}
    return NEW_SCHOOL in by_id and by_id.get("demo-school-2", {}).get("mentor_satisfaction_mean") is not None


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def _heading_is(driver, text: str) -> bool:
    """After a click: the next page's heading (not the old page's, read before it went)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def check() -> bool:
        try:
            return driver.find_element(By.TAG_NAME, "h1").text == text
        except StaleElementReferenceException:
            return False

    return eventually(check)


def _cell(row, label: str) -> str:
    from selenium.webdriver.common.by import By

    return row.find_element(By.CSS_SELECTOR, f'td[data-label="{label}"]').text


def test_region_admin_drills_down_from_region_to_school(live, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, ADMIN)
    driver.get(live.url("/reports/dashboard"))
    assert driver.find_element(By.TAG_NAME, "h1").text == live.settings.region_name
    assert driver.find_element(By.CSS_SELECTOR, 'nav.menu a[aria-current="page"]').text == "Мониторинг"
    # the demo school's mentees answered 9, 8, 10, 7, 6, 9, 5, the others' 7, 7 and 6, 6 (80 / 11):
    # the region's mean reads with a decimal comma
    card = driver.find_element(By.CSS_SELECTOR, '#key-figures [data-code="mentee_satisfaction_mean"] .figure')
    assert card.text == "7,27"
    rows = {r.find_element(By.TAG_NAME, "a").text: r for r in driver.find_elements(By.CSS_SELECTOR, "#children tbody tr")}
    assert set(rows) == set(MUNICIPALITIES.values())
    # one pupil of three is a mentee in the demo schools of the short year: 33,3 % of pupils
    assert _cell(rows["Приречный городской округ"], "Обучающиеся в наставничестве, %") == "33,3 %"
    assert fits_without_sideways_scroll(driver)  # 15 columns on a 1366-pixel screen
    LiveSystem.screenshot(driver, "reports-dashboard-region")
    rows["Северный район"].find_element(By.TAG_NAME, "a").click()
    assert _heading_is(driver, "Северный район")
    schools = {r.find_element(By.TAG_NAME, "a").text: r for r in driver.find_elements(By.CSS_SELECTOR, "#children tbody tr")}
    assert {"МБОУ СОШ № 1", "МБОУ Лицей № 2", "МБОУ СОШ № 9"} == set(schools)
    assert "низкие результаты" in schools["МБОУ СОШ № 9"].text
    assert _cell(schools["МБОУ Лицей № 2"], "Удовлетворённость наставляемых") == "7"
    assert fits_without_sideways_scroll(driver)
    schools["МБОУ СОШ № 1"].find_element(By.TAG_NAME, "a").click()
    assert _heading_is(driver, "МБОУ СОШ № 1")
    crumbs = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "nav.crumbs a")]
    assert crumbs == [live.settings.region_name, "Северный район"]
    assert driver.find_elements(By.ID, "children") == []
    value = driver.find_element(By.CSS_SELECTOR, 'tr[data-code="pupils_in_mentoring_share"] td.value').text
    assert value == "87,5"  # the demo school's year: seven of its eight pupils are mentees
    LiveSystem.screenshot(driver, "reports-dashboard-school")
    driver.find_element(By.LINK_TEXT, "Северный район").click()
    assert _heading_is(driver, "Северный район")


def test_coordinator_sees_a_school_without_a_programme_first(live, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, COORDINATOR)
    driver.get(live.url("/reports/dashboard"))  # the coordinator's monitoring opens on their municipality
    assert driver.find_element(By.TAG_NAME, "h1").text == "Северный район"
    driver.find_element(By.ID, "schools-link").click()
    assert _heading_is(driver, "Школы и их состояние")
    rows = driver.find_elements(By.CSS_SELECTOR, "#schools tbody tr")
    assert [r.get_attribute("data-school-id") for r in rows][0] == NEW_SCHOOL
    first = rows[0]
    assert "attention" in first.get_attribute("class")
    badges = [b.text for b in first.find_elements(By.CSS_SELECTOR, "td.reasons .badge")]
    assert badges[:2] == ["нет программы", "нет пар"]
    assert _cell(first, "Программа") == "нет"
    assert "низкие результаты" in _cell(first, "Признаки")
    # the demo schools run a programme: the demo school's year gives every pair a plan, the
    # lyceum's short year one of its two pairs (50 %: not «мало планов»)
    by_id = {r.get_attribute("data-school-id"): r for r in rows[1:]}
    for row in by_id.values():
        assert _cell(row, "Программа") == "запущена" and "мало планов" not in _cell(row, "Внимание")
    assert _cell(by_id["demo-school-1"], "Пар с планом") == "100 %"
    assert _cell(by_id["demo-school-2"], "Пар сформировано") == "2" and _cell(by_id["demo-school-2"], "Пар с планом") == "50 %"
    assert "1 из 3 школ" in driver.find_element(By.ID, "summary").text
    LiveSystem.screenshot(driver, "reports-schools-coordinator")
    # only the coordinator's municipality: the other one's school is not listed, and its dashboard is a 404
    assert "demo-school-3" not in driver.page_source
    driver.get(live.url("/reports/dashboard?scope=school&scope_id=demo-school-3"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Страница не найдена"
    # the home page loads reports' to-do (htmx): the lagging schools, with a link here
    driver.get(live.url("/registry/"))
    link = driver.find_element(By.CSS_SELECTOR, "#todo-reports ul.tasks a")
    assert link.text == "Школ, требующих внимания: 1 из 3"  # the new school; the demo schools have plans now
    link.click()
    assert _heading_is(driver, "Школы и их состояние")


def test_region_admin_filters_the_schools_by_municipality(live, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    live.sign_in(driver, ADMIN)
    driver.get(live.url("/reports/schools"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#schools tbody tr")) == 4
    Select(driver.find_element(By.ID, "f-municipality")).select_by_visible_text("Приречный городской округ")
    # with JavaScript the list follows the choice at once (htmx), the address too
    assert eventually(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#schools tbody tr")) == 1)
    assert "municipality=mun-river" in driver.current_url
    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))  # the plain form: the same list
    rows = driver.find_elements(By.CSS_SELECTOR, "#schools tbody tr")
    assert [r.get_attribute("data-school-id") for r in rows] == ["demo-school-3"]
    assert "сложные условия" in _cell(rows[0], "Признаки")
    no_javascript = make_driver(javascript=False, size=DESKTOP)
    try:
        live.sign_in(no_javascript, ADMIN)
        no_javascript.get(live.url("/reports/schools"))
        Select(no_javascript.find_element(By.ID, "f-municipality")).select_by_visible_text("Приречный городской округ")
        click_to_next_page(no_javascript, no_javascript.find_element(By.CSS_SELECTOR, "#filters button[type=submit]"))
        assert "municipality=mun-river" in no_javascript.current_url
        rows = no_javascript.find_elements(By.CSS_SELECTOR, "#schools tbody tr")
        assert [r.get_attribute("data-school-id") for r in rows] == ["demo-school-3"]
    finally:
        no_javascript.quit()
        shutil.rmtree(no_javascript.profile_dir, ignore_errors=True)


def test_exports_page_downloads_a_csv_for_excel_in_russian(live, driver) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    folder = Path(tempfile.mkdtemp(prefix="reports-downloads-"))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    live.sign_in(driver, ADMIN)
    driver.get(live.url("/reports/exports"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Выгрузки"
    Select(driver.find_element(By.ID, "f-municipality")).select_by_visible_text("Северный район")
    click_to_next_page(driver, driver.find_element(By.CSS_SELECTOR, "#export-scope button[type=submit]"))
    assert "municipality=mun-north" in driver.current_url
    assert driver.find_element(By.TAG_NAME, "h2").text.startswith("Северный район")
    formats = [r.get_attribute("data-format") for r in driver.find_elements(By.CSS_SELECTOR, "#files tbody tr")]
    assert formats[:2] == ["xlsx", "pdf"] and "csv" in formats
    LiveSystem.screenshot(driver, "reports-exports")
    driver.find_element(By.CSS_SELECTOR, 'tr[data-table="schools"] a').click()
    downloaded = eventually(lambda: list(folder.glob("*.csv")), timeout=15)
    assert downloaded, list(folder.iterdir())
    time.sleep(0.2)  # the file is renamed from .crdownload when complete
    raw = downloaded[0].read_bytes()
    assert raw.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert "Наименование" in header
    assert {r["Наименование"] for r in body} == {"МБОУ СОШ № 1", "МБОУ Лицей № 2", "МБОУ СОШ № 9"}
    school_1 = next(r for r in body if r["Код"] == "demo-school-1")
    assert body[[r["Код"] for r in body].index("demo-school-2")]["Доля обучающихся, вовлечённых в наставничество, %"] == "33,3"  # a decimal comma
    assert school_1["Наставляемых, чел."] == "11"  # the demo school's year: t-02, t-03, t-06, p-02 … p-08, s-02
    assert all("." not in cell for r in rows[1:] for cell in r[6:])
    shutil.rmtree(folder, ignore_errors=True)


def test_curator_is_kept_to_their_school(live, driver) -> None:
    from selenium.webdriver.common.by import By

    live.sign_in(driver, CURATOR)
    driver.get(live.url("/reports/dashboard"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "МБОУ СОШ № 1"
    driver.get(live.url("/reports/dashboard?scope=region"))  # the region's figures: the own school instead
    assert driver.find_element(By.TAG_NAME, "h1").text == "МБОУ СОШ № 1"
    for path in ("/reports/dashboard?scope=school&scope_id=demo-school-2", "/reports/dashboard?scope=municipality&scope_id=mun-north"):
        driver.get(live.url(path))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Страница не найдена", path
        assert "МБОУ Лицей № 2" not in driver.page_source
    driver.get(live.url("/reports/schools"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Доступ запрещён"
    # the curator's to-do: the demo school's year reached every target (87,5 % of pupils), the
    # lyceum's coverage of pupils (33,3 %) is behind the 70 % target
    driver.get(live.url("/reports/todo"))
    assert driver.find_elements(By.CSS_SELECTOR, "ul.tasks li") == []
    live.sign_in(driver, CURATOR.model_copy(update={"sub": "curator-2", "scope_id": "demo-school-2"}))
    driver.get(live.url("/reports/todo"))
    tasks = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ul.tasks li")]
    assert any("Охват обучающихся 33,3 % — ниже цели 70 %" in t for t in tasks), tasks


@pytest.mark.parametrize("path", ["/reports/dashboard", "/reports/schools", "/reports/exports"])
def test_pages_fit_a_phone(live, path: str) -> None:
    from selenium.webdriver.common.by import By

    driver = make_driver(size=PHONE)
    try:
        live.sign_in(driver, ADMIN)
        driver.get(live.url(path))
        assert driver.find_element(By.TAG_NAME, "h1").text
        assert fits_without_sideways_scroll(driver), path
        charts = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg")
        assert all(c.size["width"] <= PHONE[0] for c in charts)
        LiveSystem.screenshot(driver, "reports" + path.replace("/", "-"))
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)
