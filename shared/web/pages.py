"""Server-rendered pages of a service, in the one layout of the product.

A service builds one `Pages` in its composition root (`Pages(name, settings, templates_dir)`),
declares its page routes with `pages.viewer(*roles)` (GET: a signed-in person with one of the
roles) or `pages.actor(*roles)` (POST: the same, plus the form's CSRF token), renders with
`pages.render(request, "x.html", principal, ...)` and calls `install_pages(app, pages)` once.

Templates extend "layout.html" (shared/web/templates); the service's own folder comes first,
so a service may also override a shared partial. Filters for people: `num`, `pct`, `day`,
`moment` (shared.formatting)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared import formatting
from shared.auth import COOKIE_NAME, Lifetimes, Principal, TokenCache, revoked
from shared.errors import UseCaseError
from shared.settings import Settings
from shared.web import assets, navigation
from shared.web.session import CSRF_FIELD, CSRF_HEADER, csrf_matches, csrf_token

SHARED_TEMPLATES = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


class SignInRequired(Exception):
    """No valid session: the browser goes to the sign-in page and comes back."""


class PageError(Exception):
    """A page that cannot be shown: rendered as a Russian error page with this status."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def forbidden(message: str = "У вашей роли нет доступа к этой странице.") -> PageError:
    return PageError(403, message)


def not_found(message: str = "Такой страницы нет, или она вам недоступна.") -> PageError:
    return PageError(404, message)


def is_page_request(request: Request) -> bool:
    """A browser asking for a page (not an API client): errors become pages, 401 a redirect."""
    if "/api/" in request.url.path:
        return "text/html" in request.headers.get("accept", "") and request.method == "GET"
    return True


class Pages:
    def __init__(self, service: str, settings: Settings, templates_dir: Path | None = None) -> None:
        self.service = service
        self.settings = settings
        self._secret = settings.jwt_secret
        self._sessions = TokenCache(settings.jwt_secret, limits=Lifetimes.of(settings))
        loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
        self.env = Environment(
            loader=ChoiceLoader([*loaders, FileSystemLoader(str(SHARED_TEMPLATES))]),
            autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
        )
        self.env.filters.update(num=formatting.number, pct=formatting.percent, day=formatting.day, moment=formatting.moment)
        self.env.globals.update(
            static=f"/{service}/static", assets=assets, role_names=navigation.ROLE_NAMES, region_name=settings.region_name,
            sign_out=navigation.SIGN_OUT, home=navigation.HOME, csrf_field=CSRF_FIELD,
        )

    # ---- who is asking ------------------------------------------------------------------

    def principal_of(self, request: Request) -> Principal | None:
        token = request.cookies.get(COOKIE_NAME)
        if not token:
            return None
        try:
            principal = self._sessions.principal(token)
        except (jwt.PyJWTError, ValueError):
            return None
        if revoked(principal):
            return None
        request.state.principal = principal  # for the audit of the request (shared/audit.py)
        return principal

    def viewer(self, *roles: str) -> Callable[[Request], Awaitable[Principal]]:
        """Dependency of a page: the signed-in person, with one of `roles` if given."""
        allowed = set(roles)

        async def dependency(request: Request) -> Principal:
            principal = self.principal_of(request)
            if principal is None:
                raise SignInRequired
            if allowed and principal.role not in allowed:
                raise forbidden()
            return principal

        return dependency

    def actor(self, *roles: str) -> Callable[[Request], Awaitable[Principal]]:
        """Dependency of a form post: `viewer`, and the form's CSRF token must match the session."""
        view = self.viewer(*roles)

        async def dependency(request: Request) -> Principal:
            principal = await view(request)
            presented = request.headers.get(CSRF_HEADER)
            if presented is None:
                form = await request.form()  # cached on the request: the route reads it again for free
                value = form.get(CSRF_FIELD)
                presented = value if isinstance(value, str) else None
            if not csrf_matches(self._secret, principal, presented):
                raise PageError(403, "Форма устарела или отправлена не с этой страницы. Обновите страницу и попробуйте ещё раз.")
            return principal

        return dependency

    # ---- rendering ----------------------------------------------------------------------

    def render(
        self, request: Request, template: str, principal: Principal | None, *, status_code: int = 200,
        headers: dict[str, str] | None = None, **context: Any,
    ) -> HTMLResponse:
        html = self.env.get_template(template).render(
            request=request, principal=principal, menu=(menu := navigation.menu_for(principal)),
            current_link=navigation.current_link(menu, request.url.path),
            csrf_token=csrf_token(self._secret, principal) if principal else "", here=request.url.path, **context,
        )
        return HTMLResponse(html, status_code=status_code, headers=headers)

    def error_page(self, request: Request, status_code: int, message: str) -> HTMLResponse:
        titles = {400: "Запрос не выполнен", 403: "Доступ запрещён", 404: "Страница не найдена", 409: "Конфликт",
                  422: "Данные не приняты", 413: "Файл слишком большой"}
        return self.render(request, "error.html", self.principal_of(request), status_code=status_code,
                           title=titles.get(status_code, "Ошибка"), message=message, status=status_code)


def sign_in_redirect(request: Request) -> RedirectResponse:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{navigation.SIGN_IN}?next={quote(path, safe='')}", status_code=303)


def install_pages(app: FastAPI, pages: Pages) -> None:
    """Static files, the API docs with local assets, and errors as Russian pages for browsers
    (JSON stays JSON for API clients)."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"/{pages.service}/openapi.json", title=f"{app.title} — API",
            swagger_js_url=f"/{pages.service}/static/{assets.SWAGGER_JS}", swagger_css_url=f"/{pages.service}/static/{assets.SWAGGER_CSS}",
            swagger_favicon_url=f"/{pages.service}/static/favicon.svg",
        )

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _exc: SignInRequired) -> Response:
        return sign_in_redirect(request)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return pages.error_page(request, exc.status_code, exc.message)

    previous_use_case = app.exception_handlers.get(UseCaseError)

    @app.exception_handler(UseCaseError)
    async def use_case_error(request: Request, exc: UseCaseError) -> Response:
        if is_page_request(request):
            return pages.error_page(request, exc.status_code, exc.message)
        assert previous_use_case is not None
        answer = previous_use_case(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page_request(request):
            if exc.status_code == 401:
                return sign_in_redirect(request)
            return pages.error_page(request, exc.status_code, _message(exc))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if "/api/" not in request.url.path:
            fields = ", ".join(list(dict.fromkeys(".".join(str(p)[:50] for p in e["loc"][1:]) for e in exc.errors()))[:20])
            return pages.error_page(request, 422, f"Проверьте поля: {fields}.")
        from shared.limits import validation_reply  # small whatever was sent (issue 13, M4)

        return validation_reply(list(exc.errors()))


def _message(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404 and exc.detail in ("Not Found", None):
        return "Такой страницы нет, или она вам недоступна."
    if exc.status_code == 405:
        return "Так эту страницу открыть нельзя."
    return str(exc.detail)
