"""Browser tests: the surveys service alone (in-memory broker, SQLite) served by uvicorn in a
thread on a free port, driven by headless Chromium from Debian's packages (chromium,
chromium-driver) through selenium. Without Chromium the tests skip — except under CI, where
they fail, so that a green CI run always means the browser was used."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from faststream.rabbit import TestRabbitBroker

from shared import clock
from shared.auth import Principal
from shared.clock import academic_year_of
from shared.contracts.envelope import new_envelope
from shared.contracts.registry import ParticipantEnrolled, ParticipantRegistered
from shared.messaging.topology import EVENTS_EXCHANGE
from shared.settings import Settings

from nastavnik.processes import free_port
from services.surveys.main import create_service
from services.surveys.schemas import CampaignIn
from tests.conftest import SECRET

CHROMIUM = os.environ.get("NASTAVNIK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NASTAVNIK_CHROMEDRIVER", "/usr/bin/chromedriver")
RESPONDENTS = ("e1", "e2", "e3", "e4")


def require_chromium() -> None:
    if Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists():
        return
    message = f"Chromium not installed ({CHROMIUM}, {CHROMEDRIVER}): apt-get install -y chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def build_app(data_dir: Path) -> FastAPI:
    settings = Settings(data_dir=data_dir, jwt_secret=SECRET, region_id="test-region", rabbitmq_url=None, database_url=None)
    surveys = create_service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with TestRabbitBroker(surveys.runtime.broker):
            await surveys.runtime.start()
            for pid in RESPONDENTS:  # registered, and enrolled as mentees: the questionnaire is for mentees
                for event in (ParticipantRegistered(participant_id=pid, school_id="s1", category="teacher", display_name=pid),
                              ParticipantEnrolled(participant_id=pid, programme_id="prog-1", school_id="s1", role="mentee",
                                                  academic_year=academic_year_of(clock.today()))):
                    envelope = new_envelope("registry", event)
                    await surveys.runtime.broker.publish(envelope.model_dump_json().encode(), exchange=EVENTS_EXCHANGE,
                                                         routing_key=event.event_type, content_type="application/json",
                                                         message_id=envelope.id)
            campaign = await surveys.service.open_campaign(
                CampaignIn(instrument={"code": "satisfaction_mentee", "version": 2}, role="mentee",
                           respondent_ids=list(RESPONDENTS), opens_on=clock.today(), closes_on=clock.today() + timedelta(days=7)),
                Principal(sub="curator", role="school_curator", scope="school", scope_id="s1"),
            )
            app.state.links = {i.participant_id: i.link_path for i in campaign.invitees}
            app.state.campaign_id = campaign.id
            app.state.surveys = surveys
            yield
            await surveys.runtime.stop()

    app = FastAPI(lifespan=lifespan)
    app.mount("/surveys", surveys.http)
    return app


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[str, FastAPI]]:
    require_chromium()
    data_dir = Path(tempfile.mkdtemp(prefix="nastavnik-browser-"))
    app = build_app(data_dir)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/surveys/health").status_code == 200 and getattr(app.state, "links", None):
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the surveys app did not start")
        time.sleep(0.1)
    yield base, app
    server.should_exit = True
    thread.join(15)
    shutil.rmtree(data_dir, ignore_errors=True)


def make_driver(*, javascript: bool = True, size: tuple[int, int] = (390, 844)):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="nastavnik-chromium-")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                     f"--user-data-dir={profile}", "--window-size=390,844", "--lang=ru-RU"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(*size)  # a phone by default
    driver.implicitly_wait(2)
    driver.profile_dir = profile  # type: ignore[attr-defined]
    return driver


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def browser(request: pytest.FixtureRequest, server):
    driver = make_driver(javascript=request.param)
    driver.javascript = request.param  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)  # type: ignore[attr-defined]
