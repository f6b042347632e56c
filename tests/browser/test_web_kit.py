"""The shared web kit as a person meets it: API docs that work on a closed network, Russian
error pages instead of JSON, the sign-in redirect, a layout that fits a phone."""

from __future__ import annotations

import pytest

from shared.auth import Principal

from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import DESKTOP, LiveSystem, fits_without_sideways_scroll

ADMIN = Principal(sub="admin", role="region_admin", scope="region", scope_id="demo-region", name="Орлова Вера")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    require_chromium()
    with LiveSystem(tmp_path_factory.mktemp("web-kit")) as system:
        yield system


@pytest.fixture
def driver():
    driver = make_driver(size=DESKTOP)
    yield driver
    driver.quit()


def test_api_docs_render_from_local_assets(live, driver) -> None:
    from selenium.webdriver.common.by import By

    for service in ("registry", "pairing", "surveys", "reports"):
        driver.get(live.url(f"/{service}/docs"))
        title = driver.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title")  # waits (implicitly) for the render
        assert "Nastavnik" in title.text
        scripts = [s.get_attribute("src") for s in driver.find_elements(By.TAG_NAME, "script") if s.get_attribute("src")]
        assert scripts and all(src.startswith(live.base) for src in scripts), scripts


def test_errors_are_russian_pages_and_sign_in_is_asked_for(live, driver) -> None:
    from selenium.webdriver.common.by import By

    driver.get(live.url("/reports/dashboard"))
    assert "/registry/sign-in" in driver.current_url and "next=%2Freports%2Fdashboard" in driver.current_url
    live.sign_in(driver, ADMIN)
    driver.get(live.url("/pairing/no-such-page"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Страница не найдена"
    assert "Орлова Вера" in driver.find_element(By.CSS_SELECTOR, ".who summary").text
    assert "{" not in driver.find_element(By.TAG_NAME, "body").text
    driver.set_window_size(390, 844)
    driver.get(live.url("/surveys/no-such-page"))
    assert fits_without_sideways_scroll(driver)
    LiveSystem.screenshot(driver, "error-404")
