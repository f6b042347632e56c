"""Accounts of the registry, as an attacker or a careless user would meet them: the lock holds
with the right password, a pupil without consent to an account gets none, forged forms are
refused, `next` never leaves the site, another school's curator sees nothing, links are one-time
and expire; consent with a contact address announces it (registry.contact.updated.v1)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from shared.auth import COOKIE_NAME, Principal
from shared.clock import utcnow

from services.registry.main import create_service
from services.registry.models import Account, AccountLink
from tests.component.helpers import ADMIN, bearer, emitted, running

PASSWORD = "верный-пароль-42"
CURATOR_A = Principal(sub="cur-a", role="school_curator", scope="school", scope_id="sa", name="Куратор А")
CURATOR_B = Principal(sub="cur-b", role="school_curator", scope="school", scope_id="sb", name="Куратор Б")


async def arrange(client: httpx.AsyncClient) -> dict[str, str]:
    """Two schools; in school A a teacher (mentor, with an address), a pupil whose consent allows an
    account (mentee) and a pupil whose consent does not (mentee)."""
    ids: dict[str, str] = {}
    for school in ("sa", "sb"):
        r = await client.post("/registry/api/v1/schools", headers=ADMIN, json={
            "school_id": school, "name": f"Школа {school}", "municipality_id": "m1", "municipality_name": "Район"})
        assert r.status_code == 201, r.text
    curator = bearer("school_curator", "school", "sa")
    people = [
        ("teacher", {"category": "teacher", "full_name": "Иванова Анна Петровна", "consent": {
            "given_by": "self", "contact_email": "Ivanova@School.example", "contact_email_consent": True}}),
        ("pupil_ok", {"category": "pupil", "full_name": "Соколов Артём", "grade": 9, "consent": {
            "given_by": "legal_representative", "representative_name": "Соколова Е. И.", "account_allowed": True}}),
        ("pupil_no", {"category": "pupil", "full_name": "Лебедева Полина", "grade": 6, "consent": {
            "given_by": "legal_representative", "representative_name": "Лебедев И. П."}}),
    ]
    for key, body in people:
        r = await client.post("/registry/api/v1/schools/sa/participants", headers=curator, json=body)
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    r = await client.post("/registry/api/v1/schools/sa/programmes", headers=curator, json={
        "title": "Вместе", "academic_year": "2026/2027", "forms": ["teacher_teacher", "pupil_pupil"]})
    programme = r.json()["id"]
    for key, role in (("teacher", "mentor"), ("pupil_ok", "mentee"), ("pupil_no", "mentee")):
        r = await client.post(f"/registry/api/v1/programmes/{programme}/enrolments", headers=curator,
                              json={"participant_id": ids[key], "role": role, "capacity": 2 if role == "mentor" else None})
        assert r.status_code == 201, r.text
    return ids


def session_of(service, principal: Principal) -> dict[str, str]:
    from shared.web import issue_session

    return {COOKIE_NAME: issue_session(service.runtime.settings.jwt_secret, principal.model_copy(update={"sid": "s-" + principal.sub}))}


def csrf_of(html: str) -> str:
    tokens = re.findall(r'name="csrf_token" value="([0-9a-f]*)"', html)
    assert tokens and len(set(tokens)) == 1 and tokens[0], "every form of the page carries the session's CSRF token"
    return tokens[0]


async def activate(service, client: httpx.AsyncClient, participant_id: str, principal: Principal = CURATOR_A) -> str:
    """Invite through the accounts page and set the password through the link; returns the login."""
    cookies = session_of(service, principal)
    page = await client.get("/registry/accounts", cookies=cookies)
    r = await client.post(f"/registry/accounts/people/{participant_id}/invite", cookies=cookies, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 200, r.text
    link = re.search(r'id="invitation-link">[^<]*(/registry/invite/[^<]+)<', r.text).group(1)
    r = await client.post(link, data={"password": PASSWORD, "repeat": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/registry/"
    client.cookies.clear()
    async with service.runtime.db.sessions() as session:
        from sqlmodel import select

        return (await session.exec(select(Account.login).where(Account.participant_id == participant_id))).one()


async def sign_in(client: httpx.AsyncClient, login: str, password: str, next_: str = "") -> httpx.Response:
    r = await client.post("/registry/sign-in", data={"login": login, "password": password, "next": next_})
    client.cookies.clear()
    return r


@pytest.fixture
async def registry(settings):
    """The registry under its prefix, as the one origin serves it (pages link by absolute paths)."""
    service = create_service(settings)
    app = FastAPI()
    app.mount("/registry", service.http)
    async with running(service):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            yield service, client, await arrange(client)


async def test_consent_with_an_address_announces_the_contact_and_withdrawal_removes_it(registry) -> None:
    service, client, ids = registry
    contacts = await emitted(service, "registry.contact.updated.v1")
    assert contacts == [{"participant_id": ids["teacher"], "school_id": "sa", "email": "ivanova@school.example"}]
    r = await client.post(f"/registry/api/v1/participants/{ids['pupil_no']}/consent", headers=ADMIN, json={
        "given_by": "legal_representative", "representative_name": "Лебедев И. П.", "contact_email": "x@y.example"})
    assert r.status_code == 422  # an address is kept only with consent to be written to
    login = await activate(service, client, ids["teacher"])
    r = await client.post(f"/registry/api/v1/participants/{ids['teacher']}/withdrawal", headers=ADMIN, json={"reason": "consent_withdrawn"})
    assert r.status_code == 200, r.text
    contacts = await emitted(service, "registry.contact.updated.v1")
    assert [c["email"] for c in contacts] == [None, None]  # the earlier one redacted, the new one says: no more mail
    # the account is erased with the person: no sign-in, neither name nor address left in it
    assert (await sign_in(client, login, PASSWORD)).status_code == 401
    async with service.runtime.db.sessions() as session:
        from sqlmodel import select

        account = (await session.exec(select(Account).where(Account.participant_id == ids["teacher"]))).one()
    assert account.state == "disabled" and account.password_hash is None
    assert "Иванова" not in account.display_name and "@" not in account.login


async def test_sign_in_sets_an_httponly_session_and_next_stays_on_the_site(registry) -> None:
    service, client, ids = registry
    login = await activate(service, client, ids["teacher"])
    assert login == "ivanova@school.example"
    r = await sign_in(client, "IVANOVA@school.example ", PASSWORD, "/pairing/my")
    assert r.status_code == 303 and r.headers["location"] == "/pairing/my"
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=lax" in r.headers["set-cookie"].lower()
    for evil in ("https://evil.example/x", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        r = await sign_in(client, login, PASSWORD, evil)
        assert r.status_code == 303 and r.headers["location"] == "/registry/", evil
    r = await client.post("/registry/sign-in", data={"login": login, "password": PASSWORD},
                          headers={"x-forwarded-proto": "https"})
    assert "secure" in r.headers["set-cookie"].lower()
    client.cookies.clear()
    r = await client.post("/registry/sign-in", data={"login": login, "password": PASSWORD}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and COOKIE_NAME not in r.headers.get("set-cookie", "")


@pytest.mark.timeout(900)  # ten argon2 hashes plus the growing delays: slow on a loaded 2-core machine
async def test_a_locked_account_stays_locked_with_the_right_password_until_unlocked(registry, monkeypatch) -> None:
    service, client, ids = registry
    login = await activate(service, client, ids["teacher"])
    delays: list[float] = []

    async def no_wait(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr("services.registry.accounts._throttle", no_wait)
    unknown = await sign_in(client, "nobody@school.example", "что-то-не-то")
    for _ in range(10):
        wrong = await sign_in(client, login, "неверный-пароль")
        assert wrong.status_code == 401
    assert delays and delays == sorted(delays) and max(delays) <= 2.0 and len(delays) == 5  # slowed after the fifth
    message = re.search(r'id="sign-in-failure">(.*?)</div>', wrong.text, re.S).group(1)
    assert message == re.search(r'id="sign-in-failure">(.*?)</div>', unknown.text, re.S).group(1)  # same for an unknown login
    right = await sign_in(client, login, PASSWORD)
    assert right.status_code == 401 and COOKIE_NAME not in right.headers.get("set-cookie", "")
    # a region admin unlocks it
    admin = Principal(sub="adm", role="region_admin", scope="region", scope_id="test-region", name="Админ")
    cookies = session_of(service, admin)
    page = await client.get("/registry/accounts?state=locked", cookies=cookies)
    assert login in page.text and "заблокирована" in page.text
    account_id = re.search(r'/registry/accounts/([0-9a-f-]+)/unlock', page.text).group(1)
    r = await client.post(f"/registry/accounts/{account_id}/unlock", cookies=cookies, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    client.cookies.clear()
    assert (await sign_in(client, login, PASSWORD)).status_code == 303


async def test_a_lock_runs_out_after_fifteen_minutes(registry, monkeypatch) -> None:
    service, client, ids = registry
    login = await activate(service, client, ids["teacher"])
    async with service.runtime.uow() as work:
        await work.session.exec(update(Account).values(failed_attempts=10, locked_until=utcnow() + timedelta(minutes=1)))
    assert (await sign_in(client, login, PASSWORD)).status_code == 401
    async with service.runtime.uow() as work:
        await work.session.exec(update(Account).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert (await sign_in(client, login, PASSWORD)).status_code == 303


async def test_a_pupil_whose_consent_does_not_allow_it_cannot_be_invited_nor_sign_in(registry) -> None:
    service, client, ids = registry
    cookies = session_of(service, CURATOR_A)
    page = await client.get("/registry/accounts", cookies=cookies)
    assert "согласие не разрешает" in page.text
    assert f"/registry/accounts/people/{ids['pupil_no']}/invite" not in page.text
    r = await client.post(f"/registry/accounts/people/{ids['pupil_no']}/invite", cookies=cookies, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    # the pupil whose consent allows it signs in as a mentee; when the consent is re-recorded without it, no more
    login = await activate(service, client, ids["pupil_ok"])
    assert (await sign_in(client, login, PASSWORD)).status_code == 303
    r = await client.post(f"/registry/api/v1/participants/{ids['pupil_ok']}/consent", headers=ADMIN, json={
        "given_by": "legal_representative", "representative_name": "Соколова Е. И.", "account_allowed": False})
    assert r.status_code == 200, r.text
    assert (await sign_in(client, login, PASSWORD)).status_code == 401


async def test_forged_forms_without_the_session_token_are_refused(registry) -> None:
    service, client, ids = registry
    cookies = session_of(service, CURATOR_A)
    other = session_of(service, CURATOR_B)
    other_token = csrf_of((await client.get("/registry/accounts", cookies=other)).text)
    posts = [
        ("/registry/sign-out", {}),
        (f"/registry/accounts/people/{ids['teacher']}/invite", {}),
        ("/registry/accounts/letters", {}),
        ("/registry/account/password", {"current": "x", "password": "новый-пароль-1", "repeat": "новый-пароль-1"}),
    ]
    for path, data in posts:
        for token in (None, other_token):
            body = dict(data, **({"csrf_token": token} if token else {}))
            r = await client.post(path, cookies=cookies, data=body)
            assert r.status_code == 403, (path, token, r.status_code)
            assert "Форма устарела" in r.text


async def test_another_schools_curator_neither_sees_nor_invites_this_schools_people(registry) -> None:
    service, client, ids = registry
    cookies = session_of(service, CURATOR_B)
    page = await client.get("/registry/accounts", cookies=cookies)
    assert page.status_code == 200 and "Иванова" not in page.text
    token = csrf_of(page.text)
    for path in (f"/registry/accounts/people/{ids['teacher']}/invite", f"/registry/accounts/people/{ids['teacher']}/curator"):
        r = await client.post(path, cookies=cookies, data={"csrf_token": token})
        assert r.status_code == 404, path
    assert (await client.get("/registry/accounts?school=sa", cookies=cookies)).text.count("Иванова") == 0
    # nor may a mentor open the accounts page
    mentor = Principal(sub=ids["teacher"], role="mentor", scope="school", scope_id="sa", name="Иванова")
    assert (await client.get("/registry/accounts", cookies=session_of(service, mentor))).status_code == 403


async def test_links_are_one_time_and_expire(registry) -> None:
    service, client, ids = registry
    cookies = session_of(service, CURATOR_A)
    page = await client.get("/registry/accounts", cookies=cookies)
    r = await client.post(f"/registry/accounts/people/{ids['teacher']}/invite", cookies=cookies, data={"csrf_token": csrf_of(page.text)})
    first = re.search(r"(/registry/invite/[^<]+)<", r.text).group(1)
    r = await client.post(f"/registry/accounts/people/{ids['teacher']}/invite", cookies=cookies, data={"csrf_token": csrf_of(page.text)})
    second = re.search(r"(/registry/invite/[^<]+)<", r.text).group(1)
    client.cookies.clear()
    assert "уже использована" in (await client.get(first)).text  # replaced by the newer one
    short = await client.post(second, data={"password": "короткий", "repeat": "короткий"})
    assert short.status_code == 422 and "не короче 10" in short.text
    mismatch = await client.post(second, data={"password": PASSWORD, "repeat": PASSWORD + "!"})
    assert mismatch.status_code == 422 and "не совпадают" in mismatch.text
    assert (await client.post(second, data={"password": PASSWORD, "repeat": PASSWORD})).status_code == 303
    client.cookies.clear()
    used = await client.get(second)
    assert used.status_code == 410 and "уже использована" in used.text
    again = await client.post(second, data={"password": "другой-пароль-9", "repeat": "другой-пароль-9"})
    assert again.status_code == 410
    # an expired reset link
    await client.post("/registry/password-reset", data={"login": "ivanova@school.example"})
    resets = await emitted(service, "registry.account.link_issued.v1")
    reset_path = [e for e in resets if e["purpose"] == "password_reset"][-1]["link_path"]
    async with service.runtime.uow() as work:
        await work.session.exec(update(AccountLink).where(AccountLink.purpose == "password_reset")
                                .values(expires_at=utcnow() - timedelta(minutes=1)))
    expired = await client.get(reset_path)
    assert expired.status_code == 410 and "Срок действия ссылки истёк" in expired.text
    assert "Такой ссылки нет" in (await client.get("/registry/invite/not-a-token")).text


async def test_a_hash_made_with_older_parameters_is_redone_at_sign_in(registry) -> None:
    from argon2 import PasswordHasher
    from sqlmodel import select

    service, client, ids = registry
    login = await activate(service, client, ids["teacher"])
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with service.runtime.uow() as work:
        await work.session.exec(update(Account).where(Account.login == login).values(password_hash=weak))
    assert (await sign_in(client, login, PASSWORD)).status_code == 303
    async with service.runtime.db.sessions() as session:
        stored = (await session.exec(select(Account.password_hash).where(Account.login == login))).one()
    assert stored != weak and stored.startswith("$argon2id$") and not PasswordHasher().check_needs_rehash(stored)
    assert (await sign_in(client, login, PASSWORD)).status_code == 303
