"""`nastavnik run --demo`: the home page signs in as the region's administrator and shows the
demo region's indicators; without demo mode nothing is open without a token."""

from __future__ import annotations

import httpx

from nastavnik.app import build_all_in_one
from shared.auth import COOKIE_NAME


async def test_demo_home_page_shows_the_indicators_and_signs_in(settings) -> None:
    settings.demo = True
    app = build_all_in_one(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo") as client:
            page = await client.get("/")
            assert page.status_code == 200
            assert "администратор демонстрационного региона" in page.text
            assert 'data-code="mentee_satisfaction_mean"><td>Удовлетворённость наставляемых (средний балл)</td><td class="value">7,33' in page.text
            assert "Куратор школы" in page.text  # tokens for the other roles
            assert COOKIE_NAME in page.headers["set-cookie"]
            dashboard = await client.get("/reports/dashboard")  # the cookie set by the home page
            assert dashboard.status_code == 200 and "Северный район" in dashboard.text


async def test_without_demo_nothing_is_open_without_a_token(system) -> None:
    _, client = system
    home = await client.get("/")
    assert "токен" in home.text and "администратор" not in home.text
    for path in ("/registry/api/v1/schools", "/reports/dashboard", "/reports/api/v1/indicators/region/test-region"):
        assert (await client.get(path)).status_code == 401, path
