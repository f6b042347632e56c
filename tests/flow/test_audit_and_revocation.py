"""Issue 13, through the public entry points of all the services in one process: the audit log of
personal data (who, role, what, when, from where; readable by the data-protection officer only),
the revocation of a person's sessions and tokens across services, the longest token lifetime,
and logs without the names and addresses the flow used."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import select

from shared.audit import audit_table, pseudonym
from shared.auth import COOKIE_NAME, Principal, issue_token
from shared.revocation import revocation_table
from shared.web import issue_session

from nastavnik.scenario import PEOPLE, RegionScenario
from tests.component.helpers import bearer
from tests.conftest import SECRET
from tests.flow.test_withdrawal import settle


def cookie(principal: Principal, ttl: timedelta = timedelta(hours=1)) -> dict[str, str]:
    return {COOKIE_NAME: issue_session(SECRET, principal, ttl=ttl)}


async def audit_rows(app, service: str) -> list:
    table = audit_table(service)
    async with app.state.services[service].runtime.db.sessions() as session:
        return list((await session.exec(select(table))).all())


async def test_revoking_a_person_ends_their_sessions_and_tokens_in_every_service(system, settings) -> None:
    app, client = system
    region = await RegionScenario(client, settings.jwt_secret, settings.region_id).load(schools=1)
    await settle(app)
    school = region.schools[0]
    mentee = school.people["t-02"]
    person = Principal(sub=mentee, role="mentee", scope="school", scope_id=school.id, name="x", sid="session-1")
    session = cookie(person)
    token = bearer("mentee", "school", school.id, sub=mentee)
    # the same person also acting as their school's curator (another role, the same subject): reports' pages
    as_curator = cookie(person.model_copy(update={"role": "school_curator", "sid": "session-c"}))
    assert (await client.get("/reports/dashboard", cookies=as_curator)).status_code == 200
    pages = ("/pairing/my", "/surveys/my")
    apis = (f"/pairing/api/v1/programmes/{school.programme_id}/pairs", f"/surveys/api/v1/growth?respondent_id={mentee}",
            f"/reports/api/v1/indicators/school/{school.id}")
    for path in pages:
        assert (await client.get(path, cookies=session)).status_code == 200, path
    before = [(await client.get(path, headers=token)).status_code for path in apis]
    assert 401 not in before

    admin = bearer("region_admin", "region", settings.region_id, sub="admin-1")
    assert (await client.post("/registry/api/v1/revocations", headers=bearer("school_curator", "school", school.id),
                              json={"subject_id": mentee})).status_code == 403
    revoked = await client.post("/registry/api/v1/revocations", headers=admin, json={"subject_id": mentee})
    assert revoked.status_code == 204, revoked.text
    await settle(app)

    for path, jar in [*((p, session) for p in pages), ("/reports/dashboard", as_curator), ("/registry/", session)]:
        refused = await client.get(path, cookies=jar)  # the browser goes back to the sign-in page
        assert refused.status_code == 303 and "/registry/sign-in" in refused.headers["location"], path
    for path in apis:
        assert (await client.get(path, headers=token)).status_code == 401, path
    # each service learned it from the event and keeps it in its own table (a replica or a restart loads it)
    for name in ("pairing", "surveys", "reports", "notifications", "registry"):
        async with app.state.services[name].runtime.db.sessions() as db:
            row = await db.get(revocation_table(name), mentee)
        assert row is not None and row.reason == "administrator", name
    # signing in again afterwards works
    fresh = cookie(person.model_copy(update={"sid": "session-2"}))
    assert (await client.get("/pairing/my", cookies=fresh)).status_code == 200
    [entry] = [e for e in await audit_rows(app, "registry") if e.action == "sessions.revoked"]
    assert entry.target == mentee and entry.role == "region_admin"


async def test_a_withdrawal_revokes_the_persons_sessions(system, settings) -> None:
    app, client = system
    region = await RegionScenario(client, settings.jwt_secret, settings.region_id).load(schools=1, surveys=False)
    await settle(app)
    school = region.schools[0]
    mentee = school.people["t-03"]
    session = cookie(Principal(sub=mentee, role="mentee", scope="school", scope_id=school.id, sid="s-w"))
    assert (await client.get("/surveys/my", cookies=session)).status_code == 200
    assert (await client.get("/pairing/my", cookies=session)).status_code == 200
    withdrawn = await client.post(f"/registry/api/v1/participants/{mentee}/withdrawal",
                                  headers=bearer("school_curator", "school", school.id), json={"reason": "consent_withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.text
    await settle(app)
    assert (await client.get("/surveys/my", cookies=session)).status_code == 303
    async with app.state.services["pairing"].runtime.db.sessions() as db:
        assert (await db.get(revocation_table("pairing"), mentee)).reason == "withdrawn"
    for service in ("pairing", "surveys"):  # the audit entries stay, with the pseudonym only
        entries = [" ".join(str(v) for v in e.model_dump().values()) for e in await audit_rows(app, service)]
        assert any(pseudonym(mentee) in e for e in entries), service
        assert not any(mentee in e for e in entries), service


async def test_tokens_and_sessions_longer_than_the_maximum_are_refused(system, settings) -> None:
    _app, client = system
    long_token = issue_token(SECRET, sub="operator", role="region_admin", scope="region", scope_id=settings.region_id,
                             ttl=timedelta(hours=settings.token_max_lifetime_hours + 1))
    ok_token = issue_token(SECRET, sub="operator", role="region_admin", scope="region", scope_id=settings.region_id,
                           ttl=timedelta(hours=settings.token_max_lifetime_hours))
    for path in ("/registry/api/v1/schools", "/surveys/api/v1/campaigns", "/pairing/api/v1/pairs/none/plan"):
        refused = await client.get(path, headers={"Authorization": f"Bearer {long_token}"})
        assert refused.status_code == 401 and "больше допустимого" in refused.json()["detail"], path
    assert (await client.get("/registry/api/v1/schools", headers={"Authorization": f"Bearer {ok_token}"})).status_code == 200
    admin = Principal(sub="admin-1", role="region_admin", scope="region", scope_id=settings.region_id, sid="long")
    long_session = cookie(admin, ttl=timedelta(hours=settings.session_max_hours + 1))
    assert (await client.get("/registry/schools", cookies=long_session)).status_code == 303
    assert (await client.get("/registry/schools", cookies=cookie(admin))).status_code == 200


async def test_reads_and_writes_of_personal_data_are_audited_and_only_the_officer_reads_the_log(system, settings) -> None:
    app, client = system
    region = await RegionScenario(client, settings.jwt_secret, settings.region_id).load(schools=1)
    await settle(app)
    school = region.schools[0]
    person = school.people["t-02"]
    curator = bearer("school_curator", "school", school.id, sub="curator-7")
    via_proxy = {**curator, "X-Forwarded-For": "203.0.113.7"}  # the test client is 127.0.0.1: a trusted proxy
    assert (await client.get(f"/registry/api/v1/participants/{person}", headers=via_proxy)).status_code == 200
    assert (await client.get(f"/pairing/api/v1/programmes/{school.programme_id}/pairs", headers=curator)).status_code == 200
    refused = await client.get("/registry/api/v1/participants/nobody", headers=curator)
    assert refused.status_code == 404

    reads = [e for e in await audit_rows(app, "registry") if e.action == "read"]
    [read] = [e for e in reads if e.target == person]
    assert (read.actor, read.role, read.entity, read.origin) == ("curator-7", "school_curator", "participant", "203.0.113.7")
    assert not [e for e in reads if e.target == "nobody"]  # a refused read read nothing
    writes = {e.action for e in await audit_rows(app, "registry")}
    assert {"participant.registered", "enrolment.created"} <= writes
    [pairs] = [e for e in await audit_rows(app, "pairing") if e.entity == "pairs" and e.action == "read"]
    assert pairs.target == school.programme_id and pairs.actor == "curator-7"
    names = [p[2] for p in PEOPLE]
    for service in ("registry", "pairing", "surveys", "notifications"):
        for entry in await audit_rows(app, service):
            text = " ".join(str(v) for v in entry.model_dump().values())
            assert not any(name in text or name.split()[0] in text for name in names), (service, text)

    officer = Principal(sub="dpo-1", role="data_protection_officer", scope="region", scope_id=settings.region_id, sid="dpo")
    page = await client.get(f"/registry/audit?person={person}", cookies=cookie(officer))
    assert page.status_code == 200 and "203.0.113.7" in page.text and "Журнал обработки персональных данных" in page.text
    for service in ("pairing", "surveys", "notifications"):
        assert (await client.get(f"/{service}/audit", cookies=cookie(officer))).status_code == 200, service
    api = await client.get(f"/pairing/api/v1/audit?person={school.programme_id}",
                           headers=bearer("data_protection_officer", "region", settings.region_id, sub="dpo-1"))
    assert api.status_code == 200 and api.json()[0]["actor"] == "curator-7"
    admin = Principal(sub="admin-1", role="region_admin", scope="region", scope_id=settings.region_id, sid="adm")
    for who in (admin, Principal(sub="c", role="school_curator", scope="school", scope_id=school.id, sid="c")):
        assert (await client.get("/registry/audit", cookies=cookie(who))).status_code == 403
    assert (await client.get("/surveys/api/v1/audit", headers=curator)).status_code == 403


async def test_the_logs_of_a_whole_flow_hold_no_names_and_no_addresses(system, settings) -> None:
    app, client = system
    email = "smirnov.ilya@example.ru"
    representative = "Лебедева Ольга Сергеевна"
    with structlog.testing.capture_logs() as logs:
        region = await RegionScenario(client, settings.jwt_secret, settings.region_id).load(schools=1)
        school = region.schools[0]
        curator = bearer("school_curator", "school", school.id)
        person = school.people["t-02"]
        consent = {"given_by": "self", "document": "согласие № 7", "contact_email": email, "contact_email_consent": True}
        recorded = await client.post(f"/registry/api/v1/participants/{person}/consent", headers=curator, json=consent)
        assert recorded.status_code == 200, recorded.text
        pupil = {"given_by": "legal_representative", "representative_name": representative, "account_allowed": True}
        recorded = await client.post(f"/registry/api/v1/participants/{school.people['p-02']}/consent", headers=curator, json=pupil)
        assert recorded.status_code == 200, recorded.text
        bad = await client.patch(f"/registry/api/v1/participants/{person}", headers=curator, json={"full_name": ""})
        assert bad.status_code == 422
        await client.get(f"/registry/api/v1/schools/{school.id}/participants?q=Смирнов", headers=curator)
        await client.get("/registry/people?q=Смирнов", cookies=cookie(
            Principal(sub="c", role="school_curator", scope="school", scope_id=school.id, sid="c")))
        await client.post(f"/registry/api/v1/participants/{person}/withdrawal", headers=curator, json={"reason": "consent_withdrawn"})
        await settle(app)
    assert any(entry.get("event") == "http.request" for entry in logs)  # the access log is on
    text = "\n".join(str(entry) for entry in logs)
    for needle in [*(p[2] for p in PEOPLE), *(p[2].split()[0] for p in PEOPLE), email, representative, "smirnov.ilya"]:
        assert needle not in text, needle
