"""Pages of sign-in and accounts: sign-in and sign-out, invitation and reset links, the person's
own account (password, role switch), and the accounts page of the region admin and a curator.

Forms of a signed-in person carry the session's CSRF token (pages.actor). Forms without a
session (sign-in, a link's password form, the reset request) are refused when the browser says
they come from another origin (Origin header): their only secrets are what the person types."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shared.auth import Principal
from shared.errors import UseCaseError
from shared.safe_export import attachment
from shared.web import Pages
from shared.web.navigation import HOME, SIGN_IN
from shared.web.pages import PageError
from shared.web.session import SESSION_TTL, clear_session_cookie, issue_session, set_session_cookie

from services.registry import accounts_domain as rules
from services.registry.accounts import Accounts
from services.registry.accounts_links import LinkInvalid, SignInFailed, account_state
from services.registry.letters import letters_pdf

DEMO_PASSWORD = "nastavnik-demo"  # noqa: S105 - the demo's published password, shown on its sign-in page
DEMO_LOGINS = (  # (login, label) — created by nastavnik/app.py load_demo
    ("admin@demo.nastavnik", "администратор региона"),
    ("coordinator@demo.nastavnik", "муниципальный координатор"),
    ("curator@demo.nastavnik", "куратор школы"),
    ("mentor@demo.nastavnik", "наставник"),
    ("mentee@demo.nastavnik", "наставляемый"),
)
LINK_PROBLEMS = {
    "unknown": "Такой ссылки нет. Проверьте, что адрес набран полностью, или попросите новое приглашение.",
    "used": "Эта ссылка уже использована. Войдите со своим паролем или попросите новую ссылку.",
    "expired": "Срок действия ссылки истёк. Попросите куратора школы или администратора выслать новую.",
    "refused": "По этой ссылке войти нельзя: учётная запись отключена или у вас сейчас нет роли в программе.",
}
DONE = {
    "invited": "Приглашение отправлено.", "unlock": "Учётная запись разблокирована.", "disable": "Учётная запись отключена.",
    "enable": "Учётная запись включена.", "staff": "Назначение добавлено. Теперь пригласите сотрудника.",
    "curator": "Куратор назначен.", "revoked": "Назначение куратором снято.", "password": "Пароль изменён.", "role": "Роль сменена.",
    "sessions": "Все сеансы и токены этого человека завершены: войти снова можно с паролем.",
}
STATE_NAMES = {"none": "нет", "invited": "приглашён", "active": "активна", "locked": "заблокирована", "disabled": "отключена"}


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True  # not sent by every browser for a same-origin form post
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return urlparse(origin).netloc == host


def is_https(request: Request) -> bool:
    return request.headers.get("x-forwarded-proto", request.url.scheme).split(",")[0].strip() == "https"


def origin_of(request: Request) -> str:
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "127.0.0.1")
    return f"{'https' if is_https(request) else 'http'}://{host}"


def signed_in(request: Request, principal: Principal, settings_secret: str, target: str, ttl: timedelta = SESSION_TTL) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, issue_session(settings_secret, principal, ttl=ttl), secure=is_https(request), ttl=ttl)
    return response


def check_origin(request: Request) -> None:
    if not same_origin(request):
        raise PageError(403, "Форма отправлена с другого сайта.")


def build_accounts_router(accounts: Accounts, pages: Pages) -> APIRouter:
    """The sign-in, link, own-account and accounts pages (each group of routes below, in this order)."""

    router = APIRouter(include_in_schema=False)
    secret = pages.settings.jwt_secret
    session_ttl = min(SESSION_TTL, timedelta(hours=pages.settings.session_max_hours))
    demo = pages.settings.demo
    for routes in (_sign_in_routes, _link_routes, _my_account_routes, _accounts_routes):
        routes(router, accounts, pages, secret, session_ttl, demo)
    return router


def _sign_in_routes(router: APIRouter, accounts: Accounts, pages: Pages, secret: str, session_ttl: timedelta, demo: bool) -> None:
    """Signing in (a password or, in the demo, a login alone) and out."""

    def sign_in_page(request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("next", request.query_params.get("next", ""))
        return pages.render(request, "accounts/sign_in.html", None, status_code=status_code, title="Вход",
                            already=pages.principal_of(request),
                            demo_logins=DEMO_LOGINS if demo else (), demo_password=DEMO_PASSWORD, **context)

    @router.get("/sign-in")
    async def sign_in_form(request: Request) -> Response:
        return sign_in_page(request, login="")

    @router.post("/sign-in")
    async def sign_in(request: Request) -> Response:
        check_origin(request)
        form = await request.form()
        login, password = str(form.get("login", "")), str(form.get("password", ""))
        target = rules.safe_next(str(form.get("next", "")), HOME)
        try:
            principal = await accounts.sign_in(login, password)
        except SignInFailed as exc:
            return sign_in_page(request, status_code=401, login=login, next=target, failure=str(exc))
        return signed_in(request, principal, secret, target, session_ttl)

    @router.post("/sign-in/demo")
    async def sign_in_demo(request: Request) -> Response:
        if not demo:
            raise PageError(404, "Такой страницы нет, или она вам недоступна.")
        check_origin(request)
        form = await request.form()
        principal = await accounts.demo_account(str(form.get("login", "")))
        return signed_in(request, principal, secret, rules.safe_next(str(form.get("next", "")), HOME), session_ttl)

    @router.post("/sign-out")
    async def sign_out(request: Request, principal: Principal = Depends(pages.actor())) -> Response:
        response = RedirectResponse(SIGN_IN, status_code=303)
        clear_session_cookie(response)
        return response


def _link_routes(router: APIRouter, accounts: Accounts, pages: Pages, secret: str, session_ttl: timedelta, demo: bool) -> None:
    """The one-time links: an invitation sets the first password, a reset a new one."""

    def link_page(request: Request, token: str, purpose: str, account, *, status_code: int = 200, **context: Any) -> HTMLResponse:  # noqa: ANN001
        title = "Приглашение" if purpose == "invitation" else "Новый пароль"
        return pages.render(request, "accounts/set_password.html", None, status_code=status_code, title=title,
                            purpose=purpose, account=account, action=request.url.path, **context)

    def link_problem(request: Request, exc: LinkInvalid) -> HTMLResponse:
        return pages.render(request, "accounts/link_problem.html", None, status_code=410 if exc.reason != "unknown" else 404,
                            title="Ссылка не действует", message=LINK_PROBLEMS[exc.reason])

    async def show_link(request: Request, token: str, purpose: str) -> Response:
        try:
            account = await accounts.open_link(token, purpose)
        except LinkInvalid as exc:
            return link_problem(request, exc)
        return link_page(request, token, purpose, account, errors={})

    async def use_link(request: Request, token: str, purpose: str) -> Response:
        check_origin(request)
        form = await request.form()
        password, repeat = str(form.get("password", "")), str(form.get("repeat", ""))
        try:
            principal = await accounts.set_password_by_link(token, purpose, password, repeat)
        except LinkInvalid as exc:
            return link_problem(request, exc)
        except UseCaseError as exc:
            account = await accounts.open_link(token, purpose)
            return link_page(request, token, purpose, account, status_code=422, errors={exc.field or "password": exc.message})
        return signed_in(request, principal, secret, HOME, session_ttl)

    @router.get("/invite/{token}")
    async def invitation(request: Request, token: str) -> Response:
        return await show_link(request, token, "invitation")

    @router.post("/invite/{token}")
    async def accept_invitation(request: Request, token: str) -> Response:
        return await use_link(request, token, "invitation")

    @router.get("/i/{code}")
    async def short_invitation(code: str) -> Response:
        return RedirectResponse(f"/registry/invite/{rules.normalise_code(code)}", status_code=303)

    @router.get("/reset/{token}")
    async def reset(request: Request, token: str) -> Response:
        return await show_link(request, token, "password_reset")

    @router.post("/reset/{token}")
    async def use_reset(request: Request, token: str) -> Response:
        return await use_link(request, token, "password_reset")

    @router.get("/password-reset")
    async def reset_form(request: Request) -> Response:
        return pages.render(request, "accounts/reset_request.html", None, title="Восстановление пароля", sent=False)

    @router.post("/password-reset")
    async def reset_request(request: Request) -> Response:
        check_origin(request)
        form = await request.form()
        await accounts.request_reset(str(form.get("login", "")))
        return RedirectResponse("/registry/password-reset/sent", status_code=303)

    @router.get("/password-reset/sent")
    async def reset_sent(request: Request) -> Response:
        return pages.render(request, "accounts/reset_request.html", None, title="Восстановление пароля", sent=True)


def _my_account_routes(router: APIRouter, accounts: Accounts, pages: Pages, secret: str, session_ttl: timedelta, demo: bool) -> None:
    """A person's own account: their password and the role they act in."""

    async def account_page(request: Request, principal: Principal, *, status_code: int = 200, errors: dict | None = None) -> HTMLResponse:
        account = await accounts.account_of(principal)
        grants = await accounts.roles_of(principal)
        return pages.render(request, "accounts/account.html", principal, status_code=status_code, title="Моя учётная запись",
                            account=account, grants=grants, errors=errors or {}, notice=DONE.get(request.query_params.get("done", "")))

    @router.get("/account")
    async def my_account(request: Request, principal: Principal = Depends(pages.viewer())) -> Response:
        return await account_page(request, principal)

    @router.post("/account/password")
    async def change_password(request: Request, principal: Principal = Depends(pages.actor())) -> Response:
        form = await request.form()
        try:
            await accounts.change_password(principal, str(form.get("current", "")), str(form.get("password", "")),
                                           str(form.get("repeat", "")))
        except UseCaseError as exc:
            if exc.status_code != 422:
                raise
            return await account_page(request, principal, status_code=422, errors={exc.field or "password": exc.message})
        return RedirectResponse("/registry/account?done=password", status_code=303)

    @router.post("/account/role")
    async def switch_role(request: Request, principal: Principal = Depends(pages.actor())) -> Response:
        form = await request.form()
        switched = await accounts.switch(principal, str(form.get("role", "")))
        return signed_in(request, switched, secret, HOME, session_ttl)


