"""The whole product for browser tests: all four services in one process (in-memory broker,
SQLite in a fresh folder) served by uvicorn in a thread on a free port, as `nastavnik run`
serves it, and helpers to drive it as a person would.

    with LiveSystem(tmp_path, demo=True) as live:
        driver = make_driver()               # tests/browser/conftest.py
        live.sign_in(driver, principal)      # a session cookie, as after the sign-in page
        driver.get(live.url("/registry/people"))
        live.screenshot(driver, "people")    # under $NASTAVNIK_SCREENSHOTS, if set

`api(principal)` gives an httpx client with a bearer token for arranging data through the
public APIs; `sign_in_with_password` goes through the real sign-in page."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from shared.auth import COOKIE_NAME, Principal, issue_token
from shared.settings import Settings
from shared.web import issue_session

from nastavnik.app import build_all_in_one
from nastavnik.processes import free_port
from tests.conftest import SECRET

PHONE = (390, 844)
DESKTOP = (1366, 900)


class LiveSystem:
    def __init__(self, data_dir: Path, *, demo: bool = False, region_id: str = "demo-region", **settings: Any) -> None:
        self.settings = Settings(data_dir=data_dir, jwt_secret=SECRET, region_id=region_id, rabbitmq_url=None,
                                 database_url=None, demo=demo, **settings)
        self.app = build_all_in_one(self.settings)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveSystem:
        self._thread.start()
        deadline = time.monotonic() + 120
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the system did not start")
            time.sleep(0.05)
        if self.settings.demo:  # the demo's school year is played in the background after the start: wait for all of it
            deadline = time.monotonic() + 900
            while not self.app.state.demo_filled.is_set():
                if time.monotonic() > deadline or not self._thread.is_alive():
                    raise RuntimeError("the demo year was not played")
                time.sleep(0.1)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(20)

    @property
    def services(self) -> dict[str, Any]:
        return self.app.state.services

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def api(self, principal: Principal) -> httpx.Client:
        token = issue_token(SECRET, sub=principal.sub, role=principal.role, scope=principal.scope, scope_id=principal.scope_id,
                            ttl=timedelta(hours=2))
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def sign_in(self, driver, principal: Principal) -> None:
        """A signed-in browser without the sign-in page (for tests of other jobs)."""
        driver.get(self.url("/registry/static/favicon.svg"))
        driver.delete_all_cookies()
        driver.add_cookie({"name": COOKIE_NAME, "value": issue_session(SECRET, principal), "path": "/", "httpOnly": True})

    @staticmethod
    def screenshot(driver, name: str) -> None:
        folder = os.environ.get("NASTAVNIK_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            width = driver.get_window_size()["width"]
            driver.save_screenshot(str(Path(folder) / f"{name}-{width}.png"))


def fits_without_sideways_scroll(driver) -> bool:
    """Nothing on the page is wider than the window (no horizontal scrolling)."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def eventually(check, timeout: float = 10.0, interval: float = 0.1):
    """Call `check` until it returns something truthy (events travel between services)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def click_to_next_page(driver, element, timeout: float = 20.0) -> None:
    """Click a link or a submit button and wait until the next page has loaded. The old page is
    marked and the wait is for a document without the mark: chromedriver's staleness check can
    fail with "Node with given id does not belong to the document" while the page is replaced."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("document.documentElement.dataset.leaving = 'yes'")
    element.click()
    WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return document.readyState === 'complete' && !document.documentElement.dataset.leaving"))
