"""The written analysis in headless Chromium on the whole product (the demo region, loaded
through the public APIs; at its year's end the region's analyst approved the generated text as
version 1): the region's administrator opens the regional report, finds the approved analysis,
edits a sentence, approves version 2, and the PDF and XLSX downloaded from the page open with
the approved text. The page fits a phone."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, PHONE, LiveSystem, click_to_next_page, eventually, fits_without_sideways_scroll

REGION = "demo-region"
ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id=REGION, name="Орлова Вера")
EDITED = "Охват обучающихся обсуждён на совещании директоров 12.11.2026 <Приречный & Северный>."


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("reports-analysis"), demo=True) as system:
        with system.api(ADMIN) as api:  # reports has heard of the demo's pupils and answers
            assert eventually(lambda: _ready(api), timeout=30)
        yield system


def _ready(api) -> bool:
    values = {i["code"]: i["value"] for i in api.get(f"/reports/api/v1/indicators/region/{REGION}").json()}
    return values.get("pupils_in_mentoring_share") is not None and values.get("mentor_satisfaction_mean") is not None


def _wait_for_file(folder: Path, suffix: str) -> bytes:
    done = eventually(lambda: [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0], timeout=30)
    assert done, list(folder.iterdir())
    time.sleep(0.3)  # renamed from .crdownload when complete
    return done[0].read_bytes()


def test_an_analyst_edits_approves_and_downloads_the_analysis(live) -> None:
    import io

    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    from tests.component.test_reports_analysis import pdf_text

    folder = Path(tempfile.mkdtemp(prefix="reports-analysis-"))
    driver = make_driver(size=DESKTOP)
    try:
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
        live.sign_in(driver, ADMIN)
        driver.get(live.url("/reports/dashboard"))
        summary = driver.find_element(By.ID, "analysis-summary")
        status = summary.find_element(By.ID, "analysis-status").text
        assert status.startswith("Утверждено: версия 1,") and status.endswith("Аналитик региона"), status
        click_to_next_page(driver, driver.find_element(By.ID, "analysis-link"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Анализ и рекомендации"
        assert driver.find_element(By.ID, "approval").text.startswith("Утверждено: версия 1,")
        sections = {s.get_attribute("data-title"): s.text for s in driver.find_elements(By.CSS_SELECTOR, "#analysis-text section")}
        assert list(sections)[0] == "Охват наставничеством" and list(sections)[-1] == "Рекомендации"
        # the demo: 7 of 8 pupils of the first school are mentees, 1 of 3 in each of the others → 9 / 14
        assert "В наставничество вовлечено 64,3 % обучающихся" in sections["Охват наставничеством"]
        assert "Рекомендуется расширить охват обучающихся наставничеством" in sections["Рекомендации"]
        assert fits_without_sideways_scroll(driver)
        LiveSystem.screenshot(driver, "reports-analysis-generated")
        driver.execute_script("document.getElementById('edit').scrollIntoView()")
        LiveSystem.screenshot(driver, "reports-analysis-editor")

        coverage = driver.find_element(By.ID, "f-text_0")
        first_sentence = coverage.get_attribute("value").split(". ")[0]
        new_text = coverage.get_attribute("value").replace(first_sentence, EDITED.rstrip("."), 1)
        coverage.clear()
        coverage.send_keys(new_text)
        click_to_next_page(driver, driver.find_element(By.ID, "approve"))
        assert driver.find_element(By.ID, "saved").text.startswith("Анализ утверждён.")
        assert driver.find_element(By.ID, "approval").text.startswith("Утверждено: версия 2,")
        assert "Орлова Вера" in driver.find_element(By.ID, "approval").text
        shown = driver.find_element(By.CSS_SELECTOR, '#analysis-text section[data-title="Охват наставничеством"]').text
        assert EDITED in shown
        assert [r.get_attribute("data-version") for r in driver.find_elements(By.CSS_SELECTOR, "#versions tbody tr")] == ["2", "1"]
        LiveSystem.screenshot(driver, "reports-analysis-approved")

        driver.find_element(By.ID, "download-pdf").click()
        text = pdf_text(_wait_for_file(folder, ".pdf"))
        assert "Анализ и рекомендации" in text and "Утверждено: версия 2" in text
        assert EDITED in text and "Проект, не утверждён" not in text
        driver.find_element(By.ID, "download-xlsx").click()
        book = load_workbook(io.BytesIO(_wait_for_file(folder, ".xlsx")))
        assert book.sheetnames[0] == "Анализ"
        cells = [c for row in book["Анализ"].iter_rows(values_only=True) for c in row if c]
        assert cells[1].startswith("Утверждено: версия 2,") and any(EDITED in c for c in cells)

        driver.get(live.url("/reports/dashboard"))
        assert driver.find_element(By.ID, "analysis-status").text.startswith("Утверждено: версия 2")
        LiveSystem.screenshot(driver, "reports-analysis-dashboard")
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_analysis_page_fits_a_phone(live) -> None:
    from selenium.webdriver.common.by import By

    driver = make_driver(size=PHONE)
    try:
        live.sign_in(driver, ADMIN)
        driver.get(live.url("/reports/analysis"))
        assert driver.find_element(By.TAG_NAME, "h1").text == "Анализ и рекомендации"
        assert fits_without_sideways_scroll(driver)
        LiveSystem.screenshot(driver, "reports-analysis")
        driver.execute_script("document.getElementById('analysis-form').scrollIntoView()")
        LiveSystem.screenshot(driver, "reports-analysis-editor")
        driver.execute_script("document.getElementById('versions').scrollIntoView()")
        LiveSystem.screenshot(driver, "reports-analysis-versions")
        driver.get(live.url("/reports/dashboard"))
        assert fits_without_sideways_scroll(driver)
        LiveSystem.screenshot(driver, "reports-analysis-dashboard")
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)