async def school_of_page(request: Request, principal: Principal) -> str | None:
    if principal.role == "school_curator":
        return principal.scope_id
    return request.query_params.get("school") or None


def back(request: Request, done: str, school: str | None = None) -> RedirectResponse:
    suffix = f"&school={school}" if school else ""
    return RedirectResponse(f"/registry/accounts?done={done}{suffix}", status_code=303)


def _accounts_routes(router: APIRouter, accounts: Accounts, pages: Pages, secret: str, session_ttl: timedelta, demo: bool) -> None:
    """The accounts page: staff, invitations, curators, letters, locking and unlocking."""

    async def accounts_page(request: Request, principal: Principal, *, status_code: int = 200,
                            errors: dict | None = None, values: dict | None = None) -> HTMLResponse:
        school_id = await school_of_page(request, principal)
        context: dict[str, Any] = {"errors": errors or {}, "values": values or {}, "state_names": STATE_NAMES,
                                   "state_of": account_state, "notice": DONE.get(request.query_params.get("done", ""))}
        if principal.role == "region_admin":
            query, state = request.query_params.get("q", ""), request.query_params.get("state", "")
            context.update(staff=await accounts.staff(), municipalities=await accounts.municipalities(),
                           all_accounts=await accounts.accounts(principal, query=query, state=state), q=query, state=state)
        if school_id:
            context.update(school=await accounts.school(school_id, principal), people=await accounts.people(school_id, principal))
        return pages.render(request, "accounts/accounts.html", principal, status_code=status_code, title="Учётные записи", **context)

    @router.get("/accounts")
    async def accounts_list(request: Request, principal: Principal = Depends(pages.viewer("region_admin", "school_curator"))) -> Response:
        return await accounts_page(request, principal)

    @router.post("/accounts/staff")
    async def add_staff(request: Request, principal: Principal = Depends(pages.actor("region_admin"))) -> Response:
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in ("full_name", "email", "role", "municipality_id")}
        try:
            await accounts.appoint_staff(values["full_name"], values["email"], values["role"], values["municipality_id"] or None, principal)
        except UseCaseError as exc:
            if exc.status_code not in (409, 422):
                raise
            return await accounts_page(request, principal, status_code=422, errors={exc.field or "full_name": exc.message}, values=values)
        return back(request, "staff")

    def issued_page(request: Request, principal: Principal, issued, school_id: str | None) -> HTMLResponse:  # noqa: ANN001
        return pages.render(request, "accounts/invited.html", principal, title="Приглашение создано", issued=issued,
                            link=f"{origin_of(request)}{issued.path}", school_id=school_id)

    @router.post("/accounts/staff/{staff_id}/invite")
    async def invite_staff(request: Request, staff_id: str, principal: Principal = Depends(pages.actor("region_admin"))) -> Response:
        return issued_page(request, principal, await accounts.invite_staff(staff_id, principal), None)

    @router.post("/accounts/people/{participant_id}/invite")
    async def invite_person(request: Request, participant_id: str,
                            principal: Principal = Depends(pages.actor("region_admin", "school_curator"))) -> Response:
        issued = await accounts.invite_person(participant_id, principal)
        return issued_page(request, principal, issued, issued.account.school_id)

    @router.post("/accounts/people/{participant_id}/curator")
    async def appoint_curator(request: Request, participant_id: str,
                              principal: Principal = Depends(pages.actor("region_admin", "school_curator"))) -> Response:
        await accounts.appoint_curator(participant_id, principal)
        form = await request.form()
        return back(request, "curator", str(form.get("school", "")) or None)

    @router.post("/accounts/people/{participant_id}/curator/revoke")
    async def revoke_curator(request: Request, participant_id: str,
                             principal: Principal = Depends(pages.actor("region_admin", "school_curator"))) -> Response:
        await accounts.revoke_curator(participant_id, principal)
        form = await request.form()
        return back(request, "revoked", str(form.get("school", "")) or None)

    @router.post("/accounts/letters")
    async def letters(request: Request, principal: Principal = Depends(pages.actor("region_admin", "school_curator"))) -> Response:
        form = await request.form()
        school_id = principal.scope_id if principal.role == "school_curator" else str(form.get("school", ""))
        school = await accounts.school(school_id, principal)
        issued = await accounts.letters(school_id, principal)
        pdf = letters_pdf(issued, school_name=school.name, origin=origin_of(request), region_name=pages.settings.region_name)
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": attachment("priglasheniya.pdf"), "Cache-Control": "no-store"})

    @router.post("/accounts/{account_id}/{action}")
    async def account_action(request: Request, account_id: str, action: str,
                             principal: Principal = Depends(pages.actor("region_admin", "school_curator"))) -> Response:
        form = await request.form()
        school = str(form.get("school", "")) or None
        if action == "invite":
            issued = await accounts.invite_account(account_id, principal)
            return issued_page(request, principal, issued, issued.account.school_id)
        if action == "revoke":
            await accounts.revoke_account_sessions(account_id, principal)
            return back(request, "sessions", school)
        if action not in ("unlock", "disable", "enable"):
            raise PageError(404, "Такой страницы нет, или она вам недоступна.")
        await accounts.set_state(account_id, action, principal)
        return back(request, action, school)
