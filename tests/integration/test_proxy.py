"""The product as operators deploy it: every service its own process on the real RabbitMQ and
PostgreSQL, Debian's nginx with deploy/nginx/nastavnik.conf in front of them, and a person in
headless Chromium who only ever sees the one origin of the proxy.

Without nginx or Chromium the test skips — under CI it fails (CI installs both: .ci/run)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session

from nastavnik.processes import NGINX, NginxProxy, ServiceProcesses
from nastavnik.scenario import MUNICIPALITIES, PEOPLE, SCHOOLS, Region, RegionScenario
from tests.browser.conftest import make_driver, require_chromium
from tests.browser.live import LiveSystem, click_to_next_page, eventually
from tests.conftest import SECRET

pytestmark = pytest.mark.integration

REGION = "test-region"  # ServiceProcesses' default NASTAVNIK_REGION_ID
NEW_SCHOOL = ("proxy-school-9", "МБОУ Гимназия № 9 имени А. С. Пушкина", "mun-river")
ADMIN_NAME, ADMIN_LOGIN, PASSWORD = "Орлова Вера Николаевна", "orlova@region.example", "осенний-ветер-над-рекой-7"


def require_nginx() -> None:
    if Path(NGINX).exists():
        return
    message = f"nginx not installed ({NGINX}): apt-get install -y nginx"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def tools() -> None:
    """nginx and Chromium, checked before any process starts."""
    require_nginx()
    require_chromium()


@pytest.fixture
def proxy(tools: None, processes: ServiceProcesses, tmp_path: Path) -> Iterator[NginxProxy]:
    with NginxProxy(processes.ports, tmp_path) as running:
        yield running


@pytest.fixture
def driver():
    browser = make_driver(javascript=True, size=(1366, 900))
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(browser.profile_dir, ignore_errors=True)  # type: ignore[attr-defined]


def text(driver) -> str:
    return driver.find_element("tag name", "body").text


def path_of(driver) -> str:
    return urlparse(driver.current_url).path


def submit(driver, button) -> None:
    """Click a form's button and wait for the next page."""
    click_to_next_page(driver, button)


def set_password(driver, password: str) -> None:
    """Choose a password on an invitation's page: the person is signed in."""
    driver.find_element("id", "f-password").send_keys(password)
    driver.find_element("id", "f-repeat").send_keys(password)
    submit(driver, driver.find_element("id", "set-password"))
    assert driver.find_elements("css selector", ".who"), f"not signed in at {driver.current_url}: {text(driver)[:800]}"


def sign_out(driver) -> None:
    driver.find_element("css selector", ".who summary").click()
    submit(driver, driver.find_element("id", "sign-out"))


def sign_in(driver, base: str, login: str, password: str) -> None:
    driver.get(base + "/registry/sign-in")
    driver.find_element("id", "f-login").send_keys(login)
    driver.find_element("id", "f-password").send_keys(password)
    submit(driver, driver.find_element("id", "sign-in"))


async def invitations(registry_database: str, data_dir: Path, curator_participant: str) -> tuple[str, str]:
    """The first region administrator, as the operator creates them, and a school curator
    appointed among the school's teachers: their one-time invitation paths (the registry's use
    cases on the registry's database, as `nastavnik users` does)."""
    from shared.settings import Settings

    from services.registry.main import create_service

    registry = create_service(Settings(database_url=registry_database, rabbitmq_url=None, data_dir=data_dir, jwt_secret=SECRET,
                                       region_id=REGION))
    try:
        admin = await registry.accounts.create_admin(ADMIN_NAME, ADMIN_LOGIN)
        operator = Principal(sub="operator", role="region_admin", scope="region", scope_id=REGION)
        await registry.accounts.appoint_curator(curator_participant, operator)
        curator = await registry.accounts.invite_person(curator_participant, operator)
        return admin.path, curator.path
    finally:
        await registry.runtime.db.dispose()


def shows(driver, url: str, *phrases: str, timeout: float = 20) -> bool:
    """Open `url` again until every phrase is on the page (events travel between the processes)."""
    def check() -> bool:
        driver.get(url)
        body = text(driver)
        return all(p in body for p in phrases)
    return eventually(check, timeout=timeout, interval=0.5)


async def load_region(base: str) -> tuple[Region, RegionScenario, httpx.AsyncClient]:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    scenario = RegionScenario(client, SECRET, REGION)
    return await scenario.load(schools=2, surveys=False), scenario, client


