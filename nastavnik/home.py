"""The home page of `nastavnik run`. In demo mode it signs the visitor in as the demo region's
administrator (a cookie), says so, and prints tokens for the other roles."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nastavnik.scenario import SCHOOLS
from shared.auth import COOKIE_NAME, Principal, issue_token
from shared.clock import academic_year_of
from shared.settings import Settings

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left}
td.value{text-align:right;font-weight:600}code{font-size:.75rem;word-break:break-all}.note{background:#fff8c5;padding:.6rem}"""


def home_router(settings: Settings, services: dict[str, Any]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        links = "".join(f'<li><a href="/{n}/docs">API: {n}</a></li>' for n in services)
        if not settings.demo:
            body = f"""<h1>Nastavnik</h1><p>Система сопровождения программ наставничества региона.</p>
            <p>Для работы нужен токен доступа: его выдаёт оператор командой <code>nastavnik token</code>.</p><ul>{links}</ul>"""
            return HTMLResponse(_page(body))
        token = _token(settings, "demo-admin", "region_admin", "region", settings.region_id)
        admin = Principal(sub="demo-admin", role="region_admin", scope="region", scope_id=settings.region_id)
        year = academic_year_of(date.today())
        values = await services["reports"].service.indicators("region", settings.region_id, year, admin)
        rows = "".join(
            f'<tr data-code="{v.code}"><td>{html.escape(v.name)}</td><td class="value">{_number(v.value)}</td>'
            f"<td>{html.escape(v.unit)}</td></tr>"
            for v in values
        )
        body = f"""<h1>Nastavnik — {html.escape(settings.region_name)}</h1>
        <p class="note">Демонстрационный режим: вы вошли как <strong>администратор демонстрационного региона</strong>.</p>
        <h2>Показатели региона, {year} учебный год</h2>
        <table id="region-indicators"><tr><th>Показатель</th><th>Значение</th><th>Единица</th></tr>{rows}</table>
        <p><a href="/reports/dashboard">Дашборд: регион → муниципалитет → школа</a></p>
        <h2>API сервисов</h2><ul>{links}</ul>
        <h2>Токены других ролей</h2><table>{_demo_tokens(settings)}</table>"""
        response = HTMLResponse(_page(body))
        response.set_cookie(COOKIE_NAME, token, httponly=True, samesite="strict")
        return response

    return router


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")  # Russian decimal comma


def _token(settings: Settings, sub: str, role: str, scope: str, scope_id: str) -> str:
    return issue_token(settings.jwt_secret, sub=sub, role=role, scope=scope, scope_id=scope_id, ttl=timedelta(hours=settings.jwt_ttl_hours))


def _demo_tokens(settings: Settings) -> str:
    school_id, _, municipality_id, _, _ = SCHOOLS[0]
    roles = [
        ("Администратор региона", "region_admin", "region", settings.region_id),
        ("Муниципальный координатор", "municipal_coordinator", "municipality", municipality_id),
        ("Куратор школы", "school_curator", "school", school_id),
        ("Информационная система школы", "integration", "school", school_id),
    ]
    return "".join(
        f"<tr><td>{label}</td><td><code>{_token(settings, role, role, scope, scope_id)}</code></td></tr>"
        for label, role, scope, scope_id in roles
    )


def _page(body: str) -> str:
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Nastavnik</title><style>{STYLE}</style></head>
<body>{body}</body></html>"""
