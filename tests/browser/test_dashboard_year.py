"""The dashboard's «Год программы» (issue 15) in headless Chromium: the region's figures of the
programme's year (the small region of tests/component/test_reports_year.py), at 1366 and 390
pixels without sideways scrolling; a school's curator sees the school's, without the regional
roadmap. Without Chromium: skip, under CI: fail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.live import DESKTOP, PHONE, LiveSystem, fits_without_sideways_scroll
from tests.browser.test_dashboard import _sign_in, dashboard_browser, reports_server  # noqa: F401 - the browser fixture
from tests.component.test_reports_year import YEAR, load_year


@pytest.fixture(scope="module")
def dashboard_server() -> Iterator[str]:
    with reports_server("dashboard-year-", load_year) as url:
        yield url


def _card(driver, code: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'#programme-year .card[data-code="{code}"] .figure').text


def test_the_dashboard_shows_the_programme_year(dashboard_server, dashboard_browser) -> None:
    from selenium.webdriver.common.by import By

    driver = dashboard_browser
    _sign_in(driver, dashboard_server, "region", "test-region", "region_admin")
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        driver.set_window_size(*size)
        driver.get(f"{dashboard_server}/reports/dashboard?academic_year={YEAR}")
        assert driver.find_element(By.ID, "programme-year-title").text == "Год программы"
        assert _card(driver, "year_schools_with_documents") == "1"
        assert "33,3" in _card(driver, "year_roadmap_on_time_share")  # 1 of 2 done and 1 overdue
        assert _card(driver, "year_meetings_per_pair_month") == "1,25"
        assert "66,7" in _card(driver, "year_activities_held_share")
        assert fits_without_sideways_scroll(driver), name
        driver.execute_script("document.getElementById('programme-year').scrollIntoView()")
        LiveSystem.screenshot(driver, f"dashboard-year-region-{name}")
    driver.set_window_size(*DESKTOP)
    _sign_in(driver, dashboard_server, "school", "s1", "school_curator")
    driver.get(f"{dashboard_server}/reports/dashboard?academic_year={YEAR}")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Школа s1"
    assert _card(driver, "year_meetings_per_pair_month") == "1,33"
    assert driver.find_elements(By.CSS_SELECTOR, '#programme-year [data-code="year_roadmap_on_time_share"]') == []
    driver.execute_script("document.getElementById('programme-year').scrollIntoView()")
    LiveSystem.screenshot(driver, "dashboard-year-school-desktop")
