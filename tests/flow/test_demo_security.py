"""Issue 13, M6: the demo's home page printed the admin's, coordinator's, curator's and
integration tokens into the page and set a session on a plain GET, whatever the Host header.
Now no page carries a token, nobody is signed in without a click on the sign-in page, the demo
answers only requests addressed to this computer or its public URL, and `serve` has no demo."""

from __future__ import annotations

import re

import httpx
import pytest

from shared.auth import COOKIE_NAME

from nastavnik.app import build_all_in_one, build_single

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


async def test_the_demo_prints_no_token_and_answers_only_its_own_host(settings) -> None:
    settings.demo = True
    settings.public_url = "https://demo.school.example:8443"
    app = build_all_in_one(settings, hosts=("192.168.1.20",))
    async with app.router.lifespan_context(app):
        await app.state.demo_filled.wait()  # the demo's year played: nothing of it is cut off at shutdown
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            # the home page and the sign-in page: no token printed, no session set by looking at them
            for path in ("/", "/registry/", "/registry/sign-in"):
                page = await client.get(path, follow_redirects=True)
                assert page.status_code == 200, path
                assert not JWT.search(page.text), path
                for hop in (*page.history, page):
                    assert COOKIE_NAME not in hop.headers.get("set-cookie", ""), path
                    assert not JWT.search(str(hop.headers)), path
            assert "Войти как администратор региона" in page.text  # the one-click sign-in is still there
            # one click signs in: the session goes into an HttpOnly cookie, never into the page
            signed = await client.post("/registry/sign-in/demo", data={"login": "admin@demo.nastavnik"})
            assert signed.status_code == 303 and "httponly" in signed.headers["set-cookie"].lower()
            home = await client.get("/registry/")
            assert "Орлова Вера Николаевна" in home.text and not JWT.search(home.text)

        # another Host (a page of another site resolving its own name to this computer): refused
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", "[::1", ""):
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", headers={"Host": host}) as client:
                for method, path in (("GET", "/"), ("GET", "/registry/sign-in"), ("POST", "/registry/sign-in/demo")):
                    response = await client.request(method, path, data={"login": "admin@demo.nastavnik"} if method == "POST" else None)
                    assert response.status_code == 400, (host, path, response.status_code)
                    assert "Host" in response.text and "set-cookie" not in response.headers, (host, path)
        # this computer by any of its names, the public URL's host and the address given to --host
        for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "demo.school.example:8443", "192.168.1.20:8000"):
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", headers={"Host": host}) as client:
                assert (await client.get("/registry/sign-in")).status_code == 200, host


async def test_without_demo_the_host_is_not_checked(system) -> None:
    _, client = system  # an operator's own proxy decides which names reach the product
    response = await client.get("/registry/sign-in", headers={"Host": "nastavnik.region.example"})
    assert response.status_code == 200


def test_a_single_service_cannot_be_built_in_demo_mode(settings) -> None:
    settings.demo = True
    with pytest.raises(ValueError, match="demo"):
        build_single("registry", settings)
