"""Issue 13, L1: role and scope were not checked against each other — a `region_admin` token
scoped to one school created schools in another municipality, and `nastavnik token` issued
such tokens. Now a token or session whose role does not act at its scope level is refused
wherever it is presented, and the CLI refuses to issue one."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shared.auth import COOKIE_NAME, Principal, decode_token, issue_token

from tests.conftest import SECRET

SCHOOL = {"school_id": "sch-far", "name": "Школа в чужом районе", "municipality_id": "mun-far", "municipality_name": "Чужой район"}
MISMATCHED = [  # (role, scope, scope_id): each role outside its own level
    ("region_admin", "school", "sch-own"),
    ("region_admin", "municipality", "mun-own"),
    ("municipal_coordinator", "region", "test-region"),
    ("municipal_coordinator", "school", "sch-own"),
    ("school_curator", "region", "test-region"),
    ("school_curator", "municipality", "mun-own"),
    ("mentee", "region", "test-region"),
    ("integration", "region", "test-region"),
]


def forged(role: str, scope: str, scope_id: str, **extra: object) -> str:
    """A token as `nastavnik token --role region_admin --scope school …` issued it before:
    signed with the real key, only its role and scope do not fit together."""
    now = datetime.now(UTC)
    claims = {"sub": "old-token", "role": role, "scope": scope, "scope_id": scope_id, "iat": now,
              "exp": now + timedelta(hours=1), "jti": str(uuid.uuid4()), "iss": "nastavnik", **extra}
    return jwt.encode(claims, SECRET, algorithm="HS256")


async def test_a_region_admin_token_scoped_to_a_school_creates_no_school(system) -> None:
    _, client = system
    headers = {"Authorization": f"Bearer {forged('region_admin', 'school', 'sch-own')}"}
    response = await client.post("/registry/api/v1/schools", headers=headers, json=SCHOOL)
    assert response.status_code == 401, response.text
    assert "region_admin" in response.json()["detail"] and "регион" in response.json()["detail"]
    admin = issue_token(SECRET, sub="admin", role="region_admin", scope="region", scope_id="test-region", ttl=timedelta(hours=1))
    schools = await client.get("/registry/api/v1/schools", headers={"Authorization": f"Bearer {admin}"})
    assert schools.status_code == 200 and "sch-far" not in schools.text  # nothing was written


async def test_every_service_refuses_a_token_whose_role_does_not_fit_its_scope(system) -> None:
    _, client = system
    for role, scope, scope_id in MISMATCHED:
        headers = {"Authorization": f"Bearer {forged(role, scope, scope_id)}"}
        for path in ("/registry/api/v1/schools", "/pairing/api/v1/programmes/p1/pairs", "/surveys/api/v1/instruments",
                     "/reports/api/v1/indicators/region/test-region"):
            assert (await client.get(path, headers=headers)).status_code == 401, (role, scope, path)


async def test_a_session_cookie_whose_role_does_not_fit_its_scope_is_no_session(system) -> None:
    _, client = system
    client.cookies.set(COOKIE_NAME, forged("region_admin", "school", "sch-own", sid="s1", name="Самозванец"))
    page = await client.get("/registry/schools")
    assert page.status_code == 303 and "/registry/sign-in" in page.headers["location"]


def test_principals_and_tokens_of_a_role_outside_its_level_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="region_admin"):
        Principal(sub="x", role="region_admin", scope="school", scope_id="s1")
    with pytest.raises(ValueError, match="municipal_coordinator"):
        issue_token(SECRET, sub="x", role="municipal_coordinator", scope="region", scope_id="r", ttl=timedelta(hours=1))
    with pytest.raises(jwt.InvalidTokenError, match="school_curator"):
        decode_token(SECRET, forged("school_curator", "municipality", "mun-own"))


def nastavnik_token(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NASTAVNIK_JWT_SECRET": SECRET, "NASTAVNIK_REGION_ID": "test-region"}
    return subprocess.run([sys.executable, "-m", "nastavnik", "token", *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("args", [
    ("--role", "region_admin", "--scope", "school", "--scope-id", "sch-own"),
    ("--role", "municipal_coordinator", "--scope", "region"),
    ("--role", "school_curator", "--scope", "municipality", "--scope-id", "mun-own"),
    ("--role", "region_admin", "--scope-id", "sch-own"),  # a region token for some other "region"
])
def test_nastavnik_token_refuses_a_role_outside_its_level(args: tuple[str, ...]) -> None:
    result = nastavnik_token(*args)
    assert result.returncode != 0 and not result.stdout.strip(), result.stdout
    assert "--scope" in result.stderr


def test_nastavnik_token_still_issues_each_role_at_its_level() -> None:
    for role, scope_id in (("region_admin", None), ("municipal_coordinator", "mun-own"), ("school_curator", "sch-own"),
                           ("integration", "sch-own")):
        result = nastavnik_token("--role", role, *(("--scope-id", scope_id) if scope_id else ()))
        assert result.returncode == 0, result.stderr
        principal = decode_token(SECRET, result.stdout.strip())
        assert (principal.role, principal.scope_id) == (role, scope_id or "test-region")
