"""`nastavnik run --demo`: `/` leads to the sign-in page, which offers one-click sign-in as each
demo role and shows each demo login's password; signed in as the region's administrator, the
dashboard shows the demo region's indicators, and the demo mentee has an open questionnaire.
Without demo mode nothing is open without
signing in or a token, and the sign-in page offers no demo buttons."""

from __future__ import annotations

import re

import httpx

from shared.auth import COOKIE_NAME

from nastavnik.app import build_all_in_one
from services.registry.web_accounts import DEMO_LOGINS, DEMO_PASSWORD


async def test_demo_signs_in_with_one_click_as_each_role_and_shows_the_indicators(settings) -> None:
    settings.demo = True
    app = build_all_in_one(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
            # the server answers once the demo people have accounts; the school year goes on behind
            assert (await client.post("/registry/sign-in", data={"login": "mentee@demo.nastavnik", "password": DEMO_PASSWORD})).status_code == 303
            client.cookies.clear()
            await app.state.demo_filled.wait()
            assert app.state.demo_task.exception() is None
            page = await client.get("/", follow_redirects=True)
            assert page.status_code == 200 and str(page.url).startswith("http://localhost/registry/sign-in")
            for login, label in DEMO_LOGINS:
                assert f"Войти как {label}" in page.text and login in page.text
            assert page.text.count(DEMO_PASSWORD) == len(DEMO_LOGINS)

            signed = await client.post("/registry/sign-in/demo", data={"login": "admin@demo.nastavnik"})
            assert signed.status_code == 303 and COOKIE_NAME in signed.headers["set-cookie"]
            home = await client.get("/registry/")
            assert "Орлова Вера Николаевна" in home.text and "администратор региона" in home.text
            dashboard = await client.get("/reports/dashboard")
            assert dashboard.status_code == 200 and "Северный район" in dashboard.text
            value = re.search(r'<tr data-code="mentee_satisfaction_mean">.*?class="num value"[^>]*>([^<]+)<', dashboard.text, re.S)
            # the demo school's year: 9, 8, 10, 7, 6, 9, 5; the others' 7, 7 and 6, 6 → 80 / 11
            assert value and value.group(1) == "7,27"
            roadmap = await client.get("/practices/roadmap")  # seed 004's items, one of them overdue
            assert roadmap.status_code == 200 and roadmap.text.count('<tr id="item-') == 4
            assert "Просрочено пунктов: 1." in roadmap.text and "Региональный конкурс научно-методических" in roadmap.text
            client.cookies.clear()

            roles = {}
            for login, label in DEMO_LOGINS:  # the password shown works for every demo login
                r = await client.post("/registry/sign-in", data={"login": login, "password": DEMO_PASSWORD})
                assert r.status_code == 303, login
                roles[label] = (await client.get("/registry/")).text
                client.cookies.clear()
            assert "Попов Сергей Викторович" in roles["куратор школы"] and "Иванова Анна Петровна" in roles["наставник"]
            assert "Смирнов Илья Олегович" in roles["наставляемый"]
            assert "Белов Андрей Викторович" in roles["муниципальный координатор"]

            # the demo mentee has a questionnaire to fill: the mentees' satisfaction campaign is open
            await client.post("/registry/sign-in", data={"login": "mentee@demo.nastavnik", "password": DEMO_PASSWORD})
            mine = await client.get("/surveys/my")
            assert mine.status_code == 200 and "Удовлетворённость наставляемых" in mine.text and "Заполнить" in mine.text
            client.cookies.clear()

    # a restart of the demo on the same data keeps the accounts (and creates none twice)
    app = build_all_in_one(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
            r = await client.post("/registry/sign-in", data={"login": "mentor@demo.nastavnik", "password": DEMO_PASSWORD})
            assert r.status_code == 303


async def test_without_demo_nothing_is_open_without_signing_in(system) -> None:
    _, client = system
    home = await client.get("/", follow_redirects=True)
    assert "/registry/sign-in" in str(home.url) and "Войти как" not in home.text
    assert (await client.post("/registry/sign-in/demo", data={"login": "admin@demo.nastavnik"})).status_code == 404
    for path in ("/registry/api/v1/schools", "/reports/api/v1/indicators/region/test-region"):
        assert (await client.get(path)).status_code == 401, path
    assert (await client.get("/reports/dashboard")).status_code == 303  # a page: to the sign-in page
