"""Issue 13: the registry revokes a person's sessions and tokens on a role change, when an account is
disabled and by the administrator's button — a session signed in before is refused, the event
`registry.account.sessions_revoked.v1` tells the other services — and the data-protection officer
is appointed like other region staff and signs in to the audit only."""

from __future__ import annotations

import re

from shared.auth import Principal, decode_token

from services.registry.models import AuditRecord
from tests.component.helpers import ADMIN, emitted
from tests.component.test_accounts_security import CURATOR_A, activate, csrf_of, registry, session_of, sign_in  # noqa: F401

REVOKED = "registry.account.sessions_revoked.v1"
ADMIN_PRINCIPAL = Principal(sub="admin-1", role="region_admin", scope="region", scope_id="test-region", name="Админ")


async def test_appointing_a_curator_revokes_the_persons_sessions(registry) -> None:
    service, client, ids = registry
    login = await activate(service, client, ids["teacher"])
    signed_in = await sign_in(client, login, "верный-пароль-42")
    session = {"nastavnik_session": signed_in.cookies["nastavnik_session"]}
    assert (await client.get("/registry/account", cookies=session)).status_code == 200
    cookies = session_of(service, CURATOR_A)
    page = await client.get("/registry/accounts", cookies=cookies)
    r = await client.post(f"/registry/accounts/people/{ids['teacher']}/curator", cookies=cookies,
                          data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    refused = await client.get("/registry/account", cookies=session)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/registry/sign-in")
    [event] = await emitted(service, REVOKED)
    assert event["subject_id"] == ids["teacher"] and event["reason"] == "role_changed"
    again = await sign_in(client, login, "верный-пароль-42")  # a new session carries the new role
    assert (await client.get("/registry/account", cookies={"nastavnik_session": again.cookies["nastavnik_session"]})).status_code == 200


async def test_the_administrator_ends_every_session_and_disabling_does_too(registry) -> None:
    service, client, ids = registry
    login = await activate(service, client, ids["teacher"])
    session = {"nastavnik_session": (await sign_in(client, login, "верный-пароль-42")).cookies["nastavnik_session"]}
    admin = session_of(service, ADMIN_PRINCIPAL)
    page = await client.get("/registry/accounts", cookies=admin)
    assert "Завершить все сеансы" in page.text
    account_id = page.text.split(f'data-login="{login}"')[1].split('/registry/accounts/')[1].split("/")[0]
    r = await client.post(f"/registry/accounts/{account_id}/revoke", cookies=admin, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and "done=sessions" in r.headers["location"]
    assert (await client.get("/registry/account", cookies=session)).status_code == 303
    session = {"nastavnik_session": (await sign_in(client, login, "верный-пароль-42")).cookies["nastavnik_session"]}
    r = await client.post(f"/registry/accounts/{account_id}/disable", cookies=admin, data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    assert (await client.get("/registry/account", cookies=session)).status_code == 303
    reasons = [e["reason"] for e in await emitted(service, REVOKED)]
    assert reasons == ["administrator", "account_disabled"]
    async with service.runtime.db.sessions() as db:
        from sqlmodel import select

        [entry] = (await db.exec(select(AuditRecord).where(AuditRecord.action == "sessions.revoked"))).all()
    assert entry.target == ids["teacher"] and entry.role == "region_admin"
    # the API: only the region administrator
    assert (await client.post("/registry/api/v1/revocations", headers=ADMIN, json={"subject_id": "operator-x"})).status_code == 204
    assert (await client.post("/registry/api/v1/revocations", headers=ADMIN, json={"subject_id": ""})).status_code == 422


async def test_the_data_protection_officer_is_appointed_and_reads_only_the_audit(registry) -> None:
    service, client, _ids = registry
    admin = session_of(service, ADMIN_PRINCIPAL)
    page = await client.get("/registry/accounts", cookies=admin)
    assert "ответственный за обработку персональных данных" in page.text
    r = await client.post("/registry/accounts/staff", cookies=admin, data={
        "csrf_token": csrf_of(page.text), "full_name": "Орлова Вера Павловна", "email": "dpo@region.example",
        "role": "data_protection_officer", "municipality_id": ""})
    assert r.status_code == 303, r.text
    [staff] = [s for s, _ in await service.accounts.staff() if s.role == "data_protection_officer"]
    r = await client.post(f"/registry/accounts/staff/{staff.id}/invite", cookies=admin, data={"csrf_token": csrf_of(page.text)})
    link = re.search(r'id="invitation-link">[^<]*(/registry/invite/[^<]+)<', r.text).group(1)
    r = await client.post(link, data={"password": "верный-пароль-42", "repeat": "верный-пароль-42"})
    assert r.status_code == 303
    officer = {"nastavnik_session": r.cookies["nastavnik_session"]}
    client.cookies.clear()
    assert decode_token(service.runtime.settings.jwt_secret, officer["nastavnik_session"]).role == "data_protection_officer"
    audit = await client.get("/registry/audit", cookies=officer)
    table = audit.text.split('id="audit"')[1].split("</table>")[0]  # (the page's header greets the officer by name)
    assert audit.status_code == 200 and "staff.appointed" in table and "назначен сотрудник" in table and "Орлова" not in table and "dpo@region" not in table
    home = await client.get("/registry/", cookies=officer)
    assert home.status_code == 200 and 'href="/surveys/audit"' in home.text
    for path in ("/registry/people", "/registry/accounts", "/registry/schools"):
        assert (await client.get(path, cookies=officer)).status_code == 403, path