async def test_a_person_works_across_the_services_through_one_origin(proxy: NginxProxy, driver, databases: dict[str, str],
                                                                    tmp_path: Path) -> None:
    base = proxy.base_url
    # Data arranged through the public APIs — through the proxy too.
    region, scenario, api = await load_region(base)
    school_1, school_2 = region.schools
    admin_invitation, curator_invitation = await invitations(databases["registry"], tmp_path / "registry", school_1.people["t-04"])
    try:
        # Not signed in: the origin leads to the registry, and a page asks to sign in (a Russian
        # page, never JSON), all on the proxy's origin.
        driver.get(base + "/")
        assert urlparse(driver.current_url).netloc == urlparse(base).netloc
        assert path_of(driver).startswith("/registry/"), driver.current_url
        driver.get(base + "/reports/dashboard")
        assert path_of(driver) == "/registry/sign-in", driver.current_url

        # The region's administrator comes in by the invitation link, chooses a password, leaves,
        # and signs in again with it (the sign-in form's origin check sees the proxy's origin).
        driver.get(base + admin_invitation)
        set_password(driver, PASSWORD)
        assert path_of(driver).startswith("/registry/"), driver.current_url
        sign_out(driver)
        assert path_of(driver) == "/registry/sign-in"
        driver.get(base + "/reports/dashboard")
        assert path_of(driver) == "/registry/sign-in"
        sign_in(driver, base, ADMIN_LOGIN, PASSWORD)
        assert ADMIN_NAME in text(driver) or "администратор" in text(driver).lower(), text(driver)[:500]

        # Home → the menu → monitoring (reports) → schools (registry).
        driver.get(base + "/registry/")
        assert driver.execute_script("return typeof htmx") == "object", "htmx did not load through the proxy"
        driver.find_element("link text", "Мониторинг").click()
        assert path_of(driver) == "/reports/dashboard"
        assert shows(driver, base + "/reports/dashboard", *(MUNICIPALITIES[s.municipality_id] for s in region.schools))
        LiveSystem.screenshot(driver, "proxy-dashboard")
        assert shows(driver, base + "/registry/schools", SCHOOLS[0][1], SCHOOLS[1][1])

        # A school registered through the registry's API reaches the reports' pages (registry →
        # RabbitMQ → reports → page), seen through the same origin.
        school_id, name, municipality = NEW_SCHOOL
        created = await api.post("/registry/api/v1/schools", headers={"Authorization": f"Bearer {scenario.admin}"}, json={
            "school_id": school_id, "name": name, "municipality_id": municipality,
            "municipality_name": MUNICIPALITIES[municipality], "low_results": True, "difficult_conditions": False})
        assert created.status_code == 201, created.text
        assert shows(driver, base + "/reports/schools", name, SCHOOLS[0][1]), text(driver)[:1000]
        assert shows(driver, base + "/registry/schools", name)

        # The API docs (Swagger UI from the service's own static files) render their operations.
        driver.get(base + "/registry/docs")
        assert eventually(lambda: driver.find_elements("css selector", ".swagger-ui .opblock"), timeout=15), "Swagger UI did not render"
        LiveSystem.screenshot(driver, "proxy-docs")
        driver.get(base + "/asyncapi")
        assert "registry.school.registered.v1" in text(driver)

        # A teacher appointed the school's curator comes in by their invitation: people
        # (registry), matching (pairing), campaigns (surveys).
        driver.get(base + "/registry/")
        sign_out(driver)
        driver.get(base + curator_invitation)
        set_password(driver, PASSWORD)
        assert path_of(driver).startswith("/registry/"), driver.current_url
        assert shows(driver, base + "/registry/people", PEOPLE[0][2], PEOPLE[1][2])
        LiveSystem.screenshot(driver, "proxy-people")
        driver.get(base + "/pairing/matching")
        assert path_of(driver) == "/pairing/matching" and "Подбор" in text(driver), text(driver)[:500]
        driver.get(base + "/surveys/campaigns")
        assert path_of(driver) == "/surveys/campaigns" and "Анкетирован" in text(driver), text(driver)[:500]
        # Another school's person by URL: not found, as a page.
        driver.get(base + f"/registry/people/{school_2.people['t-02']}")
        assert PEOPLE[1][2] not in text(driver) and "не найден" in text(driver).lower(), text(driver)[:500]
    finally:
        await api.aclose()


async def test_the_proxy_serves_assets_headers_and_forms(proxy: NginxProxy, processes: ServiceProcesses) -> None:
    cookie = issue_session(SECRET, Principal(sub="admin-1", role="region_admin", scope="region", scope_id=REGION))
    async with httpx.AsyncClient(base_url=proxy.base_url, timeout=30) as client:
        root = await client.get("/")
        assert root.status_code == 302 and root.headers["location"] == "/registry/"
        for name in processes.ports:
            style = await client.get(f"/{name}/static/nastavnik.css", headers={"Accept-Encoding": "gzip"})
            assert style.status_code == 200 and style.headers["content-type"].startswith("text/css"), name
            assert style.headers.get("content-encoding") == "gzip", f"{name}: CSS is not compressed"
            assert "no-cache" in style.headers["cache-control"]
            vendor = await client.get(f"/{name}/static/vendor/htmx-2.0.11.min.js")
            assert vendor.status_code == 200 and "max-age=31536000" in vendor.headers["cache-control"], name
            docs = await client.get(f"/{name}/docs")
            assert docs.status_code == 200 and f"/{name}/static/vendor/swagger-ui" in docs.text and "cdn" not in docs.text.lower(), name
            spec = await client.get(f"/{name}/openapi.json")
            assert spec.status_code == 200 and spec.json()["paths"], name
            health = await client.get(f"/{name}/health")
            assert health.json()["service"] == name, f"/{name}/ is routed to {health.json()['service']}"
        page = await client.get("/reports/dashboard", cookies={COOKIE_NAME: cookie})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-store", "pages with personal data must not be cached"
        # A form posted without its CSRF token is refused, through the proxy as well.
        forged = await client.post("/registry/schools/new", cookies={COOKIE_NAME: cookie},
                                   data={"school_id": "x", "name": "Подложная школа"})
        assert forged.status_code == 403, forged.status_code
        # An upload bigger than nginx's limit for imports is refused by nginx itself.
        too_big = await client.post("/registry/api/v1/imports", content=b"x" * (51 * 1024 * 1024))
        assert too_big.status_code == 413
    # A service that is down: a Russian page from the proxy.
    processes.stop("pairing")
    async with httpx.AsyncClient(base_url=proxy.base_url, timeout=30) as client:
        down = await client.get("/pairing/matching")
        assert down.status_code == 503 and "Сервис временно недоступен" in down.text
