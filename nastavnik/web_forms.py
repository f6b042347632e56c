"""A page's form posted as a browser would (the demo's year-end steps that exist only as pages):
a session cookie of the person, the page opened, the form's fields as the page filled them —
its CSRF token included — and the chosen button."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx

from shared.auth import COOKIE_NAME, Principal
from shared.web import issue_session


class _Form(HTMLParser):
    """The fields of the form with id `form_id`: hidden and text inputs, textareas."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.textarea: str | None = None
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside, self.action = True, a.get("action")
        elif self.inside and tag == "input" and (name := a.get("name")) and a.get("type", "text") in ("hidden", "text"):
            self.fields[name] = a.get("value") or ""
        elif self.inside and tag == "textarea" and (name := a.get("name")):
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data


async def submit(client: httpx.AsyncClient, secret: str, principal: Principal, page: str, form_id: str,
                 button: tuple[str, str]) -> httpx.Response:
    """Open `page` signed in as `principal`, post its form `form_id` unchanged with `button`
    (name, value) pressed; a refused post (not a redirect) raises."""
    cookie = {"Cookie": f"{COOKIE_NAME}={issue_session(secret, principal)}"}
    opened = await client.get(page, headers=cookie)
    if opened.status_code != 200:
        raise RuntimeError(f"GET {page} → {opened.status_code}: {opened.text[:500]}")
    form = _Form(form_id)
    form.feed(opened.text)
    if form.action is None:
        raise RuntimeError(f"{page}: нет формы {form_id}")
    posted = await client.post(form.action, data={**form.fields, button[0]: button[1]}, headers=cookie)
    if posted.status_code != 303:
        raise RuntimeError(f"POST {form.action} → {posted.status_code}: {posted.text[:500]}")
    return posted
