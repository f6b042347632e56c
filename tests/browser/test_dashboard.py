"""The dashboard in headless Chromium (Debian's chromium + chromium-driver, selenium): the
reports service alone on a free port with the small region of the component tests; the
screenshot of every chart must show something drawn. Without Chromium: skip, under CI: fail."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from faststream.rabbit import TestRabbitBroker

from shared.auth import COOKIE_NAME, Principal
from shared.settings import Settings
from shared.web import issue_session

from nastavnik.processes import free_port
from services.reports.main import create_service
from tests.browser.live import click_to_next_page
from tests.component.test_reports_indicators import YEAR, load_region
from tests.conftest import SECRET

CHROMIUM = os.environ.get("NASTAVNIK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NASTAVNIK_CHROMEDRIVER", "/usr/bin/chromedriver")


def _require_chromium() -> None:
    if Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists():
        return
    message = f"Chromium not installed ({CHROMIUM}, {CHROMEDRIVER}): apt-get install -y chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def reports_server(prefix: str, load) -> Iterator[str]:
    """The reports service alone on the in-memory broker, filled by `load`, served by uvicorn in a thread."""
    _require_chromium()
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    reports = create_service(Settings(data_dir=data_dir, jwt_secret=SECRET, region_id="test-region", region_name="Тестовый край",
                                      rabbitmq_url=None, database_url=None))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with TestRabbitBroker(reports.runtime.broker):
            await reports.runtime.start()
            await load(reports)
            yield
            await reports.runtime.stop()

    app = FastAPI(lifespan=lifespan)
    app.mount("/reports", reports.http)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "dashboard server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def dashboard_server() -> Iterator[str]:
    with reports_server("dashboard-", load_region) as url:
        yield url


@pytest.fixture
def dashboard_browser(dashboard_server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}", "--window-size=1400,2400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _sign_in(driver, base: str, scope: str, scope_id: str, role: str) -> None:
    driver.get(f"{base}/reports/health")
    token = issue_session(SECRET, Principal(sub="browser", role=role, scope=scope, scope_id=scope_id))
    driver.add_cookie({"name": COOKIE_NAME, "value": token, "path": "/", "httpOnly": True})


def _drawn_share(png: bytes) -> float:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.getdata())
    return sum(1 for r, g, b in pixels if min(r, g, b) < 200) / len(pixels)


def test_region_dashboard_draws_charts_and_drills_down(dashboard_server, dashboard_browser) -> None:
    from selenium.webdriver.common.by import By

    driver = dashboard_browser
    _sign_in(driver, dashboard_server, "region", "test-region", "region_admin")
    driver.get(f"{dashboard_server}/reports/dashboard?academic_year={YEAR}")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Тестовый край"
    figures = driver.find_elements(By.CSS_SELECTOR, "#charts figure")
    assert len(figures) == 7
    for figure in figures:
        assert figure.size["height"] > 150, figure.get_attribute("id")
    coverage = driver.find_element(By.ID, "chart-coverage-target")
    assert _drawn_share(coverage.screenshot_as_png) > 0.03  # bars, target line, axes, labels
    bars = coverage.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert any(float(b.get_attribute("height")) > 10 for b in bars)
    assert "50" in driver.find_element(By.CSS_SELECTOR, 'tr[data-code="pupils_in_mentoring_share"] td.value').text
    assert driver.find_element(By.CSS_SELECTOR, 'tr[data-code="campaign_response_rate"] td.value').text == "37,5"  # decimal comma
    swot = driver.find_element(By.ID, "chart-swot")
    assert any(float(b.get_attribute("height")) > 10 for b in swot.find_elements(By.CSS_SELECTOR, "rect.bar"))
    programmes = [row.find_element(By.TAG_NAME, "td").text for row in driver.find_elements(By.CSS_SELECTOR, "#swot tbody tr")]
    assert programmes == ["не указана", "Первые шаги", "Учитель учителю", "prog-s3"]  # titles; prog-s3 was never launched
    click_to_next_page(driver, driver.find_element(By.LINK_TEXT, "Район m1"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Район m1"
    click_to_next_page(driver, driver.find_element(By.LINK_TEXT, "Школа s2"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Школа s2"
    growth = driver.find_element(By.ID, "chart-satisfaction-history")
    assert growth.find_elements(By.CSS_SELECTOR, "polyline.series, circle")
    assert _drawn_share(driver.get_screenshot_as_png()) > 0.02


def test_a_curator_sees_only_the_school(dashboard_server, dashboard_browser) -> None:
    from selenium.webdriver.common.by import By

    driver = dashboard_browser
    _sign_in(driver, dashboard_server, "school", "s3", "school_curator")
    driver.get(f"{dashboard_server}/reports/dashboard?academic_year={YEAR}")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Школа s3"
    assert driver.find_elements(By.ID, "children") == []
    growth = driver.find_element(By.ID, "chart-satisfaction")
    assert _drawn_share(growth.screenshot_as_png) > 0.03
