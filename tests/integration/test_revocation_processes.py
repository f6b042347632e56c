"""Issue 13: a revocation decided in the registry is refused by every other service, each one its own
OS process on RabbitMQ + PostgreSQL (no memory shared, no call to the registry): the event
registry.account.sessions_revoked.v1 reaches each, which then refuses the subject's bearer token
(401) and browser session (back to the sign-in page) on its API and its pages."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import pytest

from shared.auth import COOKIE_NAME, Principal, issue_token
from shared.web import issue_session

from tests.conftest import SECRET

pytestmark = pytest.mark.integration
APIS = ("/registry/api/v1/schools", "/pairing/api/v1/programmes/none/pairs", "/surveys/api/v1/campaigns",
        "/reports/api/v1/indicators/definitions", "/notifications/api/v1/mail")
PAGES = ("/registry/schools", "/pairing/matching", "/surveys/campaigns", "/reports/dashboard", "/notifications/mail")


async def test_a_revocation_in_the_registry_is_refused_by_every_service_process(processes) -> None:
    subject = f"operator-{uuid.uuid4().hex[:8]}"
    token = issue_token(SECRET, sub=subject, role="region_admin", scope="region", scope_id="test-region", ttl=timedelta(hours=1))
    bearer = {"Authorization": f"Bearer {token}"}
    cookie = {"Cookie": f"{COOKIE_NAME}=" + issue_session(
        SECRET, Principal(sub=subject, role="region_admin", scope="region", scope_id="test-region", sid="s-1"))}
    admin = {"Authorization": "Bearer " + issue_token(SECRET, sub="admin-1", role="region_admin", scope="region",
                                                      scope_id="test-region", ttl=timedelta(hours=1))}
    async with processes.client() as client:
        for path in APIS:
            assert (await client.get(path, headers=bearer)).status_code != 401, path
        for path in PAGES:
            assert (await client.get(path, headers=cookie)).status_code == 200, path

        revoked = await client.post("/registry/api/v1/revocations", headers=admin, json={"subject_id": subject})
        assert revoked.status_code == 204, revoked.text

        deadline = time.monotonic() + 30
        while True:
            apis = {path: (await client.get(path, headers=bearer)).status_code for path in APIS}
            pages = {path: (await client.get(path, headers=cookie)) for path in PAGES}
            refused = all(code == 401 for code in apis.values()) and all(
                r.status_code == 303 and "/registry/sign-in" in r.headers["location"] for r in pages.values())
            if refused:
                break
            assert time.monotonic() < deadline, (apis, {p: r.status_code for p, r in pages.items()})
            await asyncio.sleep(0.2)
        assert (await client.get("/registry/api/v1/schools", headers=admin)).status_code == 200  # others unaffected
